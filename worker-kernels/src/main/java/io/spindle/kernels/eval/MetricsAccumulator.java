package io.spindle.kernels.eval;

import java.io.Serializable;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Mergeable evaluation state of one task: executors {@link #add} the rows of their partition,
 * the driver {@link #merge}s the accumulators (Spark {@code reduce}/{@code treeAggregate}) and
 * reads {@link #result()}.
 *
 * <p><b>Split invariance.</b> Only counts and moments are kept, never rows. Every classification
 * count (confusion matrix, per-label counts, ROC bins) is a {@code long} and merges exactly, so
 * classification metrics do not depend on how rows were split or in which order accumulators were
 * merged. Regression moments are doubles combined with Chan et al.'s pairwise update (see
 * {@link RegressionMoments}) and agree across splits up to rounding. The loss is a plain sum.
 *
 * <p><b>Reading inputs.</b> Rows are examples; a rank-1 array is read as one column.
 * <ul>
 *   <li>{@link TaskKind#BINARY}: labels and predictions each have 1 column (0/1 label, sigmoid
 *       probability) or 2 columns (one-hot label, softmax), in which case column 1 is the positive
 *       class. A label is positive when {@code > 0.5}; a prediction is positive when
 *       {@code p > 0.5} (as DL4J's {@code Evaluation}), so 0.5 itself is negative.
 *   <li>{@link TaskKind#MULTICLASS}: one-hot labels; actual and predicted classes are the first
 *       index of the row maximum (ND4J's argmax).
 *   <li>{@link TaskKind#MULTILABEL}: labels 0/1 ({@code > 0.5} is positive), predictions one
 *       sigmoid per label, positive when {@code > 0.5}.
 *   <li>{@link TaskKind#REGRESSION}: raw targets and predictions, one column per target.
 * </ul>
 * Labels are assumed finite (they come from the data set and are not checked per value).
 *
 * <p><b>Metrics.</b> For classification, per class (or per label) {@code precision = tp/(tp+fp)},
 * {@code recall = tp/(tp+fn)}, {@code f1 = 2tp/(2tp+fp+fn)}; a zero denominator gives 0, like
 * scikit-learn's {@code zero_division=0} (so a class that is never predicted has precision 0
 * and does not crash). {@code support} is the number of actual positives of the class.
 * <ul>
 *   <li>{@code accuracy}: BINARY and MULTICLASS, the trace of the confusion matrix over its sum;
 *       MULTILABEL, the fraction of (example, label) cells predicted right, i.e. 1 − Hamming loss
 *       (not subset accuracy).
 *   <li>{@code precision}, {@code recall}, {@code f1}: BINARY, of the positive class (class 1);
 *       MULTICLASS and MULTILABEL, the macro averages.
 *   <li>{@code precision_macro}, {@code recall_macro}, {@code f1_macro}: unweighted mean over all
 *       classes (both classes for BINARY), including classes absent from the labels; {@code f1_macro}
 *       is the mean of per-class F1, not the F1 of the macro precision and recall.
 *   <li>{@code auc}: ROC AUC from {@link BinnedRoc} (1000 threshold steps; its documentation gives
 *       the precision). BINARY: of the positive-class score; MULTICLASS: macro one-vs-rest over
 *       classes; MULTILABEL: macro over labels. The macro averages skip classes whose AUC is
 *       undefined (no positive or no negative seen); AUC is NaN if none is defined.
 *   <li>regression {@code mae}, {@code mse}, {@code rmse}, {@code r2}, {@code mape} and {@code smape} (in
 *       percent; MAPE over rows whose label is not 0): computed per target then
 *       averaged over targets with equal weight ({@code rmse} is the mean of per-target RMSEs).
 *       R² is {@code 1 − SS_res/SS_tot}; with constant labels 1.0 for a perfect fit, else 0.0.
 *   <li>{@code loss}: the sum of {@link #addLoss} sums over the sum of their example counts;
 *       present only when that count is positive.
 * </ul>
 * With no rows, ratios over zero rows (accuracy, mae, ...) are NaN.
 *
 * <p><b>Non-finite predictions.</b> A diverged network outputs NaN or infinity. Such rows never
 * throw: they are counted in {@link Metrics#count()} and {@link Metrics#nonFiniteRows()}, kept
 * out of every count and moment, and once any was seen every value except {@code loss} is NaN,
 * so a diverged trial cannot look good. {@link Metrics#perClass()} and
 * {@link Metrics#confusionMatrix()} then describe the finite rows only, for diagnosis.
 *
 * <p>Not thread-safe: one accumulator per task or partition.
 */
public final class MetricsAccumulator implements Serializable {

    private static final long serialVersionUID = 1L;

    private final TaskKind kind;
    private final int outputs;
    private final State state;
    private long count;
    private long nonFiniteRows;
    private double lossSum;
    private long lossExamples;

    private MetricsAccumulator(TaskKind kind, int outputs, State state) {
        this.kind = kind;
        this.outputs = outputs;
        this.state = state;
    }

    /**
     * Creates an empty accumulator.
     *
     * @param kind the task kind
     * @param outputs number of classes for MULTICLASS ({@code >= 2}); 1 for BINARY (2 is also
     *     accepted and means the same: {@link #add} takes 1- or 2-column arrays either way);
     *     number of labels for MULTILABEL and of targets for REGRESSION ({@code >= 1})
     * @return a new accumulator with no rows
     * @throws IllegalArgumentException if {@code outputs} does not fit the kind
     */
    public static MetricsAccumulator create(TaskKind kind, int outputs) {
        Objects.requireNonNull(kind, "kind");
        State state = switch (kind) {
            case BINARY -> {
                if (outputs != 1 && outputs != 2) {
                    throw new IllegalArgumentException("outputs for a BINARY task must be 1 (sigmoid) or 2 "
                            + "(softmax), got " + outputs);
                }
                yield new ConfusionState(2, true);
            }
            case MULTICLASS -> {
                if (outputs < 2) {
                    throw new IllegalArgumentException("outputs for a MULTICLASS task is the number of "
                            + "classes and must be >= 2, got " + outputs + " (use BINARY for one sigmoid)");
                }
                yield new ConfusionState(outputs, false);
            }
            case MULTILABEL -> {
                requirePositive(kind, outputs);
                yield new MultilabelState(outputs);
            }
            case REGRESSION -> {
                requirePositive(kind, outputs);
                yield new RegressionState(outputs);
            }
        };
        return new MetricsAccumulator(kind, outputs, state);
    }

    private static void requirePositive(TaskKind kind, int outputs) {
        if (outputs < 1) {
            throw new IllegalArgumentException("outputs for a " + kind + " task must be >= 1, got " + outputs);
        }
    }

    /** @return the task kind given to {@link #create} */
    public TaskKind kind() {
        return kind;
    }

    /** @return the {@code outputs} given to {@link #create} */
    public int outputs() {
        return outputs;
    }

    /**
     * Counts a batch of rows.
     *
     * @param labels labels, one row per example (see the class documentation for the layout)
     * @param predictions network outputs, same number of rows
     * @throws IllegalArgumentException if a shape does not fit the task (the message names both shapes)
     */
    public void add(INDArray labels, INDArray predictions) {
        Objects.requireNonNull(labels, "labels");
        Objects.requireNonNull(predictions, "predictions");
        long[] ls = shape(labels, "labels");
        long[] ps = shape(predictions, "predictions");
        if (ls[0] != ps[0]) {
            throw new IllegalArgumentException("labels and predictions must have the same number of rows, got "
                    + ls[0] + " and " + ps[0]);
        }
        if (ls[0] > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("a batch may hold at most " + Integer.MAX_VALUE + " rows, got " + ls[0]);
        }
        state.checkColumns((int) ls[1], (int) ps[1]);
        int rows = (int) ls[0];
        if (rows == 0) {
            return;
        }
        int labelCols = (int) ls[1];
        int predCols = (int) ps[1];
        double[] l = values(labels, ls);
        double[] p = values(predictions, ps);
        boolean[] finite = new boolean[rows];
        long bad = 0;
        for (int r = 0; r < rows; r++) {
            boolean ok = true;
            for (int c = 0; c < predCols && ok; c++) {
                ok = Double.isFinite(p[r * predCols + c]);
            }
            finite[r] = ok;
            if (!ok) {
                bad++;
            }
        }
        state.add(l, labelCols, p, predCols, finite, rows);
        count += rows;
        nonFiniteRows += bad;
    }

    /**
     * Adds to the mean loss reported as {@code loss}.
     *
     * @param lossSum sum of the per-example losses of {@code examples} examples (NaN allowed: a
     *     diverged network then reports a NaN loss)
     * @param examples number of examples the sum covers, {@code >= 0}
     * @throws IllegalArgumentException if {@code examples < 0}
     */
    public void addLoss(double lossSum, long examples) {
        if (examples < 0) {
            throw new IllegalArgumentException("examples for addLoss must be >= 0, got " + examples);
        }
        this.lossSum += lossSum;
        this.lossExamples += examples;
    }

    /**
     * Adds the other accumulator's rows and loss to this one; {@code other} is left unchanged and
     * shares no state with this one afterwards.
     *
     * @param other an accumulator created with the same kind and outputs
     * @return this accumulator, merged
     * @throws IllegalArgumentException if the kinds or outputs differ, or {@code other == this}
     */
    public MetricsAccumulator merge(MetricsAccumulator other) {
        Objects.requireNonNull(other, "other");
        if (other == this) {
            throw new IllegalArgumentException("cannot merge an accumulator into itself");
        }
        if (other.kind != kind || other.outputs != outputs) {
            throw new IllegalArgumentException("cannot merge a " + other.kind + " accumulator with " + other.outputs
                    + " outputs into a " + kind + " accumulator with " + outputs + " outputs");
        }
        state.merge(other.state);
        count += other.count;
        nonFiniteRows += other.nonFiniteRows;
        lossSum += other.lossSum;
        lossExamples += other.lossExamples;
        return this;
    }

    /**
     * Computes the metrics of all rows added and merged so far; the accumulator stays usable.
     *
     * @return an immutable snapshot
     */
    public Metrics result() {
        Map<String, Double> values = new LinkedHashMap<>();
        Map<String, Map<String, Double>> perClass = new LinkedHashMap<>();
        long[][] confusion = state.result(values, perClass);
        if (nonFiniteRows > 0) {
            values.replaceAll((k, v) -> Double.NaN);
        }
        if (lossExamples > 0) {
            values.put("loss", lossSum / lossExamples);
        }
        return new Metrics(kind, count, nonFiniteRows, values, perClass, confusion);
    }

    private static long[] shape(INDArray a, String name) {
        if (a.rank() == 1) {
            return new long[] {a.length(), 1};
        }
        if (a.rank() != 2) {
            throw new IllegalArgumentException(name + " must be rank 1 or 2 (rows x columns), got shape "
                    + Arrays.toString(a.shape()));
        }
        return a.shape();
    }

    /** Row-major copy of the values as doubles. */
    private static double[] values(INDArray a, long[] shape) {
        // dup('c') gives a fresh, contiguous row-major buffer even for views and 'f'-ordered arrays
        double[] out = a.castTo(DataType.DOUBLE).dup('c').data().asDouble();
        long expected = shape[0] * shape[1];
        if (out.length != expected) {
            throw new IllegalStateException("expected " + expected + " values from an array of shape "
                    + Arrays.toString(a.shape()) + ", got " + out.length);
        }
        return out;
    }

    private static double safeDiv(long num, long den) {
        return den == 0 ? 0.0 : (double) num / den;
    }

    /** Puts precision, recall, f1, support of one class and returns {precision, recall, f1}. */
    private static double[] classEntry(Map<String, Map<String, Double>> perClass, int index,
                                       long tp, long fp, long fn) {
        double precision = safeDiv(tp, tp + fp);
        double recall = safeDiv(tp, tp + fn);
        double f1 = safeDiv(2 * tp, 2 * tp + fp + fn);
        Map<String, Double> entry = new LinkedHashMap<>();
        entry.put("precision", precision);
        entry.put("recall", recall);
        entry.put("f1", f1);
        entry.put("support", (double) (tp + fn));
        perClass.put(Integer.toString(index), entry);
        return new double[] {precision, recall, f1};
    }

    /** The kind-specific counts. */
    private interface State extends Serializable {
        void checkColumns(int labelCols, int predCols);

        void add(double[] labels, int labelCols, double[] predictions, int predCols, boolean[] finite, int rows);

        void merge(State other);

        /** Fills values and perClass; returns the confusion matrix (0 x 0 when there is none). */
        long[][] result(Map<String, Double> values, Map<String, Map<String, Double>> perClass);
    }

    /** BINARY (2 classes) and MULTICLASS: a confusion matrix and one-vs-rest ROC bins. */
    private static final class ConfusionState implements State {
        private static final long serialVersionUID = 1L;
        private final int classes;
        private final boolean binary;
        private final long[][] confusion;
        private final BinnedRoc roc;

        /** A 2-class MULTICLASS task is not binary: it reads 2-column one-hot input and reports macro averages. */
        ConfusionState(int classes, boolean binary) {
            this.classes = classes;
            this.binary = binary;
            this.confusion = new long[classes][classes];
            // binary: one column, the positive-class score; multiclass: one per class
            this.roc = new BinnedRoc(binary ? 1 : classes);
        }

        private boolean isBinary() {
            return binary;
        }

        @Override
        public void checkColumns(int labelCols, int predCols) {
            if (isBinary()) {
                if ((labelCols != 1 && labelCols != 2) || (predCols != 1 && predCols != 2)) {
                    throw new IllegalArgumentException("a BINARY task needs labels and predictions with 1 column "
                            + "(sigmoid) or 2 columns (softmax, column 1 positive), got " + labelCols + " and "
                            + predCols + " columns");
                }
            } else if (labelCols != classes || predCols != classes) {
                throw new IllegalArgumentException("a MULTICLASS task with " + classes + " classes needs " + classes
                        + " label and prediction columns, got " + labelCols + " and " + predCols);
            }
        }

        @Override
        public void add(double[] labels, int labelCols, double[] predictions, int predCols, boolean[] finite,
                        int rows) {
            for (int r = 0; r < rows; r++) {
                if (!finite[r]) {
                    continue;
                }
                if (isBinary()) {
                    boolean actual = labels[r * labelCols + labelCols - 1] > 0.5;
                    double score = predictions[r * predCols + predCols - 1];
                    confusion[actual ? 1 : 0][score > 0.5 ? 1 : 0]++;
                    roc.add(0, score, actual);
                } else {
                    int actual = argMax(labels, r * classes, classes);
                    int predicted = argMax(predictions, r * classes, classes);
                    confusion[actual][predicted]++;
                    for (int c = 0; c < classes; c++) {
                        roc.add(c, predictions[r * classes + c], c == actual);
                    }
                }
            }
        }

        private static int argMax(double[] v, int offset, int n) {
            int best = 0;
            for (int i = 1; i < n; i++) {
                if (v[offset + i] > v[offset + best]) {
                    best = i;
                }
            }
            return best;
        }

        @Override
        public void merge(State other) {
            ConfusionState o = (ConfusionState) other;
            for (int a = 0; a < classes; a++) {
                for (int p = 0; p < classes; p++) {
                    confusion[a][p] += o.confusion[a][p];
                }
            }
            roc.merge(o.roc);
        }

        @Override
        public long[][] result(Map<String, Double> values, Map<String, Map<String, Double>> perClass) {
            long total = 0;
            long correct = 0;
            double[] sums = new double[3];
            double[] positive = new double[3];
            for (int k = 0; k < classes; k++) {
                long tp = confusion[k][k];
                long actual = 0;
                long predicted = 0;
                for (int j = 0; j < classes; j++) {
                    actual += confusion[k][j];
                    predicted += confusion[j][k];
                }
                total += actual;
                correct += tp;
                double[] prf = classEntry(perClass, k, tp, predicted - tp, actual - tp);
                for (int i = 0; i < 3; i++) {
                    sums[i] += prf[i];
                }
                positive = prf;
            }
            values.put("accuracy", total == 0 ? Double.NaN : (double) correct / total);
            if (isBinary()) {
                // the loop's last class is class 1, the positive class
                values.put("precision", positive[0]);
                values.put("recall", positive[1]);
                values.put("f1", positive[2]);
            } else {
                values.put("precision", sums[0] / classes);
                values.put("recall", sums[1] / classes);
                values.put("f1", sums[2] / classes);
            }
            values.put("precision_macro", sums[0] / classes);
            values.put("recall_macro", sums[1] / classes);
            values.put("f1_macro", sums[2] / classes);
            values.put("auc", isBinary() ? roc.auc(0) : roc.macroAuc());
            long[][] copy = new long[classes][];
            for (int k = 0; k < classes; k++) {
                copy[k] = confusion[k].clone();
            }
            return copy;
        }
    }

    /** MULTILABEL: per-label tp/fp/fn/tn and per-label ROC bins. */
    private static final class MultilabelState implements State {
        private static final long serialVersionUID = 1L;
        private final int labels;
        private final long[] tp;
        private final long[] fp;
        private final long[] fn;
        private final long[] tn;
        private final BinnedRoc roc;

        MultilabelState(int labels) {
            this.labels = labels;
            tp = new long[labels];
            fp = new long[labels];
            fn = new long[labels];
            tn = new long[labels];
            roc = new BinnedRoc(labels);
        }

        @Override
        public void checkColumns(int labelCols, int predCols) {
            if (labelCols != labels || predCols != labels) {
                throw new IllegalArgumentException("a MULTILABEL task with " + labels + " labels needs " + labels
                        + " label and prediction columns, got " + labelCols + " and " + predCols);
            }
        }

        @Override
        public void add(double[] y, int labelCols, double[] p, int predCols, boolean[] finite, int rows) {
            for (int r = 0; r < rows; r++) {
                if (!finite[r]) {
                    continue;
                }
                for (int j = 0; j < labels; j++) {
                    boolean actual = y[r * labels + j] > 0.5;
                    double score = p[r * labels + j];
                    boolean predicted = score > 0.5;
                    if (actual) {
                        if (predicted) {
                            tp[j]++;
                        } else {
                            fn[j]++;
                        }
                    } else if (predicted) {
                        fp[j]++;
                    } else {
                        tn[j]++;
                    }
                    roc.add(j, score, actual);
                }
            }
        }

        @Override
        public void merge(State other) {
            MultilabelState o = (MultilabelState) other;
            for (int j = 0; j < labels; j++) {
                tp[j] += o.tp[j];
                fp[j] += o.fp[j];
                fn[j] += o.fn[j];
                tn[j] += o.tn[j];
            }
            roc.merge(o.roc);
        }

        @Override
        public long[][] result(Map<String, Double> values, Map<String, Map<String, Double>> perClass) {
            long cells = 0;
            long correct = 0;
            double[] sums = new double[3];
            for (int j = 0; j < labels; j++) {
                cells += tp[j] + fp[j] + fn[j] + tn[j];
                correct += tp[j] + tn[j];
                double[] prf = classEntry(perClass, j, tp[j], fp[j], fn[j]);
                for (int i = 0; i < 3; i++) {
                    sums[i] += prf[i];
                }
            }
            values.put("accuracy", cells == 0 ? Double.NaN : (double) correct / cells);
            values.put("precision", sums[0] / labels);
            values.put("recall", sums[1] / labels);
            values.put("f1", sums[2] / labels);
            values.put("precision_macro", sums[0] / labels);
            values.put("recall_macro", sums[1] / labels);
            values.put("f1_macro", sums[2] / labels);
            values.put("auc", roc.macroAuc());
            return new long[0][0];
        }
    }

    /** REGRESSION: per-target moments. */
    private static final class RegressionState implements State {
        private static final long serialVersionUID = 1L;
        private final RegressionMoments moments;

        RegressionState(int targets) {
            moments = new RegressionMoments(targets);
        }

        @Override
        public void checkColumns(int labelCols, int predCols) {
            int t = moments.targets();
            if (labelCols != t || predCols != t) {
                throw new IllegalArgumentException("a REGRESSION task with " + t + " targets needs " + t
                        + " label and prediction columns, got " + labelCols + " and " + predCols);
            }
        }

        @Override
        public void add(double[] labels, int labelCols, double[] predictions, int predCols, boolean[] finite,
                        int rows) {
            moments.add(labels, predictions, finite, rows);
        }

        @Override
        public void merge(State other) {
            moments.merge(((RegressionState) other).moments);
        }

        @Override
        public long[][] result(Map<String, Double> values, Map<String, Map<String, Double>> perClass) {
            int t = moments.targets();
            double mae = 0;
            double mse = 0;
            double rmse = 0;
            double r2 = 0;
            double mape = 0;
            double smape = 0;
            for (int j = 0; j < t; j++) {
                mape += moments.mape(j);
                smape += moments.smape(j);
                mae += moments.mae(j);
                mse += moments.mse(j);
                rmse += Math.sqrt(moments.mse(j));
                r2 += moments.r2(j);
            }
            values.put("mae", mae / t);
            values.put("mse", mse / t);
            values.put("rmse", rmse / t);
            values.put("r2", r2 / t);
            values.put("mape", mape / t);
            values.put("smape", smape / t);
            return new long[0][0];
        }
    }
}
