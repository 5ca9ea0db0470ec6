package io.spindle.examples;

import io.spindle.ml.SpindleClassificationModel;
import io.spindle.ml.SpindleClassifier;
import java.util.Arrays;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Spindle from a Spark application: read Parquet, fit a {@link SpindleClassifier} on a feature
 * vector, score the held-out rows with MLlib's evaluator, save the model, load it back and score
 * again.
 *
 * <pre>
 * spark-submit --class io.spindle.examples.DigitsClassifier APP.jar DATA.parquet MODEL_DIR
 * </pre>
 */
public final class DigitsClassifier {

    private DigitsClassifier() {
    }

    /**
     * @param args the Parquet data (a {@code digit} label column and pixel columns) and the folder
     *     to save the model in
     */
    public static void main(String[] args) throws java.io.IOException {
        if (args.length != 2) {
            System.err.println("usage: DigitsClassifier DATA.parquet MODEL_DIR");
            System.exit(2);
        }
        SparkSession spark = SparkSession.builder().appName("spindle-digits").getOrCreate();
        try {
            double[] accuracy = run(spark, args[0], args[1]);
            System.out.printf("test accuracy %.4f; after save and load %.4f%n", accuracy[0], accuracy[1]);
        } finally {
            spark.stop();
        }
    }

    /**
     * @param spark the session
     * @param data Parquet rows with a {@code digit} label column and pixel columns
     * @param modelDir where the model is saved (replaced if it exists)
     * @return the test accuracy of the fitted model and of the model loaded back
     * @throws java.io.IOException when the model cannot be saved
     */
    public static double[] run(SparkSession spark, String data, String modelDir) throws java.io.IOException {
        // README:start
        Dataset<Row> digits = spark.read().parquet(data);
        String[] pixels = Arrays.stream(digits.columns()).filter(c -> !c.equals("digit")).toArray(String[]::new);
        Dataset<Row> rows = new VectorAssembler().setInputCols(pixels).setOutputCol("features").transform(digits);
        Dataset<Row>[] split = rows.randomSplit(new double[] {0.8, 0.2}, 42);

        SpindleClassifier classifier = new SpindleClassifier()
                .setLabelCol("digit")                 // class indices 0..9 (StringIndexer makes them from text)
                .setLayers(new int[] {64, 32})        // hidden dense layers; the output layer is added
                .setEpochs(10)
                .setLr(0.003)
                .setWorkers(2)                        // data-parallel over two partitions
                .setSeed(7);
        SpindleClassificationModel model = classifier.fit(split[0]);

        MulticlassClassificationEvaluator accuracy = new MulticlassClassificationEvaluator()
                .setLabelCol("digit").setMetricName("accuracy");
        double fitted = accuracy.evaluate(model.transform(split[1]));

        model.write().overwrite().save(modelDir);
        SpindleClassificationModel loaded = SpindleClassificationModel.load(modelDir);
        double reloaded = accuracy.evaluate(loaded.transform(split[1]));
        // README:end
        return new double[] {fitted, reloaded};
    }
}
