package io.spindle.ml;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.spindle.driver.job.FitJob;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/**
 * A Spindle network as an MLlib classifier: {@code fit} trains it data-parallel on a data frame of
 * a feature vector (or named feature columns) and a label column of class indices 0, 1, ...
 * (StringIndexer's output); the {@link SpindleClassificationModel} adds {@code prediction},
 * {@code probability} and {@code rawPrediction} as MLlib's classifiers do. Two classes make a
 * {@code binary} task, more a {@code multiclass} one; the spec's preset, layers and training
 * settings apply.
 *
 * <pre>{@code
 * SpindleClassificationModel m = new SpindleClassifier()
 *         .setLayers(new int[] {64, 32}).setEpochs(20).setLr(0.003)
 *         .fit(train);
 * m.transform(test).select("prediction", "probability").show();
 * }</pre>
 */
public final class SpindleClassifier extends SpindleEstimator<SpindleClassificationModel, SpindleClassifier> {
    private static final long serialVersionUID = 1L;

    private final Param<String> probabilityCol;
    private final Param<String> rawPredictionCol;

    /** A classifier with a fresh uid. */
    public SpindleClassifier() {
        this(Identifiable.randomUID("spindleClassifier"));
    }

    /** @param uid its unique id */
    public SpindleClassifier(String uid) {
        super(uid);
        probabilityCol = new Param<>(this, "probabilityCol", "column of class probabilities (a Vector)");
        rawPredictionCol = new Param<>(this, "rawPredictionCol", "column of the network's raw output per class (a"
                + " Vector; for a softmax or sigmoid output, the probabilities)");
        setDefault(probabilityCol, "probability");
        setDefault(rawPredictionCol, "rawPrediction");
    }

    /** @return the probability column param */
    public Param<String> probabilityCol() {
        return probabilityCol;
    }

    /** @return the raw prediction column param */
    public Param<String> rawPredictionCol() {
        return rawPredictionCol;
    }

    /** @param v probability column @return this */
    public SpindleClassifier setProbabilityCol(String v) {
        set(probabilityCol, v);
        return this;
    }

    /** @param v raw prediction column @return this */
    public SpindleClassifier setRawPredictionCol(String v) {
        set(rawPredictionCol, v);
        return this;
    }

    @Override
    ObjectNode task(Dataset<Row> df, ObjectNode data) {
        int k = Frames.numClasses(df, getLabelCol());
        String given = data.path("task").asText("");
        if (!given.isEmpty() && !given.equals("binary") && !given.equals("multiclass")) {
            throw new IllegalArgumentException("spec: data.task is " + given + "; SpindleClassifier trains binary or"
                    + " multiclass tasks (use SpindleRegressor for regression)");
        }
        if (given.equals("binary") && k > 2) {
            throw new IllegalArgumentException("spec: data.task is binary but labelCol '" + getLabelCol() + "' has " + k
                    + " classes; remove data.task");
        }
        data.put("task", given.isEmpty() ? (k == 2 ? "binary" : "multiclass") : given);
        ArrayNode classes = data.putArray("classes");
        for (int c = 0; c < k; c++) {
            classes.add(Integer.toString(c));
        }
        return data;
    }

    @Override
    SpindleClassificationModel model(String uid, FitJob.Fit fit) {
        return new SpindleClassificationModel(uid, fit.model(), fit.summary().toString());
    }

    @Override
    StructType outputSchema(StructType schema) {
        return SpindleClassificationModel.output(schema, getOrDefault(predictionCol()), getOrDefault(probabilityCol),
                getOrDefault(rawPredictionCol));
    }

    /** @return a reader of saved classifiers (their params) */
    public static MLReader<SpindleClassifier> read() {
        return new DefaultParamsReader<>();
    }

    /**
     * @param path where a classifier was saved
     * @return it
     */
    public static SpindleClassifier load(String path) {
        return read().load(path);
    }
}
