package io.spindle.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.spindle.driver.SharedSpark;
import io.spindle.driver.job.SweepJob;
import io.spindle.driver.job.TrainJob;
import io.spindle.driver.sweep.Limited;
import io.spindle.driver.sweep.Proposal;
import io.spindle.driver.sweep.SweepParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code spindle sweep --resume}: a sweep whose driver process is killed (SIGKILL) with trials
 * finished and trials running continues in its folder: finished trials are not run again, running
 * ones restart from their last checkpoint, the search strategy carries on with the trials it would
 * have proposed, and the tables end with one row per trial and per epoch. Bad sweep input and
 * folders that cannot be resumed are refused with one line, writing nothing.
 */
class SweepResumeTest {

    @TempDir
    static Path tmp;

    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    static final int TRIALS = 4;

    @BeforeAll
    static void spark() {
        SharedSpark.session();
    }

    static Path sweepFile(String name) throws IOException {
        Path p = tmp.resolve(name + ".yaml");
        Files.writeString(p, io.spindle.driver.DigitsSpec.yaml("resume-sweep", ROOT.resolve("conf/datasets/digits.csv")
                .toString(), 32, "epochs: 8\nearly_stopping: {patience: 1000}", """
                sweep:
                  strategy: random
                  trials: %d
                  parallel_trials: 2
                  seed: 5
                  metric: accuracy
                  space:
                    training.lr: {loguniform: [1.0e-4, 1.0e-2]}
                    model.layers[0].units: {choice: [16, 32, 64]}
                """.formatted(TRIALS)));
        return p;
    }

    /** The uninterrupted sweep both stopped sweeps are compared with (run once). */
    private static Path whole;

    private static synchronized Path whole(Path file) {
        if (whole == null) {
            whole = tmp.resolve("whole");
            CliTest.Run r = CliTest.cli("sweep", file.toString(), "--output", whole.toString());
            assertEquals(0, r.code(), r.err());
        }
        return whole;
    }

    /**
     * SIGKILL (no chance to tidy up) and SIGTERM (the sweep starts no new trial, stops its running
     * ones before their next round as INTERRUPTED, says so in one line, exits 143) both leave a
     * sweep that {@code --resume} finishes with every trial as the uninterrupted sweep ends it.
     */
    @ParameterizedTest
    @ValueSource(strings = {"KILL", "TERM"})
    void stoppedSweepResumesWithoutRerunningFinishedTrials(String signal) throws Exception {
        Path file = sweepFile("kill");
        Path dir = tmp.resolve("stopped-" + signal);
        Path log = tmp.resolve("stopped-" + signal + ".log");
        Path errLog = tmp.resolve("stopped-" + signal + ".err");
        List<String> cmd = ResumeTest.javaMain("sweep", file.toString(), "--output", dir.toString(), "--master", "local[2]");
        Process p = new ProcessBuilder(cmd).redirectOutput(log.toFile()).redirectError(errLog.toFile()).start();
        try {
            waitForFinishedAndRunning(dir, p, log);
        } finally {
            ResumeTest.stop(p, signal);
        }
        assertFalse(Files.exists(dir.resolve("summary.json")), "the stopped sweep never finished");
        JsonNode state = new ObjectMapper().readTree(dir.resolve(SweepJob.STATE).toFile());
        List<String> finished = new ArrayList<>();
        Map<String, Integer> running = new LinkedHashMap<>();
        // SIGKILL leaves running trials RUNNING; SIGTERM marks them INTERRUPTED, never FAILED
        String stopped = signal.equals("KILL") ? "RUNNING" : "INTERRUPTED";
        for (JsonNode t : state.get("trials")) {
            String id = t.get("id").asText();
            assertFalse(t.get("status").asText().equals("FAILED"), "no trial failed: " + state);
            if (t.get("status").asText().equals(stopped)) {
                Path c = dir.resolve(SweepJob.TRIALS).resolve(id).resolve(TrainJob.CHECKPOINT);
                running.put(id, Files.exists(c) ? ResumeTest.read(c).epochsDone() : 0);
            } else {
                finished.add(id);
            }
        }
        assertTrue(finished.size() >= 2 && !running.isEmpty(), "stopped with trials done and running: " + state);
        if (signal.equals("TERM")) {
            String err = Files.readString(errLog);
            assertEquals(143, p.exitValue(), "128 + SIGTERM's number; stderr: " + err);
            String[] lines = err.strip().split("\n");
            assertEquals(1, lines.length, "one line on stderr: " + err);
            assertTrue(lines[0].startsWith("interrupted by SIGTERM with " + finished.size() + " trial(s) finished and "
                    + running.size() + " stopped at their last checkpoint; continue with: spindle sweep " + file
                    + " --output " + dir + " --resume"), lines[0]);
            String all = err + Files.readString(log);
            assertFalse(all.contains("Exception") || all.contains("\tat "), "no stack trace: " + all);
            assertEquals(state.get("trials").size(), finished.size() + running.size(),
                    "no trial started after the signal: " + state);
            CliTest.Run rows = CliTest.cli("sql", dir.toString(), "SELECT trial_id, status FROM trials WHERE status = '"
                    + "INTERRUPTED" + "' ORDER BY trial_id", "--format", "csv");
            assertEquals(new java.util.TreeSet<>(running.keySet()), new java.util.TreeSet<>(rows.out().strip().lines()
                    .skip(1).map(l -> l.split(",")[0]).toList()), "the stopped trials' rows say INTERRUPTED");
        }
        assertTrue(running.values().stream().anyMatch(e -> e > 0), "a running trial had a checkpoint: " + running);

        CliTest.Run resumed = CliTest.cli("sweep", file.toString(), "--output", dir.toString(), "--resume");
        assertEquals(0, resumed.code(), resumed.err() + resumed.out());
        for (String id : finished) {
            assertFalse(resumed.out().contains(id + " starts") || resumed.out().contains(id + " resumes"),
                    id + " finished before the kill and must not run again:\n" + resumed.out());
        }
        running.forEach((id, epochs) -> assertTrue(resumed.out().contains(id + " resumes " + (epochs > 0
                ? "from its checkpoint after epoch " + epochs : "from its first epoch")), id + " after epoch " + epochs
                + ":\n" + resumed.out()));

        // the strategy's state was restored: the sweep holds exactly the trials an uninterrupted one proposes
        Limited fresh = SweepParser.parse(file, List.of()).newStrategy();
        Map<String, JsonNode> expected = new TreeMap<>();
        for (int i = 0; i < TRIALS; i++) {
            Proposal pr = fresh.ask().orElseThrow();
            expected.put(pr.trialId(), pr.config().toJson());
            fresh.tell(pr.trialId(), io.spindle.driver.sweep.Outcome.completed(0.5));
        }
        Map<String, JsonNode> actual = new TreeMap<>();
        JsonNode end = new ObjectMapper().readTree(dir.resolve(SweepJob.STATE).toFile());
        end.get("trials").forEach(t -> actual.put(t.get("id").asText(), t.get("config")));
        assertEquals(expected, actual);
        end.get("trials").forEach(t -> assertFalse(t.get("status").asText().equals("RUNNING"), t.toString()));

        CliTest.Run rows = CliTest.cli("sql", dir.toString(), "SELECT (SELECT count(*) FROM trials) AS trials,"
                + " (SELECT count(DISTINCT trial_id) FROM trials) AS ids,"
                + " (SELECT sum(epochs_run) FROM trials) AS epochs_run,"
                + " count(*) AS epoch_rows, count(DISTINCT trial_id, epoch) AS distinct_epochs FROM epochs",
                "--format", "csv");
        assertEquals(0, rows.code(), rows.err());
        String[] v = rows.out().strip().split("\n")[1].split(",");
        assertEquals(String.valueOf(TRIALS), v[0], "one row per trial: " + rows.out());
        assertEquals(String.valueOf(TRIALS), v[1]);
        CliTest.Run perTrial = CliTest.cli("sql", dir.toString(), "SELECT t.trial_id, t.status, t.epochs_run,"
                + " (SELECT count(*) FROM epochs e WHERE e.trial_id = t.trial_id) AS epoch_rows FROM trials t"
                + " ORDER BY t.trial_id", "--format", "csv");
        assertEquals(v[2], v[3], () -> "one epochs row per epoch run: " + rows.out() + "\n" + perTrial.out()
                + "\nresumed:\n" + resumed.out() + "\nstopped:\n" + log(log));
        assertEquals(v[3], v[4], "no epoch twice: " + rows.out());
        assertTrue(Files.exists(dir.resolve("best/model.zip")));
        assertTrue(Files.exists(dir.resolve("summary.json")));

        // every trial ends exactly as in a sweep that was never stopped
        String perTrialQuery = "SELECT trial_id, status, epochs_run, best_epoch, best_val FROM trials ORDER BY trial_id";
        CliTest.Run mine = CliTest.cli("sql", dir.toString(), perTrialQuery, "--format", "csv");
        CliTest.Run theirs = CliTest.cli("sql", whole(file).toString(), perTrialQuery, "--format", "csv");
        assertEquals(theirs.out(), mine.out(), "per-trial outcome of the stopped and resumed sweep vs an uninterrupted one");

        CliTest.Run again = CliTest.cli("sweep", file.toString(), "--output", dir.toString(), "--resume");
        assertEquals(0, again.code(), again.err());
        assertTrue(again.out().contains("has already finished; nothing to resume"), again.out());
    }

    private static String log(Path log) {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return e.toString();
        }
    }

    /** Waits until the sweep has two finished trials and a running one with a checkpoint. */
    private static void waitForFinishedAndRunning(Path dir, Process p, Path log) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(4));
        ObjectMapper json = new ObjectMapper();
        while (Instant.now().isBefore(deadline)) {
            if (!p.isAlive()) {
                throw new AssertionError("the sweep process ended early; its output: "
                        + Files.readString(log));
            }
            Path f = dir.resolve(SweepJob.STATE);
            if (Files.exists(f)) {
                try {
                    JsonNode state = json.readTree(f.toFile());
                    int done = 0;
                    boolean checkpointed = false;
                    for (JsonNode t : state.get("trials")) {
                        if (!t.get("status").asText().equals("RUNNING")) {
                            done++;
                        } else if (Files.exists(dir.resolve(SweepJob.TRIALS).resolve(t.get("id").asText())
                                .resolve(TrainJob.CHECKPOINT))) {
                            checkpointed = true;
                        }
                    }
                    if (done >= 2 && checkpointed) {
                        return;
                    }
                } catch (IOException | NullPointerException e) {
                    // replaced while we read it: look again
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no two finished trials and a checkpointed running one within 4 minutes");
    }

    @Test
    void foldersThatCannotBeResumedAreRefusedAndLeftAsTheyAre() throws Exception {
        Path file = sweepFile("small");
        Path dir = tmp.resolve("small");
        CliTest.Run r = CliTest.cli("sweep", file.toString(), "--output", dir.toString(), "--set", "sweep.trials=2",
                "--set", "training.epochs=2");
        assertEquals(0, r.code(), r.err() + r.out());
        Files.delete(dir.resolve("summary.json")); // as if killed at the very end
        Map<String, byte[]> before = ResumeTest.snapshot(dir);

        ResumeTest.assertRefused(CliTest.cli("sweep", file.toString(), "--output", dir.toString(), "--set", "sweep.trials=3",
                "--set", "training.epochs=2", "--resume"), "different sweep spec", "sweep.trials is 2 there and 3 here");
        ResumeTest.assertRefused(CliTest.cli("sweep", file.toString(), "--output", dir.toString(), "--set", "sweep.trials=2",
                "--set", "training.epochs=3", "--resume"), "different sweep spec", "training.epochs");
        ResumeTest.assertRefused(CliTest.cli("sweep", file.toString(), "--output", dir.toString(), "--set", "sweep.trials=2",
                "--set", "training.epochs=2", "--resume", "--overwrite"), "pass one of them");
        ResumeTest.assertRefused(CliTest.cli("sweep", file.toString(), "--output", dir.toString(), "--set", "sweep.trials=2",
                "--set", "training.epochs=2"), "already exists");
        ResumeTest.assertEqualsSnapshot(before, ResumeTest.snapshot(dir));

        Path run = tmp.resolve("a-train-run");
        assertEquals(0, CliTest.cli("train", ROOT.resolve("conf/jobs/iris.yaml").toString(), "--output", run.toString(),
                "--set", "data.path=" + ROOT.resolve("conf/datasets/iris.csv"), "--set", "training.epochs=1").code());
        ResumeTest.assertRefused(CliTest.cli("sweep", file.toString(), "--output", run.toString(), "--resume"),
                "holds no sweep.json");
        ResumeTest.assertRefused(CliTest.cli("sweep", file.toString(), "--output", tmp.resolve("nowhere").toString(), "--resume"),
                "nowhere");
    }

    @Test
    void badSweepFilesAreOneLineAndWriteNothing() throws Exception {
        String job = Files.readString(sweepFile("base")).replaceAll("(?s)sweep:.*", "");
        Map<String, String> bad = new LinkedHashMap<>();
        bad.put("sweep: {space: {}}", "space");
        bad.put("sweep: {space: {training.lrr: {uniform: [0.001, 0.01]}}}", "sweep.space key 'training.lrr'");
        bad.put("sweep: {space: {training.lr: {uniform: [0.1, 0.01]}}}", "training.lr");
        bad.put("sweep: {space: {training.lr: {loguniform: [0, 0.01]}}}", "training.lr");
        bad.put("sweep: {space: {'model.layers[0].units': {choice: []}}}", "model.layers[0].units");
        bad.put("sweep: {parallel_trials: 0, space: {training.lr: {uniform: [0.001, 0.01]}}}",
                "sweep.parallel_trials must be an integer >= 1, got 0");
        bad.put("sweep: {metric: rmse, space: {training.lr: {uniform: [0.001, 0.01]}}}", "sweep.metric 'rmse'");
        int i = 0;
        for (Map.Entry<String, String> e : bad.entrySet()) {
            Path f = tmp.resolve("bad" + i++ + ".yaml");
            Files.writeString(f, job + e.getKey() + "\n");
            Path out = tmp.resolve("bad-out" + i);
            ResumeTest.assertRefused(CliTest.cli("sweep", f.toString(), "--output", out.toString()), e.getValue());
            assertFalse(Files.exists(out), "nothing written for " + e.getKey());
        }
    }
}
