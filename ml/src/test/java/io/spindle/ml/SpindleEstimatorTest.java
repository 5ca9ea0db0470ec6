package io.spindle.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.spindle.driver.SharedSpark;
import io.spindle.driver.job.TrainJob;
import io.spindle.driver.spec.JobSpec;
import io.spindle.driver.spec.SpecParser;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.evaluation.BinaryClassificationEvaluator;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.evaluation.RegressionEvaluator;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.tuning.ParamGridBuilder;
import org.apache.spark.ml.tuning.TrainValidationSplit;
import org.apache.spark.ml.tuning.TrainValidationSplitModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Spark ML API with real MLlib parts: pipelines of StringIndexer, VectorAssembler and a
 * Spindle estimator fitted, saved, loaded and scored by MLlib's evaluators on bundled data sets;
 * TrainValidationSplit over Spindle's learning rate; and the estimator against
 * {@code spindle train} on the same rows.
 */
@ExtendWith(SharedSpark.class)
class SpindleEstimatorTest {

    @TempDir
    Path tmp;

    static Path datasets() {
        Path p = Paths.get("").toAbsolutePath();
        while (!Files.isDirectory(p.resolve("conf/datasets"))) {
            p = p.getParent();
        }
        return p.resolve("conf/datasets");
    }

    static Dataset<Row> csv(SparkSession spark, String name) {
        return spark.read().option("header", "true").option("inferSchema", "true")
                .csv(datasets().resolve(name).toString());
    }

    static String[] featuresBut(Dataset<Row> df, String label) {
        return Arrays.stream(df.columns()).filter(c -> !c.equals(label)).toArray(String[]::new);
    }

    @Test
    void aPipelineOnDigitsFitsSavesLoadsAndEvaluates(SparkSession spark) throws Exception {
        Dataset<Row> digits = csv(spark, "digits.csv");
        Dataset<Row>[] parts = digits.randomSplit(new double[] {0.8, 0.2}, 3);
        SpindleClassifier clf = new SpindleClassifier().setLayers(new int[] {64}).setEpochs(6).setBatchSize(32)
                .setLr(0.003).setSeed(5).setWorkers(2);
        Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {
            new StringIndexer().setInputCol("digit").setOutputCol("label"),
            new VectorAssembler().setInputCols(featuresBut(digits, "digit")).setOutputCol("features"),
            clf});
        PipelineModel fitted = pipeline.fit(parts[0]);
        Dataset<Row> scored = fitted.transform(parts[1]).cache();
        MulticlassClassificationEvaluator accuracy = new MulticlassClassificationEvaluator().setMetricName("accuracy");
        double acc = accuracy.evaluate(scored);
        assertTrue(acc > 0.85, "test accuracy " + acc);

        SpindleClassificationModel model = (SpindleClassificationModel) fitted.stages()[2];
        assertEquals(10, model.numClasses());
        assertEquals(64, model.numFeatures());
        assertEquals("COMPLETED", model.summary().path("status").asText());
        assertTrue(model.validationMetrics().get("accuracy") > 0.8, model.validationMetrics().toString());
        // probabilities are a distribution and the prediction is the most probable class
        for (Row r : scored.select("prediction", "probability").collectAsList()) {
            double[] p = ((org.apache.spark.ml.linalg.Vector) r.get(1)).toArray();
            assertEquals(1.0, Arrays.stream(p).sum(), 1e-4);
            int best = 0;
            for (int c = 1; c < p.length; c++) {
                best = p[c] > p[best] ? c : best;
            }
            assertEquals(best, r.getDouble(0), 0.0);
        }

        String where = tmp.resolve("digits-pipeline").toString();
        fitted.write().overwrite().save(where);
        assertTrue(Files.isRegularFile(Path.of(where, "stages", "2_" + model.uid(), SpindleMLModel.MODEL)));
        PipelineModel loaded = PipelineModel.load(where);
        Dataset<Row> again = loaded.transform(parts[1]);
        assertEquals(acc, accuracy.evaluate(again), 0.0);
        List<Double> before = scored.select("prediction").as(org.apache.spark.sql.Encoders.DOUBLE()).collectAsList();
        List<Double> after = again.select("prediction").as(org.apache.spark.sql.Encoders.DOUBLE()).collectAsList();
        assertEquals(before, after);
        assertThrows(java.io.IOException.class, () -> fitted.write().save(where), "saving over a model needs overwrite()");
        scored.unpersist();
    }

    @Test
    void breastCancerScoresWithTheBinaryEvaluator(SparkSession spark) {
        Dataset<Row> data = csv(spark, "breast_cancer.csv");
        Dataset<Row>[] parts = data.randomSplit(new double[] {0.8, 0.2}, 11);
        Dataset<Row> train = new VectorAssembler().setInputCols(featuresBut(data, "malignant")).setOutputCol("features")
                .transform(parts[0]);
        Dataset<Row> test = new VectorAssembler().setInputCols(featuresBut(data, "malignant")).setOutputCol("features")
                .transform(parts[1]);
        SpindleClassificationModel m = new SpindleClassifier().setLabelCol("malignant").setLayers(new int[] {32})
                .setEpochs(15).setSeed(2).fit(train);
        assertEquals("binary", m.spindleModel().pipeline().task().spelling());
        double auc = new BinaryClassificationEvaluator().setLabelCol("malignant").evaluate(m.transform(test));
        assertTrue(auc > 0.95, "test AUC " + auc);
    }

    @Test
    void diabetesScoresWithTheRegressionEvaluatorInTheLabelsUnits(SparkSession spark) {
        Dataset<Row> data = csv(spark, "diabetes.csv");
        Dataset<Row>[] parts = data.randomSplit(new double[] {0.8, 0.2}, 5);
        // named feature columns instead of a vector, with sex as a categorical column
        SpindleRegressionModel m = new SpindleRegressor().setLabelCol("progression")
                .setFeatureCols(featuresBut(data, "progression"))
                .setSpec("data: {categorical: [sex]}\nmodel: {preset: regression}\ntraining: {epochs: 40, batch_size: 32}")
                .setLayers(new int[] {32, 16}).setSeed(4).fit(parts[0]);
        assertEquals(List.of("1", "2"), m.spindleModel().pipeline().categories().get("sex"));
        Dataset<Row> scored = m.transform(parts[1]);
        double rmse = new RegressionEvaluator().setLabelCol("progression").evaluate(scored);
        double sd = parts[1].agg(functions.stddev_pop("progression")).first().getDouble(0);
        assertTrue(rmse < 0.9 * sd, "test RMSE " + rmse + " against the labels' standard deviation " + sd);
        double meanPrediction = scored.agg(functions.avg("prediction")).first().getDouble(0);
        double meanLabel = parts[1].agg(functions.avg("progression")).first().getDouble(0);
        assertEquals(meanLabel, meanPrediction, 0.3 * sd, "predictions are in the label's units");
    }

    @Test
    void trainValidationSplitChoosesSpindlesLearningRate(SparkSession spark) {
        Dataset<Row> digits = csv(spark, "digits.csv");
        Dataset<Row> data = new VectorAssembler().setInputCols(featuresBut(digits, "digit")).setOutputCol("features")
                .transform(digits);
        SpindleClassifier clf = new SpindleClassifier().setLabelCol("digit").setLayers(new int[] {32}).setEpochs(3)
                .setSeed(1);
        ParamMap[] grid = new ParamGridBuilder().addGrid(clf.lr(), new double[] {1e-6, 3e-3}).build();
        TrainValidationSplitModel tvs = new TrainValidationSplit().setEstimator(clf).setEstimatorParamMaps(grid)
                .setEvaluator(new MulticlassClassificationEvaluator().setLabelCol("digit").setMetricName("accuracy"))
                .setTrainRatio(0.8).setSeed(7).fit(data);
        double[] metrics = tvs.validationMetrics();
        assertEquals(2, metrics.length);
        assertTrue(metrics[1] > metrics[0] + 0.2, "a rate of 3e-3 learns in 3 epochs, 1e-6 does not: "
                + Arrays.toString(metrics));
        SpindleClassificationModel best = assertInstanceOf(SpindleClassificationModel.class, tvs.bestModel());
        assertEquals(3e-3, best.spindleModel().spec().at("/training/lr").asDouble(), 0.0);
    }

    @Test
    void theEstimatorEqualsSpindleTrainOnTheSameSplitAndSeed(SparkSession spark) throws Exception {
        Dataset<Row> digits = csv(spark, "digits.csv");
        Dataset<Row>[] parts = digits.randomSplit(new double[] {0.7, 0.15, 0.15}, 9);
        String[] names = {"train", "validation", "test"};
        for (int i = 0; i < 3; i++) {
            parts[i].coalesce(1).write().parquet(tmp.resolve(names[i]).toString());
        }
        Path spec = datasets().resolve("../jobs/digits.yaml").normalize();
        JobSpec js = SpecParser.parse(spec, List.of("data.format=parquet", "data.path=" + tmp.resolve("train"),
                "data.validation_path=" + tmp.resolve("validation"), "data.test_path=" + tmp.resolve("test"),
                "training.epochs=4", "cluster.workers=2"));
        ObjectNode summary = TrainJob.run(spark, js, tmp.resolve("run").toString(), false,
                new PrintWriter(new StringWriter()));

        Dataset<Row> train = spark.read().parquet(tmp.resolve("train").toString())
                .withColumn("is_validation", functions.lit(false))
                .unionByName(spark.read().parquet(tmp.resolve("validation").toString())
                        .withColumn("is_validation", functions.lit(true)));
        Dataset<Row> test = spark.read().parquet(tmp.resolve("test").toString());
        String[] features = featuresBut(test, "digit");
        VectorAssembler assembler = new VectorAssembler().setInputCols(features).setOutputCol("features");
        SpindleClassificationModel m = new SpindleClassifier().setSpec(spec.toString()).setLabelCol("digit")
                .setValidationIndicatorCol("is_validation").setEpochs(4).setWorkers(2)
                .fit(assembler.transform(train));

        JsonNode fitted = m.summary();
        assertEquals(summary.get("epochs_run").asInt(), fitted.get("epochs_run").asInt());
        assertEquals(summary.get("best_epoch").asInt(), fitted.get("best_epoch").asInt());
        assertEquals(summary.at("/validation/accuracy").asDouble(), fitted.at("/validation/accuracy").asDouble(), 0.0);
        assertEquals(summary.at("/validation/loss").asDouble(), fitted.at("/validation/loss").asDouble(), 0.0);
        double accuracy = new MulticlassClassificationEvaluator().setLabelCol("digit").setMetricName("accuracy")
                .evaluate(m.transform(assembler.transform(test)));
        assertEquals(summary.at("/test/accuracy").asDouble(), accuracy, 1e-12);
    }
}
