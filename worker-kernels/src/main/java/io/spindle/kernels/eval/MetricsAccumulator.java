package io.spindle.kernels.eval;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.evaluation.classification.ROC;
import org.nd4j.evaluation.classification.ROCBinary;
import org.nd4j.evaluation.classification.ROCMultiClass;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Mergeable evaluation state: executors evaluate their own partitions and the driver merges the
 * accumulators (in any grouping: the result does not depend on how rows were split, up to
 * floating-point summation order).
 *
 * <p>State is sums and counts computed with ND4J: a confusion matrix (binary and multiclass,
 * threshold 0.5 for one sigmoid output), per-label true/false positive and negative counts
 * (multilabel), error and label moments per target (regression, in double precision), the loss
 * sum, and DL4J's exact ROC state for AUC (the scores and labels of every evaluated row, merged
 * by concatenation: 8 bytes per row and class; thresholded curves were measured to cost about a
 * second per evaluation, more than the training epoch of a small network).
 *
 * <p>Metric names: classification {@code accuracy}, {@code precision}, {@code recall},
 * {@code f1} (binary: of the positive class; multiclass and multilabel: macro averages),
 * {@code precision_macro}, {@code recall_macro}, {@code f1_macro}, {@code auc} (binary ROC AUC;
 * multiclass: macro one-vs-rest; multilabel: macro over labels); regression {@code mae},
 * {@code mse}, {@code rmse}, {@code r2} (averaged over targets); all: {@code loss} (mean, when
 * {@link #addLoss} was called). A class that is never predicted has precision 0, and a class
 * that never occurs has recall 0 (scikit-learn's {@code zero_division=0}). Rows whose
 * predictions are NaN or infinite (a diverged network) are counted but make every metric NaN;
 * nothing throws.
 */
public final class MetricsAccumulator implements Serializable {

    private static final long serialVersionUID = 1L;
    /** Threshold steps of the ROC curves: 0 is DL4J's exact mode (AUC from sorted scores). */
    public static final int ROC_STEPS = 0;

    private final TaskKind kind;
    private final int outputs;
    private long count;
    private boolean invalid;
    private double lossSum;
    private long lossCount;
    private long[][] confusion;      // binary, multiclass
    private long[][] labelCounts;    // multilabel: [label][tp, fp, fn, tn]
    private double[][] moments;      // regression: [target][sum e, sum |e|, sum e^2, sum y, sum y^2]
    private ROC roc;
    private ROCMultiClass rocMulti;
    private ROCBinary rocBinary;

    private MetricsAccumulator(TaskKind kind, int outputs) {
        this.kind = kind;
        this.outputs = outputs;
        switch (kind) {
            case BINARY -> {
                confusion = new long[2][2];
                roc = new ROC(ROC_STEPS);
            }
            case MULTICLASS -> {
                confusion = new long[outputs][outputs];
                rocMulti = new ROCMultiClass(ROC_STEPS);
            }
            case MULTILABEL -> {
                labelCounts = new long[outputs][4];
                rocBinary = new ROCBinary(ROC_STEPS);
            }
            case REGRESSION -> moments = new double[outputs][5];
            default -> throw new IllegalArgumentException("unknown task kind " + kind);
        }
    }

    /**
     * @param kind the task
     * @param outputs classes (multiclass), labels (multilabel), targets (regression); 1 for binary
     * @return an empty accumulator
     */
    public static MetricsAccumulator create(TaskKind kind, int outputs) {
        if (outputs < 1 || (kind == TaskKind.MULTICLASS && outputs < 2)) {
            throw new IllegalArgumentException("outputs must be >= 1 (>= 2 for multiclass), got " + outputs);
        }
        return new MetricsAccumulator(kind, kind == TaskKind.BINARY ? 1 : outputs);
    }

    /**
     * Adds rows.
     *
     * @param labels one-hot (multiclass), 0/1 (binary: one column; multilabel: one per label) or
     *     targets (regression), one row per example
     * @param predictions network outputs: probabilities (binary: one sigmoid column, or two
     *     softmax columns whose second is the positive class) or regression values
     */
    public void add(INDArray labels, INDArray predictions) {
        long n = labels.size(0);
        if (n == 0) {
            return;
        }
        count += n;
        if (invalid || !Double.isFinite(predictions.sumNumber().doubleValue())) {
            invalid = true;
            return;
        }
        INDArray y = labels.castTo(DataType.DOUBLE);
        INDArray p = predictions.castTo(DataType.DOUBLE);
        switch (kind) {
            case BINARY -> {
                INDArray pos = p.size(1) == 2 ? p.getColumn(1, true) : p;
                INDArray yPos = y.size(1) == 2 ? y.getColumn(1, true) : y;
                INDArray predicted = pos.gte(0.5).castTo(DataType.DOUBLE);
                INDArray yOneHot = Nd4j.hstack(yPos.rsub(1.0), yPos);
                INDArray pOneHot = Nd4j.hstack(predicted.rsub(1.0), predicted);
                addConfusion(yOneHot, pOneHot);
                roc.eval(yPos, pos);
            }
            case MULTICLASS -> {
                INDArray pOneHot = oneHot(p.argMax(1), outputs);
                INDArray yOneHot = oneHot(y.argMax(1), outputs);
                addConfusion(yOneHot, pOneHot);
                rocMulti.eval(y, p);
            }
            case MULTILABEL -> {
                INDArray predicted = p.gte(0.5).castTo(DataType.DOUBLE);
                double[] tp = y.mul(predicted).sum(0).toDoubleVector();
                double[] fp = y.rsub(1.0).muli(predicted).sum(0).toDoubleVector();
                double[] fn = y.mul(predicted.rsub(1.0)).sum(0).toDoubleVector();
                for (int l = 0; l < outputs; l++) {
                    labelCounts[l][0] += Math.round(tp[l]);
                    labelCounts[l][1] += Math.round(fp[l]);
                    labelCounts[l][2] += Math.round(fn[l]);
                    labelCounts[l][3] += n - Math.round(tp[l]) - Math.round(fp[l]) - Math.round(fn[l]);
                }
                rocBinary.eval(y, p);
            }
            case REGRESSION -> {
                INDArray e = p.sub(y);
                double[][] cols = {e.sum(0).toDoubleVector(), Nd4j.math().abs(e).sum(0).toDoubleVector(),
                    e.mul(e).sum(0).toDoubleVector(), y.sum(0).toDoubleVector(), y.mul(y).sum(0).toDoubleVector()};
                for (int t = 0; t < outputs; t++) {
                    for (int k = 0; k < 5; k++) {
                        moments[t][k] += cols[k][t];
                    }
                }
            }
            default -> throw new IllegalStateException();
        }
    }

    private void addConfusion(INDArray yOneHot, INDArray pOneHot) {
        // counts[actual][predicted] = (one-hot actual)^T x (one-hot predicted)
        double[][] c = yOneHot.transpose().mmul(pOneHot).toDoubleMatrix();
        for (int a = 0; a < c.length; a++) {
            for (int b = 0; b < c[a].length; b++) {
                confusion[a][b] += Math.round(c[a][b]);
            }
        }
    }

    private static INDArray oneHot(INDArray indices, int classes) {
        return new org.nd4j.linalg.factory.ops.NDBase().oneHot(indices, classes, -1, 1.0, 0.0, DataType.DOUBLE);
    }

    /**
     * @param sum summed per-example loss
     * @param examples examples it covers
     */
    public void addLoss(double sum, long examples) {
        lossSum += sum;
        lossCount += examples;
    }

    /**
     * @param other an accumulator of the same kind and outputs
     * @return this, with other's rows added
     */
    public MetricsAccumulator merge(MetricsAccumulator other) {
        if (other.kind != kind || other.outputs != outputs) {
            throw new IllegalArgumentException("cannot merge " + other.kind + "/" + other.outputs + " into " + kind + "/" + outputs);
        }
        count += other.count;
        invalid |= other.invalid;
        lossSum += other.lossSum;
        lossCount += other.lossCount;
        if (confusion != null) {
            for (int a = 0; a < confusion.length; a++) {
                for (int b = 0; b < confusion.length; b++) {
                    confusion[a][b] += other.confusion[a][b];
                }
            }
        }
        if (labelCounts != null) {
            for (int l = 0; l < outputs; l++) {
                for (int k = 0; k < 4; k++) {
                    labelCounts[l][k] += other.labelCounts[l][k];
                }
            }
        }
        if (moments != null) {
            for (int t = 0; t < outputs; t++) {
                for (int k = 0; k < 5; k++) {
                    moments[t][k] += other.moments[t][k];
                }
            }
        }
        if (roc != null) {
            roc.merge(other.roc);
        }
        if (rocMulti != null) {
            rocMulti.merge(other.rocMulti);
        }
        if (rocBinary != null) {
            rocBinary.merge(other.rocBinary);
        }
        return this;
    }

    /** @return the metrics of all rows added and merged so far */
    public Metrics result() {
        Map<String, Double> v = new LinkedHashMap<>();
        Map<String, Map<String, Double>> perClass = new LinkedHashMap<>();
        if (lossCount > 0) {
            v.put("loss", lossSum / lossCount);
        }
        long[][] cm = confusion == null ? new long[0][] : copy(confusion);
        if (invalid || count == 0) {
            List<String> names = kind == TaskKind.REGRESSION ? List.of("mae", "mse", "rmse", "r2")
                    : List.of("accuracy", "precision", "recall", "f1", "precision_macro", "recall_macro", "f1_macro", "auc");
            names.forEach(n -> v.put(n, Double.NaN));
            if (invalid) {
                v.put("loss", Double.NaN);
            }
            return new Metrics(v, count, perClass, cm);
        }
        switch (kind) {
            case BINARY, MULTICLASS -> classification(v, perClass);
            case MULTILABEL -> multilabel(v);
            case REGRESSION -> regression(v);
            default -> throw new IllegalStateException();
        }
        return new Metrics(v, count, perClass, cm);
    }

    private void classification(Map<String, Double> v, Map<String, Map<String, Double>> perClass) {
        int c = confusion.length;
        long total = 0;
        long correct = 0;
        double[] precision = new double[c];
        double[] recall = new double[c];
        double[] f1 = new double[c];
        for (int k = 0; k < c; k++) {
            long tp = confusion[k][k];
            long predicted = 0;
            long actual = 0;
            for (int j = 0; j < c; j++) {
                predicted += confusion[j][k];
                actual += confusion[k][j];
                total += confusion[k][j];
            }
            correct += tp;
            precision[k] = predicted == 0 ? 0 : (double) tp / predicted;
            recall[k] = actual == 0 ? 0 : (double) tp / actual;
            f1[k] = precision[k] + recall[k] == 0 ? 0 : 2 * precision[k] * recall[k] / (precision[k] + recall[k]);
            Map<String, Double> pc = new LinkedHashMap<>();
            pc.put("precision", precision[k]);
            pc.put("recall", recall[k]);
            pc.put("f1", f1[k]);
            pc.put("support", (double) actual);
            perClass.put(Integer.toString(k), pc);
        }
        v.put("accuracy", total == 0 ? Double.NaN : (double) correct / total);
        double pm = mean(precision);
        double rm = mean(recall);
        double fm = mean(f1);
        if (kind == TaskKind.BINARY) {
            v.put("precision", precision[1]);
            v.put("recall", recall[1]);
            v.put("f1", f1[1]);
            v.put("auc", roc.calculateAUC());
        } else {
            v.put("precision", pm);
            v.put("recall", rm);
            v.put("f1", fm);
            v.put("auc", rocMulti.calculateAverageAUC());
        }
        v.put("precision_macro", pm);
        v.put("recall_macro", rm);
        v.put("f1_macro", fm);
    }

    private void multilabel(Map<String, Double> v) {
        double[] precision = new double[outputs];
        double[] recall = new double[outputs];
        double[] f1 = new double[outputs];
        double correct = 0;
        double cells = 0;
        for (int l = 0; l < outputs; l++) {
            long tp = labelCounts[l][0];
            long fp = labelCounts[l][1];
            long fn = labelCounts[l][2];
            long tn = labelCounts[l][3];
            precision[l] = tp + fp == 0 ? 0 : (double) tp / (tp + fp);
            recall[l] = tp + fn == 0 ? 0 : (double) tp / (tp + fn);
            f1[l] = precision[l] + recall[l] == 0 ? 0 : 2 * precision[l] * recall[l] / (precision[l] + recall[l]);
            correct += tp + tn;
            cells += tp + fp + fn + tn;
        }
        v.put("accuracy", cells == 0 ? Double.NaN : correct / cells);
        v.put("precision", mean(precision));
        v.put("recall", mean(recall));
        v.put("f1", mean(f1));
        v.put("precision_macro", mean(precision));
        v.put("recall_macro", mean(recall));
        v.put("f1_macro", mean(f1));
        v.put("auc", rocBinary.calculateAverageAuc());
    }

    private void regression(Map<String, Double> v) {
        double mae = 0;
        double mse = 0;
        double rmse = 0;
        double r2 = 0;
        for (int t = 0; t < outputs; t++) {
            double[] m = moments[t];
            double tmae = m[1] / count;
            double tmse = m[2] / count;
            double sst = m[4] - m[3] * m[3] / count;
            mae += tmae;
            mse += tmse;
            rmse += Math.sqrt(tmse);
            r2 += sst <= 0 ? Double.NaN : 1 - m[2] / sst;
        }
        v.put("mae", mae / outputs);
        v.put("mse", mse / outputs);
        v.put("rmse", rmse / outputs);
        v.put("r2", r2 / outputs);
    }

    private static double mean(double[] a) {
        double s = 0;
        for (double x : a) {
            s += x;
        }
        return a.length == 0 ? Double.NaN : s / a.length;
    }

    private static long[][] copy(long[][] m) {
        long[][] c = new long[m.length][];
        for (int i = 0; i < m.length; i++) {
            c[i] = m[i].clone();
        }
        return c;
    }

    /** @return the task kind */
    public TaskKind kind() {
        return kind;
    }

    /** @return rows added */
    public long count() {
        return count;
    }
}
