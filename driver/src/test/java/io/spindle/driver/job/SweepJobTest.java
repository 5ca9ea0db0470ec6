package io.spindle.driver.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.spindle.driver.SharedSpark;
import io.spindle.driver.results.DeltaResultStore;
import io.spindle.driver.sweep.SweepParser;
import io.spindle.driver.sweep.SweepSpec;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The sweep runner on local[2]: concurrent trials in FAIR pools, pruning, failures, the best model tested once. */
@ExtendWith(SharedSpark.class)
class SweepJobTest {

    @TempDir
    Path tmp;

    static Path digits() {
        Path p = Path.of("").toAbsolutePath();
        while (!Files.exists(p.resolve("conf/datasets/digits.csv"))) {
            p = p.getParent();
        }
        return p.resolve("conf/datasets/digits.csv");
    }

    SweepSpec sweep(String extraJob, String sweepSection) throws Exception {
        Path f = tmp.resolve("sweep.yaml");
        Files.writeString(f, io.spindle.driver.DigitsSpec.yaml("sweep-digits", digits().toString(), 32,
                "epochs: 8\n" + extraJob.strip(), "sweep:\n" + sweepSection.indent(2)));
        return SweepParser.parse(f, List.of());
    }

    record Ran(ObjectNode summary, String out) { }

    static Ran run(SparkSession spark, SweepSpec s, Path dir) {
        StringWriter w = new StringWriter();
        ObjectNode summary = SweepJob.run(spark, s, dir.toString(), new SweepJob.Options(false, false, Duration.ZERO),
                new PrintWriter(w, true));
        return new Ran(summary, w.toString());
    }

    /** Records the largest number of Spark jobs running at once from different scheduler pools. */
    static final class Overlap extends SparkListener {
        private final Map<Integer, String> running = new HashMap<>();
        final java.util.Set<String> pools = new HashSet<>();
        int most;

        @Override
        public synchronized void onJobStart(SparkListenerJobStart job) {
            String pool = job.properties() == null ? null : job.properties().getProperty("spark.scheduler.pool");
            if (pool != null && pool.startsWith("spindle-trial-")) {
                pools.add(pool);
                running.put(job.jobId(), pool);
                most = Math.max(most, new HashSet<>(running.values()).size());
            }
        }

        @Override
        public synchronized void onJobEnd(SparkListenerJobEnd job) {
            running.remove(job.jobId());
        }
    }

    @Test
    void trialsRunSideBySideArePrunedAndOnlyTheBestIsTested(SparkSession spark) throws Exception {
        SweepSpec s = sweep("", """
                strategy: random
                trials: 6
                parallel_trials: 2
                seed: 3
                metric: accuracy
                space:
                  training.lr: {loguniform: [1.0e-5, 1.0e-2]}
                  model.layers[0].units: {choice: [16, 32, 64]}
                scheduler: {type: asha, min_epochs: 2, reduction_factor: 2}
                """);
        Path dir = tmp.resolve("out");
        Overlap overlap = new Overlap();
        spark.sparkContext().addSparkListener(overlap);
        Ran r;
        try {
            r = run(spark, s, dir);
        } finally {
            spark.sparkContext().removeSparkListener(overlap);
        }
        assertEquals("COMPLETED", r.summary().get("status").asText(), r.out());
        // how much they overlapped depends on thread scheduling (the sweep bench measures it); that
        // each trial had its own FAIR pool and never more than parallel_trials ran does not
        assertTrue(overlap.most >= 1 && overlap.most <= 2, "at most parallel_trials pools at once: " + overlap.most);
        assertEquals(2, overlap.pools.size(), "each of the parallel_trials threads submits from its own FAIR pool: "
                + overlap.pools);

        DeltaResultStore store = new DeltaResultStore(spark, dir.toString());
        List<Map<String, Object>> trials = store.trials();
        assertEquals(6, trials.size(), "one row per trial");
        assertEquals(6, trials.stream().map(t -> t.get("trial_id")).distinct().count());
        assertTrue(trials.stream().anyMatch(t -> t.get("status").equals("PRUNED")), "ASHA pruned some trial: " + r.out());
        for (Map<String, Object> t : trials) {
            long rows = store.epochs().stream().filter(e -> e.get("trial_id").equals(t.get("trial_id"))).count();
            assertEquals(((Number) t.get("epochs_run")).longValue(), rows, "one epochs row per epoch run of " + t);
            if (t.get("status").equals("PRUNED")) {
                assertTrue(((Number) t.get("epochs_run")).intValue() < 8, t.toString());
            }
        }

        // the test split is touched once: by the best trial, chosen on validation
        List<Map<String, Object>> tested = trials.stream().filter(t -> t.get("test_accuracy") != null).toList();
        assertEquals(1, tested.size(), "only the chosen trial has test metrics");
        Map<String, Object> chosen = tested.get(0);
        double bestVal = trials.stream().mapToDouble(t -> ((Number) t.get("best_val")).doubleValue()).max().orElseThrow();
        assertEquals(bestVal, ((Number) chosen.get("best_val")).doubleValue(), 0.0, "the best by val_accuracy");
        JsonNode best = new ObjectMapper().readTree(dir.resolve("best/summary.json").toFile());
        assertEquals(chosen.get("trial_id"), best.get("trial_id").asText());
        assertEquals(((Number) chosen.get("test_accuracy")).doubleValue(), best.at("/test/accuracy").asDouble(), 1e-12);
        assertEquals(chosen.get("trial_id"), r.summary().at("/best/trial_id").asText());
        assertTrue(best.at("/test/accuracy").asDouble() > 0.8, best.toString());
        assertTrue(Files.size(dir.resolve("best/model.zip")) > 1000);
        // the sweep folder is a model: its best/model.zip, carrying the chosen trial's pipeline and provenance
        io.spindle.driver.predict.SpindleModel model = io.spindle.driver.predict.ModelFile.load(dir);
        assertTrue(model.path().endsWith("best/model.zip"), model.path());
        assertEquals(chosen.get("trial_id"), model.provenance().path("trial_id").asText());
        assertEquals(new ObjectMapper().readTree(dir.resolve("best/spec.json").toFile()), model.spec());
        assertTrue(r.out().contains("best: " + chosen.get("trial_id")), r.out());
    }

    @Test
    void ashaPromotionPausesTrialsAtTheRungAndContinuesThePromotedOnesExactlyAsIfNeverPaused(SparkSession spark)
            throws Exception {
        String space = """
                strategy: random
                trials: 6
                parallel_trials: 2
                seed: 5
                metric: accuracy
                space:
                  training.lr: {loguniform: [1.0e-4, 1.0e-2]}
                  model.layers[0].units: {choice: [16, 32, 64]}
                """;
        // one rung, at epoch 1; the end at 3: of the 6 trials, those in the best third of the rung when
        // they reach it or later go on. One trial at a time: the trials reach the rung in a fixed order,
        // so which pause and which are promoted, and when, is the same in every run
        SweepSpec promotion = sweep("", space.replace("parallel_trials: 2", "parallel_trials: 1")
                + "scheduler: {type: asha, min_epochs: 1, max_epochs: 3, reduction_factor: 3, promotion: true}\n");
        Ran promoted = run(spark, promotion, tmp.resolve("promotion"));
        // the same trials (same seed), every one trained 3 epochs: no rung below max_epochs
        Ran all = run(spark, sweep("", space + "scheduler: {type: asha, min_epochs: 3, max_epochs: 3}\n"),
                tmp.resolve("all"));
        assertEquals("COMPLETED", promoted.summary().get("status").asText(), promoted.out());
        assertEquals(18, all.summary().get("epochs_trained").asInt(), all.out());

        DeltaResultStore store = new DeltaResultStore(spark, tmp.resolve("promotion").toString());
        List<Map<String, Object>> trials = store.trials();
        assertEquals(6, trials.size(), promoted.out());
        List<String> full = trials.stream().filter(t -> ((Number) t.get("epochs_run")).intValue() == 3)
                .map(t -> (String) t.get("trial_id")).sorted().toList();
        List<String> paused = trials.stream().filter(t -> ((Number) t.get("epochs_run")).intValue() == 1)
                .map(t -> (String) t.get("trial_id")).toList();
        assertEquals(6, full.size() + paused.size(), "every trial ends at the rung or at max_epochs: " + trials);
        // floor(6 / 3) = 2 are in the best third once all have reached the rung; in this order of arrival
        // no more went on before later arrivals could outrank them
        assertTrue(full.size() >= 2 && full.size() <= 3, "promoted: " + full + "\n" + promoted.out());
        trials.stream().filter(t -> paused.contains(t.get("trial_id")))
                .forEach(t -> assertEquals("PRUNED", t.get("status"), t.toString()));
        assertEquals(6 + 2 * full.size(), promoted.summary().get("epochs_trained").asInt());
        // in this order of arrival every trial that went on was paused first: none was in the best third on arrival
        long promotions = promoted.out().lines().filter(l -> l.contains(" promoted: goes on from epoch 1")).count();
        assertEquals(full.size(), promotions, promoted.out());
        assertEquals(6, promoted.out().lines().filter(l -> l.contains(" paused after 1 epoch: ")).count(), promoted.out());

        // the rung's order: each promoted trial's value at epoch 1 is at least that of every paused one
        Map<String, Double> atRung = store.epochs().stream().filter(e -> ((Number) e.get("epoch")).intValue() == 1)
                .collect(Collectors.toMap(e -> (String) e.get("trial_id"), e -> ((Number) e.get("val_accuracy")).doubleValue()));
        double worstPromoted = full.stream().mapToDouble(atRung::get).min().orElseThrow();
        long pausedAbove = paused.stream().filter(id -> atRung.get(id) > worstPromoted).count();
        assertTrue(pausedAbove <= full.size() - 2, "paused trials better at the rung than a promoted one: " + atRung);

        // a promoted trial resumed from its checkpoint at the rung: its epochs equal the unpaused run's
        DeltaResultStore unpaused = new DeltaResultStore(spark, tmp.resolve("all").toString());
        for (String id : full) {
            for (String column : List.of("val_loss", "val_accuracy", "train_loss")) {
                assertEquals(values(unpaused, id, column), values(store, id, column), id + " " + column);
            }
        }

        // stopped by a signal as the first promoted trial is about to go on (its checkpoint still the
        // paused one), then resumed: the sweep ends as the uninterrupted one did
        Path dir = tmp.resolve("signalled");
        StringWriter first = new StringWriter() {
            @Override
            public void write(String str, int off, int len) {
                super.write(str, off, len);
                if (toString().contains(" promoted: goes on from epoch 1")) {
                    io.spindle.driver.job.Shutdown.request("TERM");
                }
            }
        };
        ObjectNode stopped;
        try {
            stopped = SweepJob.run(spark, promotion, dir.toString(), new SweepJob.Options(false, false, Duration.ZERO),
                    new PrintWriter(first, true));
        } finally {
            io.spindle.driver.job.Shutdown.clear();
        }
        assertEquals("INTERRUPTED", stopped.get("status").asText(), first.toString());
        StringWriter second = new StringWriter();
        ObjectNode resumed = SweepJob.run(spark, promotion, dir.toString(), new SweepJob.Options(false, true, Duration.ZERO),
                new PrintWriter(second, true));
        assertEquals("COMPLETED", resumed.get("status").asText(), second.toString());
        assertTrue(second.toString().contains(" resumes from its checkpoint after epoch 1"), second.toString());
        assertEquals(promoted.summary().get("epochs_trained"), resumed.get("epochs_trained"), second.toString());
        assertEquals(promoted.summary().at("/best/trial_id"), resumed.at("/best/trial_id"));
        DeltaResultStore after = new DeltaResultStore(spark, dir.toString());
        for (Map<String, Object> t : trials) {
            Map<String, Object> r = after.trials().stream().filter(x -> x.get("trial_id").equals(t.get("trial_id")))
                    .findFirst().orElseThrow();
            for (String column : List.of("status", "epochs_run", "best_epoch", "best_val")) {
                assertEquals(t.get(column), r.get(column), t.get("trial_id") + " " + column + "\n" + second);
            }
            assertEquals(values(store, (String) t.get("trial_id"), "val_loss"),
                    values(after, (String) t.get("trial_id"), "val_loss"), "one epochs row per epoch, as uninterrupted");
        }
    }

    private static List<Double> values(DeltaResultStore store, String trialId, String column) {
        return store.epochs().stream().filter(e -> e.get("trial_id").equals(trialId))
                .sorted(java.util.Comparator.comparingInt(e -> ((Number) e.get("epoch")).intValue()))
                .map(e -> ((Number) e.get(column)).doubleValue()).toList();
    }

    @Test
    void failingAndDivergingTrialsDoNotStopTheSweep(SparkSession spark) throws Exception {
        Path missing = tmp.resolve("missing.csv");
        SweepSpec s = sweep("optimizer: sgd", """
                strategy: grid
                parallel_trials: 2
                metric: accuracy
                space:
                  training.lr: {choice: [0.05, 1.0e+12]}
                  data.path: {choice: ["%s", "%s"]}
                """.formatted(digits(), missing));
        Path dir = tmp.resolve("bad");
        Ran r = run(spark, s, dir);
        List<Map<String, Object>> trials = new DeltaResultStore(spark, dir.toString()).trials();
        Map<String, Long> statuses = trials.stream().collect(Collectors.groupingBy(t -> (String) t.get("status"),
                Collectors.counting()));
        assertEquals(Map.of("COMPLETED", 1L, "DIVERGED", 1L, "FAILED", 2L), statuses, r.out());
        Set<String> diagnoses = trials.stream().filter(t -> !t.get("status").equals("COMPLETED"))
                .map(t -> (String) t.get("diagnosis")).collect(Collectors.toSet());
        assertTrue(diagnoses.stream().anyMatch(d -> d.contains("divide it by 10")), diagnoses.toString());
        assertTrue(diagnoses.stream().anyMatch(d -> d.contains("missing.csv")), diagnoses.toString());
        assertEquals("COMPLETED", r.summary().get("status").asText());
        assertEquals(0.05, r.summary().at("/best/config/training.lr").asDouble(), 0.0, r.summary().toString());
    }

    @Test
    void aSweepWhoseEveryTrialFailsEndsFailedWithAClearMessage(SparkSession spark) throws Exception {
        SweepSpec s = sweep("optimizer: sgd", """
                strategy: grid
                metric: accuracy
                space:
                  training.lr: {choice: [1.0e+12, 1.0e+13]}
                """);
        Path dir = tmp.resolve("none");
        Ran r = run(spark, s, dir);
        assertEquals("FAILED", r.summary().get("status").asText());
        assertTrue(r.out().contains("no trial finished with a finite val_accuracy"), r.out());
        assertFalse(Files.exists(dir.resolve("best")), "no best model without a finished trial");
        assertNull(r.summary().get("best"));
        assertNotNull(r.summary().get("diagnosis"));
    }

    @Test
    void aSpentTimeBudgetStopsTheRunningTrialAfterItsNextEpochAndStartsNoOther(SparkSession spark) throws Exception {
        // a budget spent before the first trial's first epoch ends: the first trial still runs (a sweep always
        // gives a result), stops after that epoch keeping it, and no other trial starts
        SweepSpec s = sweep("", """
                strategy: grid
                parallel_trials: 1
                time_budget: 0.001
                space:
                  training.lr: {choice: [0.001, 0.003, 0.01]}
                """);
        Path dir = tmp.resolve("budget");
        Ran r = run(spark, s, dir);
        List<Map<String, Object>> trials = new DeltaResultStore(spark, dir.toString()).trials();
        assertEquals(1, trials.size(), r.out());
        Map<String, Object> t = trials.get(0);
        assertEquals("EARLY_STOPPED", t.get("status"), t.toString());
        assertEquals(1L, ((Number) t.get("epochs_run")).longValue(), t.toString());
        assertTrue(((String) t.get("diagnosis")).contains("the sweep's time budget of 0.001 s was spent"), t.toString());
        assertTrue(r.out().contains("time budget of 0.001 s spent: no new trials"), r.out());
        assertEquals("COMPLETED", r.summary().get("status").asText(), r.out());
        assertEquals(t.get("trial_id"), r.summary().at("/best/trial_id").asText(), "the stopped trial's kept epoch is a result");
    }

    @Test
    void workersPerTrialTrainsEachTrialDataParallel(SparkSession spark) throws Exception {
        SweepSpec s = sweep("", """
                strategy: grid
                parallel_trials: 1
                workers_per_trial: 2
                space:
                  training.lr: {choice: [0.001, 0.003]}
                """);
        Path dir = tmp.resolve("dp");
        Ran r = run(spark, s, dir);
        assertTrue(r.out().contains("1 at once, 2 workers each"), r.out());
        List<Map<String, Object>> trials = new DeltaResultStore(spark, dir.toString()).trials();
        assertEquals(2, trials.size());
        trials.forEach(t -> assertEquals(2L, ((Number) t.get("cluster_workers")).longValue(), t.toString()));
        JsonNode best = new ObjectMapper().readTree(dir.resolve("best/summary.json").toFile());
        assertEquals(2, best.get("workers").asInt(), "the best trial trained on two workers");
    }
}
