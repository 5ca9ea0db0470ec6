package io.spindle.driver.predict;

import io.spindle.driver.data.Columnar;
import io.spindle.driver.data.Scoring;
import io.spindle.driver.spec.Task;
import io.spindle.kernels.ExecutorCache;
import io.spindle.kernels.InputShape;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import org.apache.spark.util.DoubleAccumulator;
import org.apache.spark.util.LongAccumulator;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Executor side of {@code spindle predict}: broadcast once, it turns each partition's encoded rows
 * into output rows, {@value #BATCH} rows per {@code net.output} call, on a network the executor
 * keeps ({@link ExecutorCache}, one per executor thread, evicted by the driver when the job ends)
 * and that gets this model's parameters when it is created. Outputs
 * become predictions in the data's terms: the class label as the data writes it (with one
 * probability column per class), or the value in the data's units.
 */
public final class Predictor implements Serializable {
    private static final long serialVersionUID = 1L;
    /** Rows per {@code net.output} call. */
    public static final int BATCH = 1024;

    private final String key;
    private final String configJson;
    private final float[] params;
    private final InputShape shape;
    private final Task task;
    private final List<String> classes;
    private final List<String> labels;
    private final float[] labelShift;
    private final float[] labelScale;
    private final float[] featureShift;
    private final float[] featureScale;

    /**
     * How rows with labels compare with their predictions, summed over every partition.
     *
     * @param rows rows predicted
     * @param labelled rows with a label the model knows
     * @param correct classification: labelled rows predicted right
     * @param squaredError regression: sum of squared errors over every target (data units)
     * @param absoluteError regression: sum of absolute errors over every target
     */
    public record Tally(LongAccumulator rows, LongAccumulator labelled, LongAccumulator correct,
                        DoubleAccumulator squaredError, DoubleAccumulator absoluteError) implements Serializable { }

    /**
     * @param key unique to this prediction job (names its cached networks)
     * @param model the model
     * @param sequenceSteps time steps per row for sequence models, else 0
     */
    public Predictor(String key, SpindleModel model, int sequenceSteps) {
        InputPipeline p = model.pipeline();
        if (p.task() == Task.MULTILABEL) {
            throw new ModelException("model " + model.path() + " is a multilabel model; predict does not take multilabel"
                    + " models yet");
        }
        if (p.window().isPresent()) {
            throw new ModelException("model " + model.path() + " was trained on data.window series windows; predict does"
                    + " not take windowed forecasting models yet");
        }
        this.key = key;
        this.configJson = model.network().getLayerWiseConfigurations().toJson();
        this.params = model.network().params().toFloatVector();
        this.shape = new InputShape(sequenceSteps, false);
        this.task = p.task();
        this.classes = List.copyOf(p.classes());
        this.labels = List.copyOf(p.labels());
        this.labelShift = p.normalization().labelShift().clone();
        this.labelScale = p.normalization().labelScale().clone();
        this.featureShift = p.normalization().featureShift().clone();
        this.featureScale = p.normalization().featureScale().clone();
    }

    /** @return the key naming this job's cached networks */
    public String key() {
        return key;
    }

    /**
     * The output columns after the kept input columns: {@code prediction} (string class label or
     * double value; {@code prediction_<label>} per target for several regression targets) and, for
     * classification, {@code probability_<class>} per class.
     *
     * @return names and types
     */
    public List<StructField> outputFields() {
        List<StructField> f = new ArrayList<>();
        if (task == Task.REGRESSION) {
            if (labels.size() == 1) {
                f.add(DataTypes.createStructField("prediction", DataTypes.DoubleType, false));
            } else {
                labels.forEach(l -> f.add(DataTypes.createStructField("prediction_" + l, DataTypes.DoubleType, false)));
            }
        } else {
            f.add(DataTypes.createStructField("prediction", DataTypes.StringType, false));
            classes.forEach(c -> f.add(DataTypes.createStructField("probability_" + c, DataTypes.DoubleType, false)));
        }
        return f;
    }

    /**
     * @param keptNames the kept input columns
     * @param keptTypes their types
     * @return the output schema
     */
    public StructType schema(List<String> keptNames, List<DataType> keptTypes) {
        List<StructField> f = new ArrayList<>();
        for (int i = 0; i < keptNames.size(); i++) {
            f.add(DataTypes.createStructField(keptNames.get(i), keptTypes.get(i), true));
        }
        f.addAll(outputFields());
        return DataTypes.createStructType(f);
    }

    /**
     * Predicts a partition's rows, lazily, batch by batch.
     *
     * @param rows the partition's encoded rows
     * @param tally where rows and errors are counted
     * @return the output rows: kept values, then {@link #outputFields()}
     */
    public Iterator<Row> predict(Iterator<Scoring.Row> rows, Tally tally) {
        return batched(rows, BATCH, batch -> {
            List<Row> out = new ArrayList<>(batch.size());
            batch(batch, out, tally);
            return out;
        });
    }

    /**
     * Lazily groups an iterator into lists of up to {@code size} items, maps each list at once and
     * hands out the results one by one (an empty result moves on to the next group).
     *
     * @param in the items
     * @param size most items per group
     * @param each what a group becomes
     * @param <T> item type
     * @param <R> result type
     * @return the results, in order
     */
    public static <T, R> Iterator<R> batched(Iterator<T> in, int size, java.util.function.Function<List<T>, List<R>> each) {
        return new Iterator<>() {
            private List<R> ready = List.of();
            private int at;

            @Override
            public boolean hasNext() {
                while (at == ready.size() && in.hasNext()) {
                    List<T> group = new ArrayList<>(size);
                    while (group.size() < size && in.hasNext()) {
                        group.add(in.next());
                    }
                    ready = each.apply(group);
                    at = 0;
                }
                return at < ready.size();
            }

            @Override
            public R next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return ready.get(at++);
            }
        };
    }

    /**
     * @param y the network's output for one row of a binary or multiclass model
     * @param classes the number of classes
     * @param binary whether the model is binary (one sigmoid output: the positive class's probability)
     * @return the class probabilities in output-index order
     */
    public static double[] probabilities(float[] y, int classes, boolean binary) {
        double[] p = new double[classes];
        if (binary && y.length == 1) {
            p[1] = y[0];
            p[0] = 1 - p[1];
        } else {
            for (int c = 0; c < classes; c++) {
                p[c] = y[c];
            }
        }
        return p;
    }

    /** @return the index of the largest value (the first of equal ones) */
    public static int argmax(double[] p) {
        int best = 0;
        for (int c = 1; c < p.length; c++) {
            if (p[c] > p[best]) {
                best = c;
            }
        }
        return best;
    }

    private void batch(List<Scoring.Row> batch, List<Row> out, Tally tally) {
        int n = batch.size();
        int width = batch.get(0).features().length;
        float[] flat = new float[n * width];
        for (int i = 0; i < n; i++) {
            System.arraycopy(batch.get(i).features(), 0, flat, i * width, width);
        }
        float[][] y = output(flat, n, width);
        for (int i = 0; i < n; i++) {
            out.add(row(batch.get(i), y[i], tally));
        }
        tally.rows().add(n);
    }

    /**
     * Runs encoded, normalized rows through the network this executor thread keeps for the model
     * (created with the model's parameters on first use).
     *
     * @param flat {@code n} rows of {@code width} inputs, row after row
     * @param n rows
     * @param width inputs per row
     * @return the network's outputs, one row each (class probabilities, or normalized values)
     */
    public float[][] output(float[] flat, int n, int width) {
        return output(Nd4j.createFromArray(flat).reshape(n, width));
    }

    private float[][] output(INDArray rows) {
        INDArray x = shape.features(rows);
        // one network per executor thread, not per partition: as many as the executor runs tasks at once
        String role = "predict#" + Thread.currentThread().getId();
        boolean fresh = ExecutorCache.cached(key, role).isEmpty();
        MultiLayerNetwork net = ExecutorCache.network(key, role, configJson);
        synchronized (net) {
            if (fresh) {
                net.setParams(Nd4j.createFromArray(params).reshape(1, params.length));
            }
            return net.output(x, false).castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT).toFloatMatrix();
        }
    }

    /**
     * Predicts a partition's batches of a columnar Parquet scan ({@link Columnar}): each batch's
     * features become one block, scaled with the model's normalization in ND4J and run through
     * the network at once; the output rows are those of {@link #predict}.
     *
     * @param batches the partition's batches (each is used before the next is taken)
     * @param layout where the columns are
     * @param tally where rows and errors are counted
     * @return the output rows
     * @throws Columnar.Unclean when a batch holds a null or non-finite feature or an unreadable label
     */
    public Iterator<Row> predictColumnar(Iterator<ColumnarBatch> batches, Columnar.Layout layout, Tally tally) {
        INDArray shift = Nd4j.createFromArray(featureShift).reshape(1, featureShift.length);
        INDArray scale = Nd4j.createFromArray(featureScale).reshape(1, featureScale.length);
        Map<String, Integer> classIndex = new HashMap<>();
        for (int c = 0; c < classes.size(); c++) {
            classIndex.put(Scoring.canonical(classes.get(c)), c);
        }
        // one columnar batch at a time: the reader reuses it once the next is taken
        return batched(batches, 1, one -> one.get(0).numRows() == 0 ? List.of()
                : columnar(one.get(0), layout, shift, scale, classIndex, tally));
    }

    private List<Row> columnar(ColumnarBatch b, Columnar.Layout layout, INDArray shift, INDArray scale,
                               Map<String, Integer> classIndex, Tally tally) {
        int n = b.numRows();
        int w = layout.features().length;
        INDArray x = Nd4j.create(Columnar.features(b, layout), new long[] {n, w}, 'f').subiRowVector(shift)
                .diviRowVector(scale);
        float[][] y = output(x);
        List<Row> out = new ArrayList<>(n);
        int[] kept = layout.kept();
        for (int i = 0; i < n; i++) {
            Object[] values = new Object[kept.length];
            for (int k = 0; k < kept.length; k++) {
                values[k] = Columnar.value(b, kept[k], layout.keptTypes()[k], i);
            }
            out.add(row(new Scoring.Row(values, null, Columnar.truth(b, layout, i, task, classIndex)), y[i], tally));
        }
        tally.rows().add(n);
        return out;
    }

    private Row row(Scoring.Row in, float[] y, Tally tally) {
        Object[] kept = in.kept();
        List<Object> v = new ArrayList<>(kept.length + 1 + classes.size());
        java.util.Collections.addAll(v, kept);
        double[] truth = in.truth();
        if (task == Task.REGRESSION) {
            for (int j = 0; j < y.length; j++) {
                double value = (double) y[j] * labelScale[j] + labelShift[j];
                v.add(value);
                if (truth != null) {
                    double e = value - truth[j];
                    tally.squaredError().add(e * e);
                    tally.absoluteError().add(Math.abs(e));
                }
            }
            if (truth != null) {
                tally.labelled().add(1);
            }
            return RowFactory.create(v.toArray());
        }
        double[] p = probabilities(y, classes.size(), task == Task.BINARY);
        int best = argmax(p);
        v.add(classes.get(best));
        for (double q : p) {
            v.add(q);
        }
        if (truth != null && truth[0] >= 0) {
            tally.labelled().add(1);
            if ((int) truth[0] == best) {
                tally.correct().add(1);
            }
        }
        return RowFactory.create(v.toArray());
    }
}
