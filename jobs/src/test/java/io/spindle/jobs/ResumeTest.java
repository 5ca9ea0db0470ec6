package io.spindle.jobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.spindle.driver.SharedSpark;
import io.spindle.driver.job.TrainJob;
import io.spindle.driver.train.Checkpoint;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code spindle train --resume}: a run whose process is killed (SIGKILL) part way continues from
 * its last checkpoint and ends exactly as the uninterrupted run; folders that cannot be resumed
 * are refused with one clear line and left untouched.
 */
class ResumeTest {

    @TempDir
    static Path tmp;

    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    static final int EPOCHS = 16;

    @BeforeAll
    static void spark() {
        SharedSpark.session();
    }

    /** Digits on two workers, with dropout, a plateau schedule and early-stopping state in play. */
    static Path spec(String name, String lr) throws IOException {
        Path p = tmp.resolve(name + ".yaml");
        Files.writeString(p, io.spindle.driver.DigitsSpec.yaml("resume-digits",
                ROOT.resolve("conf/datasets/digits.csv").toString(), 64, """
                epochs: %d
                lr: %s
                dropout: 0.2
                early_stopping: {patience: 1000}
                schedule: {type: reduce_on_plateau, monitor: val_accuracy, patience: 1, factor: 0.5}
                """.formatted(EPOCHS, lr), "cluster: {workers: 2, averaging_period: 8}"));
        return p;
    }

    /** The uninterrupted run both stopped runs are compared with (trained once). */
    private static Path whole;

    private static synchronized Path whole(Path spec) {
        if (whole == null) {
            whole = tmp.resolve("whole");
            CliTest.Run straight = CliTest.cli("train", spec.toString(), "--output", whole.toString());
            assertEquals(0, straight.code(), straight.err());
        }
        return whole;
    }

    /**
     * SIGKILL (no chance to tidy up) and SIGTERM (what timeout, YARN and Kubernetes send: the run
     * stops before its next round, says so in one line and exits 143) both leave a run that
     * {@code --resume} takes to exactly the uninterrupted result.
     */
    @ParameterizedTest
    @ValueSource(strings = {"KILL", "TERM"})
    void stoppedRunResumesToTheSameResultAsAnUninterruptedOne(String signal) throws Exception {
        Path spec = spec("kill", "0.001");
        Path killed = tmp.resolve("stopped-" + signal);
        Path log = tmp.resolve("stopped-" + signal + ".log");
        List<String> cmd = javaMain("train", spec.toString(), "--output", killed.toString(), "--master", "local[2]");
        Process p = new ProcessBuilder(cmd).redirectOutput(log.toFile()).redirectError(tmp.resolve("stopped-" + signal
                + ".err").toFile()).start();
        int epochsAtKill;
        try {
            epochsAtKill = waitForCheckpoint(killed.resolve(TrainJob.CHECKPOINT), 3, p, log);
        } finally {
            stop(p, signal);
        }
        assertTrue(epochsAtKill < EPOCHS, "stopped part way, after epoch " + epochsAtKill);
        assertFalse(Files.exists(killed.resolve("summary.json")), "the stopped run never finished");
        if (signal.equals("TERM")) {
            String err = Files.readString(tmp.resolve("stopped-TERM.err"));
            assertEquals(143, p.exitValue(), "128 + SIGTERM's number; stderr: " + err);
            String[] lines = err.strip().split("\n");
            assertEquals(1, lines.length, "one line on stderr: " + err);
            int kept = read(killed.resolve(TrainJob.CHECKPOINT)).epochsDone();
            assertTrue(lines[0].startsWith("interrupted by SIGTERM after epoch " + kept + " of " + EPOCHS
                    + "; continue with: spindle train " + spec + " --output " + killed + " --resume"), lines[0]);
            String all = err + Files.readString(log);
            assertFalse(all.contains("Exception") || all.contains("\tat "), "no stack trace: " + all);
            CliTest.Run row = CliTest.cli("sql", killed.toString(), "SELECT status, epochs_run FROM trials",
                    "--format", "csv");
            assertEquals("status,epochs_run\nINTERRUPTED," + kept, row.out().strip(), row.err());
        }

        CliTest.Run resumed = CliTest.cli("train", spec.toString(), "--output", killed.toString(), "--resume");
        assertEquals(0, resumed.code(), resumed.err());
        assertTrue(resumed.out().contains("resuming from checkpoint.bin after epoch"), resumed.out());

        Path whole = whole(spec);

        ObjectMapper json = new ObjectMapper();
        JsonNode a = json.readTree(killed.resolve("summary.json").toFile());
        JsonNode b = json.readTree(whole.resolve("summary.json").toFile());
        assertEquals(b.get("test"), a.get("test"), "test metrics");
        assertEquals(b.get("validation"), a.get("validation"), "validation metrics");
        assertEquals(b.get("best_epoch"), a.get("best_epoch"));
        assertEquals(b.get("epochs_run"), a.get("epochs_run"));
        assertEquals(withoutTimings(b.get("history")), withoutTimings(a.get("history")), "every epoch's losses, metrics, lr");
        Checkpoint ca = read(killed.resolve(TrainJob.CHECKPOINT));
        Checkpoint cb = read(whole.resolve(TrainJob.CHECKPOINT));
        assertArrayEquals(cb.params(), ca.params(), 0f, "final parameters");
        assertArrayEquals(cb.updater(), ca.updater(), 0f, "final updater state");
        assertTrue(ca.plateau().lr() < 0.001, "the plateau schedule acted: " + ca.plateau());
        CliTest.Run rows = CliTest.cli("sql", killed.toString(),
                "SELECT (SELECT count(*) FROM trials) AS trials, count(*) AS epochs, count(DISTINCT epoch) AS distinct_epochs"
                        + " FROM epochs", "--format", "csv");
        assertEquals(0, rows.code(), rows.err());
        int epochs = a.get("epochs_run").asInt();
        assertEquals("trials,epochs,distinct_epochs\n1," + epochs + "," + epochs, rows.out().strip(),
                "one trial row and one row per epoch after the kill and the resume");
    }

    /** Sends SIGKILL (no shutdown hooks, no chance to tidy up) or SIGTERM, and waits for the process to end. */
    static void stop(Process p, String signal) throws InterruptedException {
        if (signal.equals("KILL")) {
            p.destroyForcibly();
        } else {
            p.destroy(); // SIGTERM on Linux
        }
        p.waitFor();
    }

    private static int waitForCheckpoint(Path file, int epochs, Process p, Path log) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(3));
        while (Instant.now().isBefore(deadline)) {
            if (!p.isAlive()) {
                throw new AssertionError("the training process ended early; its output: "
                        + Files.readString(log));
            }
            if (Files.exists(file)) {
                try {
                    int done = read(file).epochsDone();
                    if (done >= epochs) {
                        return done;
                    }
                } catch (IOException | IllegalArgumentException e) {
                    // replaced while we read it: look again
                }
            }
            Thread.sleep(10);
        }
        throw new AssertionError("no checkpoint after " + epochs + " epochs within 3 minutes");
    }

    /**
     * @param args the CLI's arguments
     * @return a command that runs the CLI in a JVM of its own, with this test JVM's classpath and options
     */
    static List<String> javaMain(String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    static Checkpoint read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return Checkpoint.read(in, file.toString());
        }
    }

    private static JsonNode withoutTimings(JsonNode history) {
        JsonNode copy = history.deepCopy();
        for (JsonNode e : copy) {
            ((ObjectNode) e).remove(List.of("samples_per_s", "seconds"));
        }
        return copy;
    }

    /** Runs a short job to have a folder to resume. */
    private static Path finishedOrPartial(String name) throws Exception {
        Path spec = spec(name, "0.001");
        Path out = tmp.resolve(name);
        CliTest.Run r = CliTest.cli("train", spec.toString(), "--output", out.toString(), "--set", "training.epochs=2");
        assertEquals(0, r.code(), r.err());
        Files.delete(out.resolve("summary.json")); // as if killed after its last checkpoint
        return out;
    }

    static Map<String, byte[]> snapshot(Path dir) throws IOException {
        Map<String, byte[]> m = new java.util.TreeMap<>();
        try (var files = Files.walk(dir)) {
            for (Iterator<Path> it = files.filter(Files::isRegularFile).iterator(); it.hasNext(); ) {
                Path f = it.next();
                m.put(dir.relativize(f).toString(), Files.readAllBytes(f));
            }
        }
        return m;
    }

    static void assertRefused(CliTest.Run r, String... expected) {
        assertEquals(2, r.code(), () -> "exit code; stderr: " + r.err());
        String[] lines = r.err().strip().split("\n");
        assertEquals(1, lines.length, () -> "one line expected: " + r.err());
        for (String e : expected) {
            assertTrue(lines[0].contains(e), () -> "expected '" + e + "' in: " + lines[0]);
        }
    }

    @Test
    void resumeOfAFolderFromAnotherSpecIsRefusedAndNothingChanges() throws Exception {
        Path out = finishedOrPartial("other-spec");
        Map<String, byte[]> before = snapshot(out);
        CliTest.Run r = CliTest.cli("train", spec("other-spec-b", "0.01").toString(), "--output", out.toString(),
                "--set", "training.epochs=2", "--resume");
        assertRefused(r, "different spec", "training.lr is 0.001 there and 0.01 here");
        assertEqualsSnapshot(before, snapshot(out));
    }

    @Test
    void corruptCheckpointIsRefusedAndNothingChanges() throws Exception {
        Path out = finishedOrPartial("corrupt");
        Path ck = out.resolve(TrainJob.CHECKPOINT);
        byte[] bytes = Files.readAllBytes(ck);
        bytes[bytes.length / 2] ^= 0x40;
        Files.write(ck, bytes);
        Map<String, byte[]> before = snapshot(out);
        CliTest.Run r = CliTest.cli("train", spec("corrupt", "0.001").toString(), "--output", out.toString(),
                "--set", "training.epochs=2", "--resume");
        assertRefused(r, "checkpoint.bin is damaged", "delete it");
        assertEqualsSnapshot(before, snapshot(out));
    }

    @Test
    void resumeNeedsAnExistingRunFolderAndExcludesOverwrite() throws Exception {
        Path spec = spec("missing", "0.001");
        Path out = tmp.resolve("never-ran");
        assertRefused(CliTest.cli("train", spec.toString(), "--output", out.toString(), "--resume"),
                "does not exist", "without --resume");
        assertFalse(Files.exists(out));
        Path other = Files.createDirectories(tmp.resolve("not-a-run"));
        assertRefused(CliTest.cli("train", spec.toString(), "--output", other.toString(), "--resume"),
                "no provenance.json");
        assertRefused(CliTest.cli("train", spec.toString(), "--output", other.toString(), "--resume", "--overwrite"),
                "pass one of them");
    }

    static void assertEqualsSnapshot(Map<String, byte[]> before, Map<String, byte[]> after) {
        assertEquals(before.keySet(), after.keySet(), "same files");
        before.forEach((k, v) -> assertArrayEquals(v, after.get(k), k + " unchanged"));
    }
}
