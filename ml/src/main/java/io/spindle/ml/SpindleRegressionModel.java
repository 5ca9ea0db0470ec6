package io.spindle.ml;

import io.spindle.driver.predict.SpindleModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * A fitted {@link SpindleRegressor}: {@code transform} appends {@code prediction}, the network's
 * output in the label's units, as {@code RegressionEvaluator} reads it.
 */
public final class SpindleRegressionModel extends SpindleMLModel<SpindleRegressionModel> {
    private static final long serialVersionUID = 1L;

    /**
     * @param uid its unique id
     * @param model the network and its pipeline
     * @param summary the run's summary (JSON)
     */
    public SpindleRegressionModel(String uid, SpindleModel model, String summary) {
        super(uid, model, summary);
    }

    static StructType output(StructType schema, String prediction) {
        List<StructField> f = new ArrayList<>(Arrays.asList(schema.fields()));
        f.add(DataTypes.createStructField(prediction, DataTypes.DoubleType, false));
        return new StructType(f.toArray(new StructField[0]));
    }

    @Override
    List<StructField> outputFields() {
        return List.of(DataTypes.createStructField(getOrDefault(predictionCol()), DataTypes.DoubleType, false));
    }

    @Override
    boolean probabilities() {
        return false;
    }

    @Override
    public SpindleRegressionModel copy(ParamMap extra) {
        SpindleRegressionModel m = new SpindleRegressionModel(uid(), spindleModel(), summaryJson());
        return copyValues(m, extra).setParent(parent());
    }

    /** @return a reader of saved models */
    public static MLReader<SpindleRegressionModel> read() {
        return new Reader<>(SpindleRegressionModel.class, SpindleRegressionModel::new);
    }

    /**
     * @param path where a model was saved
     * @return it
     */
    public static SpindleRegressionModel load(String path) {
        return read().load(path);
    }
}
