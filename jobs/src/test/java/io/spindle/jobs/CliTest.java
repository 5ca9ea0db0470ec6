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
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI as a user meets it: exit codes, --verbose, usage, schema, validate, an unreachable
 * master; every bad-input refusal is a row of {@link BadInputCorpusTest}.
 */
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

    /**
     * Trains a bundled example job on its bundled data.
     *
     * @param job the file in conf/jobs
     * @param data the file in conf/datasets
     * @param out the output folder
     * @param sets more {@code --set} values
     * @return the run
     */
    static Run trainExample(String job, String data, Path out, String... sets) {
        Path root = Path.of("..").toAbsolutePath().normalize();
        List<String> args = new ArrayList<>(List.of("train", root.resolve("conf/jobs/" + job).toString(),
                "--set", "data.path=" + root.resolve("conf/datasets/" + data), "--output", out.toString()));
        for (String s : sets) {
            args.addAll(List.of("--set", s));
        }
        return cli(args.toArray(String[]::new));
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
        Run md = cli("schema", "--format", "markdown");
        assertEquals(0, md.code(), md.err());
        assertTrue(md.out().startsWith("# Job spec reference\n") && md.out().contains("\n| `cluster.lr_scaling` | "),
                md.out());
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
    @org.junit.jupiter.api.Timeout(value = 5, unit = java.util.concurrent.TimeUnit.MINUTES) // a hang guard, not a speed target
    void aMasterThatDoesNotAnswerIsOneLineNotAHang() throws Exception {
        int port;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
            port = free.getLocalPort(); // closed again: nothing listens there
        }
        Path specFile = write("nomaster/spec.yaml", spec(write("nomaster/good.csv", GOOD_CSV), ""));
        Path out = tmp.resolve("nomaster/out");
        Run r = cli("train", specFile.toString(), "--master", "spark://127.0.0.1:" + port, "--output", out.toString());
        assertEquals(2, r.code(), r.err());
        String[] lines = r.err().strip().split("\n");
        assertEquals(1, lines.length, r.err());
        assertTrue(lines[0].contains("cannot reach the Spark master at spark://127.0.0.1:" + port), lines[0]);
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

    /** Data a run can train on but should not: one line each, and the run goes on. */
    @Test
    void oddDataWarnsAndTheRunGoesOn() throws Exception {
        Path oneClass = write("odd/one-class.csv", "a,b,y\n" + "1.0,2.0,1\n2.0,1.0,1\n3.0,0.5,1\n0.5,2.5,1\n".repeat(5));
        Path spec = write("odd/spec.yaml", "data:\n  path: " + oneClass + "\n  label: y\n  task: binary\n"
                + "training: {epochs: 1, batch_size: 64}\nmetrics: {select: accuracy}\n");
        Run r = cli("train", spec.toString(), "--output", tmp.resolve("odd/out").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("warning: data.label: every one of the ") && r.out().contains(
                " train rows has the same label ('1'); a binary classifier needs both classes"), r.out());
        assertTrue(r.out().contains("warning: training.batch_size 64 is larger than the train split ("), r.out());
        Run v = cli("validate", spec.toString());
        assertEquals(0, v.code(), v.err());
        assertTrue(v.err().contains("warning: data.label: every one of the "), v.err());
        assertTrue(v.err().contains("valid, 2 warning(s)"), v.err());

        Path sweep = write("odd/sweep.yaml", "extends: spec.yaml\nsweep:\n  trials: 1\n  parallel_trials: 64\n"
                + "  space:\n    training.lr: {loguniform: [1.0e-3, 1.0e-2]}\n");
        Run s = cli("sweep", sweep.toString(), "--output", tmp.resolve("odd/sweep-out").toString());
        assertEquals(0, s.code(), s.err() + s.out());
        assertTrue(s.out().contains("warning: sweep.parallel_trials 64 x workers_per_trial 1 is more than the "), s.out());
    }
}
