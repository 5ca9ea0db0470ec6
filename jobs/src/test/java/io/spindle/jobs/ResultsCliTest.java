package io.spindle.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.spindle.driver.SharedSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code spindle results} and {@code spindle sql} over the tables a real {@code spindle train} wrote. */
class ResultsCliTest {

    @TempDir
    static Path tmp;

    static Path runA;
    static Path runB;

    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    @BeforeAll
    static void train() {
        SharedSpark.session();
        runA = tmp.resolve("a");
        runB = tmp.resolve("b");
        for (Path out : List.of(runA, runB)) {
            CliTest.Run r = CliTest.cli("train", ROOT.resolve("conf/jobs/iris.yaml").toString(), "--set",
                    "data.path=" + ROOT.resolve("conf/datasets/iris.csv"), "--set", "training.epochs=6",
                    "--set", "training.lr=" + (out == runA ? "0.01" : "0.005"), "--output", out.toString());
            assertEquals(0, r.code(), r.err());
        }
    }

    @Test
    void resultsCsvHasSummarysTestAccuracy() throws Exception {
        CliTest.Run r = CliTest.cli("results", runA.toString(), "--format", "csv");
        assertEquals(0, r.code(), r.err());
        String[] lines = r.out().strip().split("\n");
        assertEquals(2, lines.length, r.out());
        List<String> header = Arrays.asList(lines[0].split(","));
        String[] row = lines[1].split(",");
        JsonNode summary = new ObjectMapper().readTree(runA.resolve("summary.json").toFile());
        assertEquals(summary.at("/test/accuracy").asDouble(), Double.parseDouble(row[header.indexOf("test_accuracy")]));
        assertEquals("COMPLETED", row[header.indexOf("status")]);
        assertEquals("0.01", row[header.indexOf("training_lr")], "hyperparameters are columns");
    }

    @Test
    void sqlCountsTheEpochsRun() throws Exception {
        CliTest.Run r = CliTest.cli("sql", runA.toString(), "SELECT count(*) AS n FROM epochs", "--format", "csv");
        assertEquals(0, r.code(), r.err());
        JsonNode summary = new ObjectMapper().readTree(runA.resolve("summary.json").toFile());
        assertEquals("n\n" + summary.get("epochs_run").asInt(), r.out().strip());
    }

    @Test
    void severalFoldersAreToldApartBySweepId() {
        CliTest.Run r = CliTest.cli("sql", runA.toString(), runB.toString(),
                "SELECT count(DISTINCT sweep_id) AS runs, count(*) AS trials FROM trials", "--format", "json");
        assertEquals(0, r.code(), r.err());
        assertEquals("{\"runs\":2,\"trials\":2}", r.out().strip());
        CliTest.Run sorted = CliTest.cli("results", runA.toString(), runB.toString(), "--sort", "-training_lr", "--top",
                "1", "--format", "csv");
        assertEquals(0, sorted.code(), sorted.err());
        assertTrue(sorted.out().strip().split("\n")[1].contains(",0.01,"), sorted.out());
        CliTest.Run table = CliTest.cli("results", runA.toString(), runB.toString(), "--where", "training_lr < 0.008");
        assertEquals(0, table.code(), table.err());
        assertTrue(table.out().contains("(1 row)") && table.out().contains("test_accuracy"), table.out());
    }

    static void assertBadInput(CliTest.Run r, String expected) {
        assertEquals(2, r.code(), () -> "exit code; stderr: " + r.err());
        String[] lines = r.err().strip().split("\n");
        assertEquals(1, lines.length, () -> "one line expected: " + r.err());
        assertTrue(lines[0].contains(expected), () -> "expected '" + expected + "' in: " + lines[0]);
        assertFalse(r.err().contains("\tat "), "no stack trace");
    }

    @Test
    void badInputIsOneClearLine() throws Exception {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        assertBadInput(CliTest.cli("results", empty.toString()), "holds no result tables");
        assertBadInput(CliTest.cli("sql", runA.toString(), "SELEC count(*) FROM trials"), "bad query");
        assertBadInput(CliTest.cli("sql", runA.toString(), "SELECT nope FROM trials"), "bad query");
        assertBadInput(CliTest.cli("results", runA.toString(), "--sort", "nope"), "--sort: no column 'nope'");
        assertBadInput(CliTest.cli("results", runA.toString(), "--where", "nope > 1"), "--where 'nope > 1'");
        assertBadInput(CliTest.cli("results", runA.toString(), "--format", "xml"), "--format must be table, csv or json");
    }

    /** Runs in a JVM whose classpath holds Spark, Delta Lake and their dependencies, and nothing of Spindle. */
    static final String PLAIN_READER = """
            import org.apache.spark.sql.SparkSession;
            public class PlainReader {
                public static void main(String[] a) throws Exception {
                    try {
                        Class.forName("io.spindle.driver.results.DeltaResultStore");
                        System.out.println("spindle-on-classpath");
                    } catch (ClassNotFoundException e) {
                        System.out.println("no-spindle");
                    }
                    SparkSession s = SparkSession.builder().master("local[1]").appName("plain")
                            .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1")
                            .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
                            .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
                            .getOrCreate();
                    long trials = s.sql("SELECT * FROM delta.`" + a[0] + "/tables/trials`").count();
                    long epochs = s.sql("SELECT * FROM delta.`" + a[0] + "/tables/epochs`").count();
                    Object acc = s.read().format("delta").load(a[0] + "/tables/trials").select("test_accuracy").first().get(0);
                    System.out.println("trials=" + trials + " epochs=" + epochs + " test_accuracy=" + acc);
                    s.stop();
                }
            }
            """;

    @Test
    void plainSparkWithDeltaReadsBothTables() throws Exception {
        Path src = tmp.resolve("reader/PlainReader.java");
        Files.createDirectories(src.getParent());
        Files.writeString(src, PLAIN_READER);
        List<String> ours = List.of("spindle", "/target/classes", "/target/test-classes", "deeplearning4j", "nd4j",
                "bytedeco", "datavec", "picocli", "junit", "opentest4j", "apiguardian");
        String cp = Arrays.stream(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
                .filter(e -> ours.stream().noneMatch(e::contains)).collect(java.util.stream.Collectors.joining(
                        java.io.File.pathSeparator));
        assertTrue(cp.contains("delta-spark") && cp.contains("spark-sql"), cp);
        List<String> cmd = new java.util.ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("--add-opens")).forEach(cmd::add);
        cmd.addAll(List.of("-cp", cp, src.toString(), runA.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), out);
        JsonNode summary = new ObjectMapper().readTree(runA.resolve("summary.json").toFile());
        assertTrue(out.contains("no-spindle"), out);
        assertTrue(out.contains("trials=1 epochs=" + summary.get("epochs_run").asInt() + " test_accuracy="
                + summary.at("/test/accuracy").asDouble()), out);
    }
}
