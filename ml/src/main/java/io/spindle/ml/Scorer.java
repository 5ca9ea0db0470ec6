package io.spindle.ml;

import io.spindle.driver.data.Scoring;
import io.spindle.driver.predict.InputPipeline;
import io.spindle.driver.predict.Predictor;
import io.spindle.driver.spec.Task;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * Executor side of a Spindle model's {@code transform}: each partition's rows are encoded with the
 * model's fitted pipeline (a feature vector as it is, or named columns with their categorical
 * dictionaries; one-hot inputs are not scaled, as in training), normalized in the same pass, and run through the network {@link Predictor#BATCH} rows at a time
 * on the network the executor thread keeps; every input row comes back with the output columns
 * appended.
 */
final class Scorer implements Serializable {
    private static final long serialVersionUID = 1L;

    private final Predictor predictor;
    private final Task task;
    private final int classes;
    private final int width;
    private final float[] shift;
    private final float[] scale;
    private final float targetShift;
    private final float targetScale;
    /** the vector column's index in the input row, or -1 when features are named columns */
    private final int vectorAt;
    private final String vectorName;
    /** per feature column: its index in the input row, its first network input, its dictionary (null: numeric) */
    private final int[] columnAt;
    private final String[] columnName;
    private final int[] offset;
    private final List<Map<String, Integer>> dictionary;
    private final boolean probabilities;

    /**
     * @param predictor the model's executor-side network
     * @param pipeline the model's fitted input pipeline
     * @param fieldNames the input's columns
     * @param vector the feature vector column, or null for named feature columns
     * @param probabilities classification: add probability and raw prediction vectors
     */
    Scorer(Predictor predictor, InputPipeline pipeline, List<String> fieldNames, String vector, boolean probabilities) {
        this.predictor = predictor;
        this.task = pipeline.task();
        this.classes = pipeline.classes().size();
        this.width = pipeline.inputWidth();
        this.shift = pipeline.normalization().featureShift().clone();
        this.scale = pipeline.normalization().featureScale().clone();
        this.targetShift = task == Task.REGRESSION ? pipeline.normalization().labelShift()[0] : 0f;
        this.targetScale = task == Task.REGRESSION ? pipeline.normalization().labelScale()[0] : 1f;
        this.probabilities = probabilities;
        this.vectorName = vector;
        List<String> features = pipeline.features();
        if (vector != null) {
            vectorAt = fieldNames.indexOf(vector);
            columnAt = new int[0];
            columnName = new String[0];
            offset = new int[0];
            dictionary = List.of();
        } else {
            vectorAt = -1;
            columnAt = new int[features.size()];
            columnName = features.toArray(new String[0]);
            offset = new int[features.size()];
            dictionary = new ArrayList<>();
            int at = 0;
            for (int k = 0; k < features.size(); k++) {
                columnAt[k] = fieldNames.indexOf(features.get(k));
                offset[k] = at;
                List<String> values = pipeline.categories().get(features.get(k));
                if (values == null) {
                    dictionary.add(null);
                    at++;
                } else {
                    HashMap<String, Integer> d = new HashMap<>();
                    for (int i = 0; i < values.size(); i++) {
                        d.put(values.get(i), i);
                    }
                    dictionary.add(d);
                    at += values.size();
                }
            }
        }
    }

    /**
     * @param rows a partition's input rows
     * @return them with the output columns appended, lazily, batch by batch
     */
    Iterator<Row> score(Iterator<Row> rows) {
        return Predictor.batched(rows, Predictor.BATCH, batch -> {
            List<Row> out = new ArrayList<>(batch.size());
            batch(batch, out);
            return out;
        });
    }

    private void batch(List<Row> batch, List<Row> out) {
        int n = batch.size();
        float[] flat = new float[n * width];
        for (int i = 0; i < n; i++) {
            encode(batch.get(i), flat, i * width);
        }
        float[][] y = predictor.output(flat, n, width);
        for (int i = 0; i < n; i++) {
            out.add(row(batch.get(i), y[i]));
        }
    }

    private void encode(Row r, float[] flat, int at) {
        if (vectorAt >= 0) {
            if (r.isNullAt(vectorAt)) {
                throw new IllegalArgumentException("featuresCol '" + vectorName + "': a row has no feature vector (null);"
                        + " drop or fill such rows before transform");
            }
            Vector v = (Vector) r.get(vectorAt);
            if (v.size() != width) {
                throw new IllegalArgumentException("featuresCol '" + vectorName + "': a row's vector has " + v.size()
                        + " values but the model was fitted on vectors of " + width);
            }
            double[] values = v.toArray();
            for (int j = 0; j < width; j++) {
                if (!Double.isFinite(values[j])) {
                    throw new IllegalArgumentException("featuresCol '" + vectorName + "': element " + j + " of a row is "
                            + values[j] + "; replace non-finite features (Imputer) before transform");
                }
                flat[at + j] = (float) ((values[j] - shift[j]) / scale[j]);
            }
            return;
        }
        for (int k = 0; k < columnAt.length; k++) {
            int c = columnAt[k];
            if (r.isNullAt(c)) {
                throw new IllegalArgumentException("featureCols: column '" + columnName[k] + "' is null in a row; fill"
                        + " or drop such rows before transform");
            }
            Map<String, Integer> d = dictionary.get(k);
            if (d != null) {
                String value = Scoring.canonical(String.valueOf(r.get(c)));
                Integer i = d.get(value);
                if (i == null) {
                    throw new IllegalArgumentException("featureCols: column '" + columnName[k] + "' has the category '"
                            + value + "', which never occurred in training (the model knows " + String.join(", ",
                            d.keySet().stream().sorted().toList()) + ")");
                }
                flat[at + offset[k] + i] = 1f;
            } else {
                Object o = r.get(c);
                double x = o instanceof Boolean b ? (b ? 1 : 0) : ((Number) o).doubleValue();
                if (!Double.isFinite(x)) {
                    throw new IllegalArgumentException("featureCols: column '" + columnName[k] + "' is " + x
                            + " in a row; replace non-finite values (Imputer) before transform");
                }
                int j = offset[k];
                flat[at + j] = (float) ((x - shift[j]) / scale[j]);
            }
        }
    }

    private Row row(Row in, float[] y) {
        int base = in.size();
        Object[] v = new Object[base + (probabilities ? 3 : 1)];
        for (int i = 0; i < base; i++) {
            v[i] = in.get(i);
        }
        if (task == Task.REGRESSION) {
            v[base] = (double) y[0] * targetScale + targetShift;
            return RowFactory.create(v);
        }
        double[] p = Predictor.probabilities(y, classes, task == Task.BINARY);
        v[base] = (double) Predictor.argmax(p);
        v[base + 1] = Vectors.dense(p.clone());
        v[base + 2] = Vectors.dense(p);
        return RowFactory.create(v);
    }
}
