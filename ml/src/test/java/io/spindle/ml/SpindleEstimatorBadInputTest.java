package io.spindle.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spindle.driver.SharedSpark;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Input the API refuses: one message each, naming the param, the column and what it expects. */
@ExtendWith(SharedSpark.class)
class SpindleEstimatorBadInputTest {

    static Dataset<Row> frame(SparkSession spark, int width, int rows) {
        StructType schema = new StructType().add("label", DataTypes.DoubleType).add("features", SQLDataTypes.VectorType())
                .add("color", DataTypes.StringType);
        List<Row> r = new ArrayList<>();
        java.util.Random random = new java.util.Random(1);
        for (int i = 0; i < rows; i++) {
            double[] x = new double[width];
            for (int j = 0; j < width; j++) {
                x[j] = random.nextGaussian();
            }
            r.add(RowFactory.create(x[0] > 0 ? 1.0 : 0.0, Vectors.dense(x), i % 2 == 0 ? "red" : "blue"));
        }
        return spark.createDataFrame(r, schema);
    }

    static String message(Throwable e) {
        Throwable c = e;
        while (c.getCause() != null && !(c instanceof IllegalArgumentException)) {
            c = c.getCause();
        }
        return c.getMessage();
    }

    @Test
    void aFeaturesColumnThatIsNoVectorIsNamed(SparkSession spark) {
        Dataset<Row> df = frame(spark, 3, 20);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new SpindleClassifier().setFeaturesCol("color").fit(df));
        assertEquals("featuresCol 'color' has type string; it must be a Vector column (VectorAssembler makes one), or"
                + " set featureCols to the feature columns", e.getMessage());
    }

    @Test
    void aMissingColumnIsNamedWithTheColumnsThereAre(SparkSession spark) {
        Dataset<Row> df = frame(spark, 3, 20);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new SpindleClassifier().setLabelCol("target").fit(df));
        assertEquals("labelCol: the input has no column 'target'; its columns: label, features, color", e.getMessage());
    }

    @Test
    void aStringLabelAsksForStringIndexer(SparkSession spark) {
        Dataset<Row> df = frame(spark, 3, 20);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new SpindleClassifier().setLabelCol("color").fit(df));
        assertTrue(e.getMessage().contains("StringIndexer"), e.getMessage());
    }

    @Test
    void fractionalOrNegativeClassIndicesAreRefused(SparkSession spark) {
        Dataset<Row> df = frame(spark, 3, 20).withColumn("label", org.apache.spark.sql.functions.lit(0.5));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new SpindleClassifier().fit(df));
        assertTrue(e.getMessage().startsWith("labelCol 'label' must hold class indices 0, 1, 2, ..."), e.getMessage());
    }

    @Test
    void vectorsOfAnotherSizeAreRefusedAtTransform(SparkSession spark) {
        SpindleClassificationModel m = new SpindleClassifier().setEpochs(1).setLayers(new int[] {4}).fit(frame(spark, 3, 60));
        Dataset<Row> wider = frame(spark, 5, 10);
        Exception e = assertThrows(Exception.class, () -> m.transform(wider).collectAsList());
        assertEquals("featuresCol 'features': a row's vector has 5 values but the model was fitted on vectors of 3",
                message(e));
        // a vector whose size its metadata records is refused before any job runs
        Dataset<Row> assembled = new VectorAssembler().setInputCols(new String[] {"label", "label"}).setOutputCol("v")
                .transform(frame(spark, 3, 10));
        IllegalArgumentException early = assertThrows(IllegalArgumentException.class,
                () -> m.setFeaturesCol("v").transform(assembled));
        assertEquals("featuresCol 'v' holds vectors of 2 values but the model was fitted on vectors of 3",
                early.getMessage());
    }

    @Test
    void anUnseenCategoryIsNamedAtTransform(SparkSession spark) {
        Dataset<Row> df = frame(spark, 2, 60).withColumn("x", org.apache.spark.sql.functions.rand(3));
        SpindleRegressionModel m = new SpindleRegressor().setFeatureCols(new String[] {"x", "color"})
                .setSpec("data: {categorical: [color]}").setEpochs(1).fit(df);
        Dataset<Row> green = df.withColumn("color", org.apache.spark.sql.functions.lit("green"));
        Exception e = assertThrows(Exception.class, () -> m.transform(green).collectAsList());
        assertEquals("featureCols: column 'color' has the category 'green', which never occurred in training (the model"
                + " knows blue, red)", message(e));
    }

    @Test
    void anOutputColumnThatExistsIsRefused(SparkSession spark) {
        Dataset<Row> df = frame(spark, 3, 60);
        SpindleClassificationModel m = new SpindleClassifier().setEpochs(1).fit(df);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> m.transform(m.transform(df)));
        assertEquals("the input already has a column 'prediction', which transform adds; drop it or rename the output"
                + " column", e.getMessage());
    }

    @Test
    void aSpecThatIsNeitherFileNorYamlIsNamed(SparkSession spark) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new SpindleClassifier().setSpec("no-such-spec.yaml").fit(frame(spark, 3, 20)));
        assertTrue(e.getMessage().startsWith("spec: no file ") && e.getMessage().endsWith("no-such-spec.yaml; give YAML"
                + " text or the path of a YAML spec"), e.getMessage());
        // a bad key in the spec is refused by the spec checker, naming its path
        Exception bad = assertThrows(Exception.class,
                () -> new SpindleClassifier().setSpec("training: {lr: -1}").fit(frame(spark, 3, 20)));
        assertTrue(bad.getMessage().contains("training.lr"), bad.getMessage());
    }
}
