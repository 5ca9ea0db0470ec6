package io.spindle.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.spindle.driver.SharedSpark;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The CLI as a user meets it: exit codes, one-line errors, nothing written on bad input. */
class CliTest {

    /** Result of one CLI run. */
    record Run(int code, String out, String err) { }

    @TempDir
    static Path tmp;

    @BeforeAll
    static void spark() {
        SharedSpark.session();
    }

    static Run cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(code, out.toString(), err.toString());
    }

    static Path write(String name, String text) throws Exception {
        Path p = tmp.resolve(name);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
        return p;
    }

    static final String GOOD_CSV = "a,b,y\n" + "1.0,2.0,0\n".repeat(1) + "2.0,1.0,1\n3.0,0.5,2\n0.5,2.5,0\n"
            + "1.5,1.5,1\n2.5,0.2,2\n1.1,2.2,0\n2.1,1.1,1\n3.1,0.3,2\n0.7,2.7,0\n";

    static String spec(Path data, String extra) {
        return "data:\n  path: " + data + "\n  label: y\n  task: multiclass\n" + extra;
    }

    static Stream<Arguments> badInputs() throws Exception {
        Path good = write("good.csv", GOOD_CSV);
        Path cols = write("cols.csv", "a,b,y\n1,2,0\n2,1,1\n3,0,2\n4\n5,6,1\n");
        Path nonNumeric = write("nonnum.csv", "a,b,y\n1,2,0\n2,1,1\nabc,0,2\n");
        Path noLabel = write("nolabel.csv", "a,b,y\n1,2,0\n2,1,\n3,0,2\n");
        Path outside = write("outside.csv", "a,b,y\n1,2,0\n2,1,1\n3,0,7\n");
        Path nan = write("nan.csv", "a,b,y\n1,2,0\n2,NaN,1\n3,0,2\n");
        Path empty = write("empty.csv", "a,b,y\n1,2,0\n2,,1\n3,0,2\n");
        Path file = write("afile", "x");
        List<Arguments> a = new ArrayList<>();
        a.add(Arguments.of("missing file", spec(tmp.resolve("nope.csv"), ""), List.of(), List.of("nope.csv")));
        a.add(Arguments.of("column count", spec(cols, ""), List.of(), List.of("cols.csv", "line 5")));
        a.add(Arguments.of("non-numeric", spec(nonNumeric, ""), List.of(), List.of("nonnum.csv", "line 4", "abc")));
        a.add(Arguments.of("missing label", spec(noLabel, ""), List.of(), List.of("nolabel.csv", "line 3", "y")));
        a.add(Arguments.of("label outside classes", spec(outside, "  classes: 3\n"), List.of(),
                List.of("outside.csv", "line 4", "7")));
        a.add(Arguments.of("NaN value", spec(nan, ""), List.of(), List.of("nan.csv", "line 3", "b")));
        a.add(Arguments.of("empty value", spec(empty, ""), List.of(), List.of("empty.csv", "line 3", "b")));
        a.add(Arguments.of("unknown key", spec(good, "training: {learnin_rate: 0.1}\n"), List.of(),
                List.of("unknown key training.learnin_rate")));
        a.add(Arguments.of("negative size", spec(good, "model: {layers: [{type: dense, units: -5}, {type: output}]}\n"),
                List.of(), List.of("model.layers[0].units must be > 0, got -5")));
        a.add(Arguments.of("wrong type", spec(good, "training: {batch_size: big}\n"), List.of(),
                List.of("training.batch_size must be an integer, got 'big'")));
        a.add(Arguments.of("incompatible loss", spec(good, "model: {layers: [{type: output, loss: cce, activation: sigmoid}]}\n"),
                List.of(), List.of("model.layers[0].activation must be softmax with loss cce")));
        a.add(Arguments.of("unwritable output", spec(good, ""), List.of("--output", file.resolve("out").toString()),
                List.of("cannot create output folder", "is a file")));
        a.add(Arguments.of("bad override", spec(good, ""), List.of("--set", "training.lr=-1"),
                List.of("training.lr must be > 0, got -1")));
        a.add(Arguments.of("averaging period below 1", spec(good, "cluster: {averaging_period: 0}\n"), List.of(),
                List.of("cluster.averaging_period must be > 0, got 0")));
        a.add(Arguments.of("warmup longer than training", spec(good,
                "training: {epochs: 10, schedule: {type: cosine, warmup_epochs: 12}}\n"), List.of(),
                List.of("training.schedule.warmup_epochs must be < training.epochs (10), got 12")));
        a.add(Arguments.of("plateau factor out of range", spec(good,
                "training: {schedule: {type: reduce_on_plateau, factor: 1.5}}\n"), List.of(),
                List.of("training.schedule.factor must be < 1, got 1.5")));
        a.add(Arguments.of("unknown schedule", spec(good, "training: {schedule: {type: cosin}}\n"), List.of(),
                List.of("training.schedule.type must be one of", "did you mean 'cosine'")));
        a.add(Arguments.of("min_lr above lr", spec(good,
                "training: {lr: 0.001, schedule: {type: reduce_on_plateau, min_lr: 0.01}}\n"), List.of(),
                List.of("training.schedule.min_lr must be < training.lr (0.001), got 0.01")));
        a.add(Arguments.of("outer momentum", spec(good,
                "cluster: {outer_optimizer: {type: nesterov, momentum: 2}}\n"), List.of(),
                List.of("cluster.outer_optimizer.momentum must be < 1, got 2")));
        return a.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badInputs")
    void badInputGivesOneLineExitTwoAndWritesNothing(String name, String specText, List<String> extra,
                                                      List<String> expected) throws Exception {
        Path spec = write("specs/" + name.replace(' ', '_') + ".yaml", specText);
        Path out = tmp.resolve("out-" + name.replace(' ', '_'));
        List<String> args = new ArrayList<>(List.of("train", spec.toString()));
        if (!extra.contains("--output")) {
            args.addAll(List.of("--output", out.toString()));
        }
        args.addAll(extra);
        Run r = cli(args.toArray(String[]::new));
        assertEquals(2, r.code(), () -> "exit code; stderr: " + r.err());
        String[] lines = r.err().strip().split("\n");
        assertEquals(1, lines.length, () -> "one line expected: " + r.err());
        assertTrue(lines[0].startsWith("error: "), r.err());
        for (String e : expected) {
            assertTrue(lines[0].contains(e), () -> "expected '" + e + "' in: " + lines[0]);
        }
        assertFalse(r.err().contains("\tat "), "no stack trace");
        assertFalse(Files.exists(out), "nothing written");
    }

    /** Files that are not what their names say, the spec extra, and what the one error line must say. */
    static Stream<Arguments> corruptFiles() throws Exception {
        StringBuilder rows = new StringBuilder("a,b,y\n");
        for (int i = 0; i < 20000; i++) {
            rows.append(i % 5).append(',').append(i % 7).append(',').append(i % 3).append('\n');
        }
        Path cut = tmp.resolve("corrupt/cut.csv.gz");
        Files.createDirectories(cut.getParent());
        try (java.io.OutputStream o = new java.util.zip.GZIPOutputStream(Files.newOutputStream(cut))) {
            o.write(rows.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        byte[] whole = Files.readAllBytes(cut);
        Files.write(cut, java.util.Arrays.copyOf(whole, whole.length / 2));
        Path plain = write("corrupt/plain.csv.gz", GOOD_CSV);
        Path notParquet = write("corrupt/part.parquet", GOOD_CSV);
        return Stream.of(
                Arguments.of("truncated gzip", cut, List.of(cut + " is a truncated or corrupt gzip file (",
                        "re-download or re-compress it")),
                Arguments.of("plain text named gz", plain, List.of(plain + " is not gzip data or is corrupt (",
                        "give it a name without '.gz'")),
                Arguments.of("csv named parquet", notParquet, List.of(notParquet + " is not a Parquet file (its last"
                        + " bytes are not Parquet's magic 'PAR1'); give CSV files a .csv name or set data.format")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corruptFiles")
    void aCorruptFileIsOneLineNamingItExitTwoAndWritesNothing(String name, Path data, List<String> expected)
            throws Exception {
        Path spec = write("specs/corrupt-" + name.replace(' ', '_') + ".yaml", spec(data, ""));
        Path out = tmp.resolve("out-corrupt-" + name.replace(' ', '_'));
        Run r = cli("train", spec.toString(), "--output", out.toString());
        assertEquals(2, r.code(), () -> "exit code; stderr: " + r.err());
        String[] lines = r.err().strip().split("\n");
        assertEquals(1, lines.length, () -> "one line expected: " + r.err());
        assertTrue(lines[0].startsWith("error: data.path '" + data + "': "), lines[0]);
        for (String e : expected) {
            assertTrue(lines[0].contains(e), () -> "expected '" + e + "' in: " + lines[0]);
        }
        assertFalse(r.err().contains("\tat ") || r.err().contains("Exception"), "no stack trace or exception class: " + r.err());
        assertFalse(r.out().contains("Exception"), r.out());
        assertFalse(Files.exists(out), "nothing written");
    }

    @Test
    void verboseShowsTheStackTrace() throws Exception {
        Path spec = write("specs/verbose.yaml", spec(tmp.resolve("nope.csv"), ""));
        Run r = cli("train", spec.toString(), "--output", tmp.resolve("v").toString(), "--verbose");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("\tat "), r.err());
    }

    @Test
    void usageErrorsExitTwo() {
        assertEquals(2, cli("train").code());
        assertEquals(2, cli("frobnicate").code());
        assertEquals(0, cli("--help").code());
        assertEquals(0, cli("train", "--help").code());
    }

    @Test
    void schemaIsJson() throws Exception {
        Run r = cli("schema");
        assertEquals(0, r.code());
        JsonNode schema = new ObjectMapper().readTree(r.out());
        assertTrue(schema.at("/properties/data/properties/path").isObject());
    }

    @Test
    void validatePrintsResolvedSpecAndWarnings() throws Exception {
        Path good = write("v.csv", GOOD_CSV);
        Path spec = write("specs/validate.yaml", spec(good, "model: {layers: [{type: dense, units: 4, init: zeros}, {type: output}]}\n"));
        Run r = cli("validate", spec.toString(), "--set", "training.lr=0.002");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("lr: 0.002"), r.out());
        assertTrue(r.out().contains("optimizer: adam"), r.out());
        assertTrue(r.err().contains("warning: model.layers[0].init: zeros"), r.err());
    }

    @Test
    void aMasterThatDoesNotAnswerIsOneLineWithinSeconds() throws Exception {
        int port;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
            port = free.getLocalPort(); // closed again: nothing listens there
        }
        Path specFile = write("nomaster/spec.yaml", spec(write("nomaster/good.csv", GOOD_CSV), ""));
        Path out = tmp.resolve("nomaster/out");
        long start = System.nanoTime();
        Run r = cli("train", specFile.toString(), "--master", "spark://127.0.0.1:" + port, "--output", out.toString());
        assertEquals(2, r.code(), r.err());
        String[] lines = r.err().strip().split("\n");
        assertEquals(1, lines.length, r.err());
        assertTrue(lines[0].contains("cannot reach the Spark master at spark://127.0.0.1:" + port), lines[0]);
        assertTrue((System.nanoTime() - start) / 1e9 < 20, "within seconds, not a hang");
        assertFalse(Files.exists(out), "nothing written");
    }

    @Test
    void refusesExistingOutputUnlessOverwrite() throws Exception {
        Path good = write("o.csv", GOOD_CSV);
        Path spec = write("specs/exists.yaml", spec(good, ""));
        Path out = Files.createDirectories(tmp.resolve("existing"));
        Files.writeString(out.resolve("keep.txt"), "x");
        Run r = cli("train", spec.toString(), "--output", out.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("already exists"), r.err());
        assertTrue(Files.exists(out.resolve("keep.txt")), "untouched");
    }
}
