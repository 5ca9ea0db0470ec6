package io.spindle.ml;

import io.spindle.driver.predict.SpindleModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * A fitted {@link SpindleClassifier}: {@code transform} appends {@code prediction} (the class
 * index as a double, as MLlib's classifiers give it), {@code probability} (a Vector of the class
 * probabilities) and {@code rawPrediction} (the network's output per class), so that
 * {@code MulticlassClassificationEvaluator} and {@code BinaryClassificationEvaluator} read it as
 * they read MLlib's own models.
 */
public final class SpindleClassificationModel extends SpindleMLModel<SpindleClassificationModel> {
    private static final long serialVersionUID = 1L;

    private final Param<String> probabilityCol;
    private final Param<String> rawPredictionCol;

    /**
     * @param uid its unique id
     * @param model the network and its pipeline
     * @param summary the run's summary (JSON)
     */
    public SpindleClassificationModel(String uid, SpindleModel model, String summary) {
        super(uid, model, summary);
        probabilityCol = new Param<>(this, "probabilityCol", "column of class probabilities (a Vector)");
        rawPredictionCol = new Param<>(this, "rawPredictionCol", "column of the network's raw output per class");
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

    /** @return the number of classes */
    public int numClasses() {
        return spindleModel().pipeline().classes().size();
    }

    static StructType output(StructType schema, String prediction, String probability, String raw) {
        List<StructField> f = new ArrayList<>(Arrays.asList(schema.fields()));
        f.add(DataTypes.createStructField(prediction, DataTypes.DoubleType, false));
        f.add(DataTypes.createStructField(probability, SQLDataTypes.VectorType(), false));
        f.add(DataTypes.createStructField(raw, SQLDataTypes.VectorType(), false));
        return new StructType(f.toArray(new StructField[0]));
    }

    @Override
    List<StructField> outputFields() {
        StructType o = output(new StructType(), getOrDefault(predictionCol()), getOrDefault(probabilityCol),
                getOrDefault(rawPredictionCol));
        return Arrays.asList(o.fields());
    }

    @Override
    boolean probabilities() {
        return true;
    }

    @Override
    public SpindleClassificationModel copy(ParamMap extra) {
        SpindleClassificationModel m = new SpindleClassificationModel(uid(), spindleModel(), summaryJson());
        return copyValues(m, extra).setParent(parent());
    }

    /** @return a reader of saved models */
    public static MLReader<SpindleClassificationModel> read() {
        return new Reader<>(SpindleClassificationModel.class, SpindleClassificationModel::new);
    }

    /**
     * @param path where a model was saved
     * @return it
     */
    public static SpindleClassificationModel load(String path) {
        return read().load(path);
    }
}
