package io.spindle.ml;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.spindle.driver.job.FitJob;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/**
 * A Spindle network as an MLlib regressor: {@code fit} trains it data-parallel on a data frame of
 * a feature vector (or named feature columns) and a numeric label column; the
 * {@link SpindleRegressionModel} adds {@code prediction} in the label's units (the target scaling
 * fitted on the train rows is undone).
 */
public final class SpindleRegressor extends SpindleEstimator<SpindleRegressionModel, SpindleRegressor> {
    private static final long serialVersionUID = 1L;

    /** A regressor with a fresh uid. */
    public SpindleRegressor() {
        this(Identifiable.randomUID("spindleRegressor"));
    }

    /** @param uid its unique id */
    public SpindleRegressor(String uid) {
        super(uid);
    }

    @Override
    ObjectNode task(Dataset<Row> df, ObjectNode data) {
        String given = data.path("task").asText("");
        if (!given.isEmpty() && !given.equals("regression")) {
            throw new IllegalArgumentException("spec: data.task is " + given + "; SpindleRegressor trains regression"
                    + " (use SpindleClassifier for classes)");
        }
        data.put("task", "regression");
        data.remove("classes");
        return data;
    }

    @Override
    SpindleRegressionModel model(String uid, FitJob.Fit fit) {
        return new SpindleRegressionModel(uid, fit.model(), fit.summary().toString());
    }

    @Override
    StructType outputSchema(StructType schema) {
        return SpindleRegressionModel.output(schema, getOrDefault(predictionCol()));
    }

    /** @return a reader of saved regressors (their params) */
    public static MLReader<SpindleRegressor> read() {
        return new DefaultParamsReader<>();
    }

    /**
     * @param path where a regressor was saved
     * @return it
     */
    public static SpindleRegressor load(String path) {
        return read().load(path);
    }
}
