package io.spindle.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.spindle.driver.SharedSpark;
import io.spindle.driver.data.Normalization;
import io.spindle.driver.predict.ModelFile;
import io.spindle.driver.predict.SpindleModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@code spindle predict} on a trained iris model: predicting exactly the run's test rows gives
 * summary.json's test accuracy, each output row is what the restored network computes on the
 * normalized row, probabilities sum to 1, and {@code --id} keeps one column. Refusals are rows of
 * {@link BadInputCorpusTest}.
 */
class PredictCliTest {

    @TempDir
    static Path tmp;
    static Path run;
    static Path train;
    static Path test;
    static final List<String> FEATURES = List.of("sepal_length", "sepal_width", "petal_length", "petal_width");

    /** Trains iris on 4 of every 5 rows, with the fifth rows as its explicit test file. */
    @BeforeAll
    static void trainIris() throws Exception {
        SharedSpark.session();
        Path root = Path.of("..").toAbsolutePath().normalize();
        List<String> lines = Files.readAllLines(root.resolve("conf/datasets/iris.csv"));
        StringBuilder tr = new StringBuilder(lines.get(0)).append('\n');
        StringBuilder te = new StringBuilder(lines.get(0)).append('\n');
        for (int i = 1; i < lines.size(); i++) {
            (i % 5 == 0 ? te : tr).append(lines.get(i)).append('\n');
        }
        train = Files.writeString(tmp.resolve("iris-train.csv"), tr);
        test = Files.writeString(tmp.resolve("iris-test.csv"), te);
        run = tmp.resolve("run");
        CliTest.Run r = CliTest.cli("train", root.resolve("conf/jobs/iris.yaml").toString(), "--set", "data.path=" + train,
                "--set", "data.test_path=" + test, "--set", "training.epochs=40", "--output", run.toString());
        assertEquals(0, r.code(), r.err());
    }

    private static List<Row> read(Path out, String format) {
        SparkSession spark = SharedSpark.session();
        return format.equals("csv") ? spark.read().option("header", "true").csv(out.toString()).collectAsList()
                : spark.read().parquet(out.toString()).collectAsList();
    }

    @Test
    void predictingTheTestRowsGivesTheTestAccuracyOfSummaryJson() throws Exception {
        Path out = tmp.resolve("test-predictions");
        CliTest.Run r = CliTest.cli("predict", run.toString(), test.toString(), "--output", out.toString(), "--format", "csv");
        assertEquals(0, r.code(), r.err());
        List<Row> rows = read(out, "csv");
        assertEquals(30, rows.size());
        int right = 0;
        for (Row row : rows) {
            right += row.getAs("species").equals(row.getAs("prediction")) ? 1 : 0;
        }
        JsonNode summary = new ObjectMapper().readTree(run.resolve("summary.json").toFile());
        double testAccuracy = summary.at("/test/accuracy").asDouble();
        assertEquals(testAccuracy, right / 30.0, 1e-12, "accuracy of the written predictions");
        assertTrue(r.out().contains(String.format(java.util.Locale.ROOT, "on the 30 rows with labels: accuracy %.4f",
                testAccuracy)), r.out());
    }

    @Test
    void everyRowIsTheRestoredNetworksOutputOnTheNormalizedRow() throws Exception {
        Path out = tmp.resolve("train-predictions");
        CliTest.Run r = CliTest.cli("predict", run.toString(), train.toString(), "--output", out.toString(), "--format", "csv");
        assertEquals(0, r.code(), r.err());
        SpindleModel model = ModelFile.load(run);
        Normalization n = model.pipeline().normalization();
        MultiLayerNetwork net = ModelSerializer.restoreMultiLayerNetwork(run.resolve("model.zip").toFile());
        List<String> classes = model.pipeline().classes();
        List<Row> rows = read(out, "csv");
        assertEquals(120, rows.size());
        float[] x = new float[rows.size() * 4];
        for (int i = 0; i < rows.size(); i++) {
            for (int j = 0; j < 4; j++) {
                x[i * 4 + j] = (float) ((Double.parseDouble(rows.get(i).getAs(FEATURES.get(j))) - n.featureShift()[j])
                        / n.featureScale()[j]);
            }
        }
        INDArray y = net.output(Nd4j.createFromArray(x).reshape(rows.size(), 4));
        for (int i = 0; i < rows.size(); i++) {
            Row row = rows.get(i);
            double sum = 0;
            int best = 0;
            for (int c = 0; c < classes.size(); c++) {
                double p = Double.parseDouble(row.getAs("probability_" + classes.get(c)));
                assertEquals(y.getDouble(i, c), p, 1e-6, "row " + i + " class " + classes.get(c));
                sum += p;
                best = p > Double.parseDouble(row.getAs("probability_" + classes.get(best))) ? c : best;
            }
            assertEquals(1.0, sum, 1e-5, "probabilities of row " + i);
            assertEquals(classes.get(best), row.getAs("prediction"));
        }
    }

    @Test
    void regressionPredictionsAreInTheDataUnitsAndGiveTheTestRmse() throws Exception {
        Path root = Path.of("..").toAbsolutePath().normalize();
        List<String> lines = Files.readAllLines(root.resolve("conf/datasets/diabetes.csv"));
        StringBuilder tr = new StringBuilder(lines.get(0)).append('\n');
        StringBuilder te = new StringBuilder(lines.get(0)).append('\n');
        for (int i = 1; i < lines.size(); i++) {
            (i % 6 == 0 ? te : tr).append(lines.get(i)).append('\n');
        }
        Path dtrain = Files.writeString(tmp.resolve("diabetes-train.csv"), tr);
        Path dtest = Files.writeString(tmp.resolve("diabetes-test.csv"), te);
        Path drun = tmp.resolve("diabetes-run");
        CliTest.Run t = CliTest.cli("train", root.resolve("conf/jobs/diabetes.yaml").toString(), "--set", "data.path=" + dtrain,
                "--set", "data.test_path=" + dtest, "--set", "training.epochs=15", "--output", drun.toString());
        assertEquals(0, t.code(), t.err());
        Path out = tmp.resolve("diabetes-predictions");
        CliTest.Run r = CliTest.cli("predict", drun.toString(), dtest.toString(), "--output", out.toString());
        assertEquals(0, r.code(), r.err());
        List<Row> rows = read(out, "parquet");
        assertEquals(lines.size() / 6, rows.size());
        double se = 0;
        double mean = 0;
        for (Row row : rows) {
            double p = row.getAs("prediction");
            se += Math.pow(p - Double.parseDouble(row.getAs("progression")), 2);
            mean += p / rows.size();
        }
        JsonNode summary = new ObjectMapper().readTree(drun.resolve("summary.json").toFile());
        double rmse = summary.at("/test/rmse").asDouble();
        assertEquals(rmse, Math.sqrt(se / rows.size()), 1e-4 * rmse, "RMSE of the written predictions, data units");
        // progression is 25..346 with mean about 152: predictions in those units, not standardized ones
        assertTrue(mean > 80 && mean < 230, "mean prediction " + mean);
    }

    @Test
    void parquetDataIsReadByNameAndKeepsItsColumnTypes() throws Exception {
        Path data = tmp.resolve("iris-test.parquet");
        SharedSpark.session().read().option("header", "true").option("inferSchema", "true").csv(test.toString())
                .coalesce(1).write().parquet(data.toString());
        Path out = tmp.resolve("from-parquet");
        CliTest.Run r = CliTest.cli("predict", run.toString(), data.toString(), "--output", out.toString());
        assertEquals(0, r.code(), r.err());
        List<Row> rows = read(out, "parquet");
        assertEquals(30, rows.size());
        assertEquals("double", rows.get(0).schema().apply("petal_width").dataType().typeName());
        long right = rows.stream().filter(row -> Integer.toString(row.<Integer>getAs("species"))
                .equals(row.getAs("prediction"))).count();
        JsonNode summary = new ObjectMapper().readTree(run.resolve("summary.json").toFile());
        assertEquals(summary.at("/test/accuracy").asDouble(), right / 30.0, 1e-12);
    }

    @Test
    void idKeepsOneColumnAndParquetIsTheDefault() throws Exception {
        List<String> lines = Files.readAllLines(test);
        StringBuilder withId = new StringBuilder("id,").append(lines.get(0)).append('\n');
        for (int i = 1; i < lines.size(); i++) {
            withId.append("flower-").append(i).append(',').append(lines.get(i)).append('\n');
        }
        Path data = Files.writeString(tmp.resolve("with-id.csv"), withId);
        Path out = tmp.resolve("by-id");
        CliTest.Run r = CliTest.cli("predict", run.toString(), data.toString(), "--output", out.toString(), "--id", "id");
        assertEquals(0, r.code(), r.err());
        List<Row> rows = read(out, "parquet");
        assertEquals(30, rows.size());
        List<String> columns = new ArrayList<>(Arrays.asList(rows.get(0).schema().fieldNames()));
        assertEquals(List.of("id", "prediction", "probability_0", "probability_1", "probability_2"), columns);
        assertTrue(rows.stream().allMatch(row -> row.getString(0).startsWith("flower-")));
        // written atomically: no temporary folder is left beside the output
        try (var siblings = Files.list(tmp)) {
            assertTrue(siblings.noneMatch(p -> p.getFileName().toString().contains(".tmp-")));
        }
    }

    @Test
    void unseenCategoriesCanBeZerosAndBadRowsSkippedWithCountsIntoDelta() throws Exception {
        Path pets = Files.writeString(tmp.resolve("pets.csv"),
                "a,color,y\n" + "1.0,red,0\n2.0,blue,1\n3.0,red,2\n0.5,blue,0\n".repeat(5));
        Path petsRun = tmp.resolve("pets-run");
        Path spec = Files.writeString(tmp.resolve("pets.yaml"), "name: pets\n" + CliTest.spec(pets,
                "  categorical: [color]\ntraining: {epochs: 3, batch_size: 4}\n"));
        CliTest.Run t = CliTest.cli("train", spec.toString(), "--output", petsRun.toString());
        assertEquals(0, t.code(), t.err());
        Path data = Files.writeString(tmp.resolve("pets-new.csv"), "a,color\n1.0,red\n2.0,green\nabc,blue\n3.0,blue\n");
        Path out = tmp.resolve("pets-out");
        CliTest.Run r = CliTest.cli("predict", petsRun.toString(), data.toString(), "--output", out.toString(),
                "--format", "delta", "--unknown-category", "zeros", "--on-bad-record", "skip");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("1 row had a category the model never saw: predicted with all-zero inputs for that"
                + " column"), r.out());
        assertTrue(r.out().contains("skipped 1 row that could not be encoded (--on-bad-record skip)"), r.out());
        assertTrue(r.out().contains("predicted 3 rows"), r.out());
        assertTrue(Files.isDirectory(out.resolve("_delta_log")), "a Delta table");
        List<Row> rows = SharedSpark.session().read().format("delta").load(out.toString()).collectAsList();
        assertEquals(3, rows.size());
        Row green = rows.stream().filter(x -> x.getAs("color").equals("green")).findFirst().orElseThrow();
        // the unseen category's one-hot inputs are zeros: the network's output on [a', 0, 0]
        SpindleModel m = ModelFile.load(petsRun);
        assertEquals(List.of("a", "color=blue", "color=red"), m.pipeline().encodedFeatures());
        Normalization n = m.pipeline().normalization();
        float a = (2.0f - n.featureShift()[0]) / n.featureScale()[0];
        INDArray y = m.network().output(Nd4j.createFromArray(new float[][] {{a, 0f, 0f}}), false);
        for (int c = 0; c < 3; c++) {
            assertEquals(y.getDouble(0, c), green.<Double>getAs("probability_" + c), 1e-6);
        }
    }

    @Test
    void parquetIsReadColumnByColumnWithTheRowReadersResultsAndItsMessages() throws Exception {
        SparkSession spark = SharedSpark.session();
        Path data = tmp.resolve("iris-all.parquet");
        spark.read().option("header", "true").option("inferSchema", "true").csv(train.toString()).repartition(3)
                .write().parquet(data.toString());
        io.spindle.driver.job.PredictJob.Result fast = io.spindle.driver.job.PredictJob.run(spark,
                new io.spindle.driver.job.PredictJob.Options(run.toString(), data.toString(),
                        tmp.resolve("columnar").toString(), io.spindle.driver.job.PredictJob.Format.PARQUET,
                        java.util.Optional.empty(), false), new java.io.PrintWriter(new java.io.StringWriter()));
        assertTrue(fast.columnar(), "numeric Parquet features take the columnar path");
        // --on-bad-record skip reads row by row
        io.spindle.driver.job.PredictJob.Result slow = io.spindle.driver.job.PredictJob.run(spark,
                new io.spindle.driver.job.PredictJob.Options(run.toString(), data.toString(), tmp.resolve("by-row").toString(),
                        io.spindle.driver.job.PredictJob.Format.PARQUET, java.util.Optional.empty(), false, false, true),
                new java.io.PrintWriter(new java.io.StringWriter()));
        assertTrue(!slow.columnar());
        assertEquals(120, fast.rows());
        assertEquals(slow.metrics(), fast.metrics());
        List<Row> a = spark.read().parquet(tmp.resolve("columnar").toString()).orderBy("sepal_length", "sepal_width",
                "petal_length", "petal_width", "probability_0").collectAsList();
        List<Row> b = spark.read().parquet(tmp.resolve("by-row").toString()).orderBy("sepal_length", "sepal_width",
                "petal_length", "petal_width", "probability_0").collectAsList();
        assertEquals(a.size(), b.size());
        assertEquals(Arrays.asList(a.get(0).schema().fieldNames()), Arrays.asList(b.get(0).schema().fieldNames()));
        for (int i = 0; i < a.size(); i++) {
            for (int c = 0; c < 5; c++) {
                assertEquals(b.get(i).get(c), a.get(i).get(c), "input column " + c);
            }
            assertEquals(b.get(i).<String>getAs("prediction"), a.get(i).<String>getAs("prediction"));
            for (int k = 0; k < 3; k++) {
                assertEquals(b.get(i).<Double>getAs("probability_" + k), a.get(i).<Double>getAs("probability_" + k), 1e-6);
            }
        }
        // a NaN feature: the row reader names where it is
        Path nan = tmp.resolve("iris-nan.parquet");
        spark.read().parquet(data.toString()).withColumn("petal_width", org.apache.spark.sql.functions.when(
                org.apache.spark.sql.functions.col("sepal_length").equalTo(5.0), Double.NaN)
                .otherwise(org.apache.spark.sql.functions.col("petal_width"))).coalesce(1).write().parquet(nan.toString());
        CliTest.Run r = CliTest.cli("predict", run.toString(), nan.toString(), "--output", tmp.resolve("nan-out").toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("column 'petal_width'") && r.err().contains("NaN") && r.err().contains(" row "),
                r.err());
        assertTrue(!Files.exists(tmp.resolve("nan-out")));
    }
}
