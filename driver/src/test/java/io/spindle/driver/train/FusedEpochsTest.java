package io.spindle.driver.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spindle.driver.SharedSpark;
import io.spindle.driver.data.PreparedData;
import io.spindle.driver.model.ModelBuilder;
import io.spindle.driver.spec.JobSpec;
import io.spindle.driver.spec.SpecException;
import io.spindle.driver.train.TrainerControlTest.Capture;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A one-worker run trains the epochs up to its next checkpoint in one task and evaluates them
 * there: the same run as a round and an evaluation job per epoch, in fewer Spark jobs; checkpoints
 * come as {@code cluster.checkpoint_every_epochs} says, and resuming from one ends like the
 * uninterrupted run.
 */
@ExtendWith(SharedSpark.class)
class FusedEpochsTest {

    static final int EPOCHS = 8;

    /** One worker, one round per epoch (19 minibatches of 8 rows), dropout. */
    static JobSpec spec(Map<String, Object> overrides) {
        Map<String, Object> all = new HashMap<>(Map.of("cluster.workers", 1, "cluster.averaging_period", 1000,
                "training.epochs", EPOCHS));
        all.putAll(overrides);
        return TrainerControlTest.spec(all);
    }

    /** A run, and the Spark jobs it started. */
    record Run(TrainResult result, Capture capture, int jobs) { }

    static Run train(SparkSession spark, JobSpec spec, boolean fused, Optional<Checkpoint> from) {
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        PreparedData data = TrainerControlTest.data(sc);
        MultiLayerConfiguration conf = ModelBuilder.build(spec, data.layout(), null);
        AtomicInteger jobs = new AtomicInteger();
        SparkListener count = new SparkListener() {
            @Override
            public void onJobStart(SparkListenerJobStart start) {
                jobs.incrementAndGet();
            }
        };
        Capture c = new Capture();
        spark.sparkContext().addSparkListener(count);
        try {
            TrainResult r = new Trainer(sc, Clock.systemUTC()).withFusedEpochs(fused).train(spec, data, conf, c, from);
            try {
                spark.sparkContext().listenerBus().waitUntilEmpty();
            } catch (java.util.concurrent.TimeoutException e) {
                throw new IllegalStateException("Spark's listener bus did not drain", e);
            }
            return new Run(r, c, jobs.get());
        } finally {
            spark.sparkContext().removeSparkListener(count);
        }
    }

    /** Everything an epoch's record holds but its timings. */
    static List<Object> withoutTimings(List<EpochRecord> records) {
        return records.stream().map(e -> List.of(e.epoch(), e.trainLoss(), e.valLoss(), e.validation(), e.learningRate(),
                e.rounds(), e.partial(), e.train())).map(Object.class::cast).toList();
    }

    static void assertSameRun(TrainResult expected, TrainResult actual, String what) {
        assertEquals(withoutTimings(expected.epochs()), withoutTimings(actual.epochs()), what + ": every epoch's record");
        assertArrayEquals(expected.params(), actual.params(), 0f, what + ": kept parameters");
        assertEquals(expected.status(), actual.status(), what);
        assertEquals(expected.bestEpoch(), actual.bestEpoch(), what);
        assertEquals(expected.epochsRun(), actual.epochsRun(), what);
        assertEquals(expected.test().values(), actual.test().values(), what + ": test metrics");
    }

    static Stream<Arguments> variants() {
        return Stream.of(
                Arguments.of(Map.of(), true),
                // rates that change every epoch, and warmup
                Arguments.of(Map.of("training.schedule", Map.of("type", "cosine", "warmup_epochs", 2)), true),
                // a rate the evaluations change, and early stopping: tasks end where either may decide
                Arguments.of(Map.of("training.schedule", Map.of("type", "reduce_on_plateau", "patience", 2,
                                "monitor", "val_loss", "factor", 0.5, "cooldown", 1),
                        "training.early_stopping", Map.of("patience", 3, "monitor", "val_accuracy")), false),
                // the latest parameters kept rather than the best
                Arguments.of(Map.of("training.early_stopping", Map.of("patience", 2, "restore_best", false)), false),
                Arguments.of(Map.of("training.optimizer", "sgd", "training.lr", 0.05), true));
    }

    /**
     * @param fewerTasks whether no callback keeps the tasks to one epoch each (early stopping and
     *     reduce-on-plateau may, with short patience)
     */
    @ParameterizedTest
    @MethodSource("variants")
    void epochsInOneTaskGiveTheSameRunInFewerJobs(Map<String, Object> overrides, boolean fewerTasks, SparkSession spark) {
        Run reference = train(spark, spec(overrides), false, Optional.empty());
        Run eachEpoch = train(spark, spec(overrides), true, Optional.empty());
        Map<String, Object> every3 = new HashMap<>(overrides);
        every3.put("cluster.checkpoint_every_epochs", 3);
        Run fused = train(spark, spec(every3), true, Optional.empty());
        assertSameRun(reference.result(), eachEpoch.result(), "evaluated in the task, a checkpoint every epoch");
        assertSameRun(reference.result(), fused.result(), "three epochs a task");
        int epochs = reference.result().epochsRun();
        assertEquals(epochs, reference.capture().checkpoints.size(), "one checkpoint per epoch");
        assertEquals(epochs, eachEpoch.capture().checkpoints.size(), "one checkpoint per epoch");
        // every third epoch, and the last
        List<Integer> at = fused.capture().checkpoints.stream().map(Checkpoint::epochsDone).toList();
        assertEquals(Stream.concat(Stream.iterate(3, e -> e < epochs, e -> e + 3), Stream.of(epochs)).toList(), at);
        assertTrue(eachEpoch.jobs() < reference.jobs(), "no evaluation job after the first epoch: " + eachEpoch.jobs()
                + " jobs against " + reference.jobs());
        assertTrue(fewerTasks ? fused.jobs() < eachEpoch.jobs() : fused.jobs() <= eachEpoch.jobs(),
                "fewer training jobs: " + fused.jobs() + " against " + eachEpoch.jobs());
        assertEquals(withoutTimings(reference.capture().records), withoutTimings(fused.capture().records),
                "every epoch reported, in order");
    }

    @Test
    void resumingFromAFusedRunsCheckpointEndsLikeTheUninterruptedRun(SparkSession spark) {
        JobSpec spec = spec(Map.of("cluster.checkpoint_every_epochs", 3,
                "training.schedule", Map.of("type", "step", "step_size", 2, "gamma", 0.5)));
        Run whole = train(spark, spec, true, Optional.empty());
        Checkpoint after3 = whole.capture().checkpoints.get(0);
        assertEquals(3, after3.epochsDone());
        Run rest = train(spark, spec, true, Optional.of(after3));
        assertSameRun(whole.result(), rest.result(), "resumed after epoch 3");
        assertEquals(List.of(6, EPOCHS), rest.capture().checkpoints.stream().map(Checkpoint::epochsDone).toList());
        Run unfused = train(spark, spec, false, Optional.of(after3));
        assertSameRun(whole.result(), unfused.result(), "resumed after epoch 3 one epoch a task");
    }

    @Test
    void checkpointsComeAsTheCadenceSaysWithTwoWorkersToo(SparkSession spark) {
        Run r = train(spark, TrainerControlTest.spec(Map.of("training.epochs", 5, "cluster.checkpoint_every_epochs", 2)),
                true, Optional.empty());
        assertEquals(2, r.result().workers());
        assertEquals(List.of(2, 4, 5), r.capture().checkpoints.stream().map(Checkpoint::epochsDone).toList());
    }

    @Test
    void noCheckpointCadenceAtAllIsRefused() {
        SpecException e = assertThrows(SpecException.class, () -> TrainerControlTest.spec(Map.of(
                "cluster.checkpoint_every_epochs", 0, "cluster.checkpoint_every_seconds", 0)));
        assertTrue(e.getMessage().contains("cluster.checkpoint_every_epochs and cluster.checkpoint_every_seconds are both 0"),
                e.getMessage());
    }

    @Test
    void callbacksSayHowFarAheadTheySurelyContinue() {
        JobSpec.EarlyStopping es = spec(Map.of("training.early_stopping", Map.of("patience", 4))).training().earlyStopping();
        assertEquals(4, TrialCallback.earlyStopping(es).horizon(7, 0));
        assertEquals(1, TrialCallback.earlyStopping(es).horizon(7, 3), "the next evaluation may stop");
        JobSpec.EarlyStopping off = spec(Map.of("training.early_stopping", Map.of("enabled", false))).training()
                .earlyStopping();
        assertEquals(Integer.MAX_VALUE, TrialCallback.earlyStopping(off).horizon(7, 100));
        assertEquals(Integer.MAX_VALUE, TrialCallback.divergence().horizon(0, 0));
        assertEquals(1, TrialCallback.pruner(r -> false).horizon(0, 0), "an unknown pruner may stop any epoch");
        assertEquals(1, ((TrialCallback) e -> Decision.CONTINUE).horizon(0, 0), "so may any callback by default");
        io.spindle.driver.sweep.Asha asha = new io.spindle.driver.sweep.Asha(io.spindle.driver.sweep.Mode.MAX, 1, 9, 3);
        assertEquals(List.of(1, 2, 1, 6, 1), Stream.of(0, 1, 2, 3, 8).map(asha::horizon).toList(),
                "rungs at 1 and 3 epochs, the end at 9");
        io.spindle.driver.sweep.MedianStopping median = new io.spindle.driver.sweep.MedianStopping(
                io.spindle.driver.sweep.Mode.MAX, 3, 2);
        assertEquals(List.of(4, 1, 1), Stream.of(0, 3, 5).map(median::horizon).toList(), "after the grace of 3 epochs");
        JobSpec.Schedule.ReduceOnPlateau rop = (JobSpec.Schedule.ReduceOnPlateau) spec(Map.of("training.schedule",
                Map.of("type", "reduce_on_plateau", "patience", 3, "cooldown", 2))).training().schedule();
        assertEquals(2, new ReduceOnPlateau(rop, new LrSchedule.Plateau(0.1, 0.5, 1, 0)).horizon(0, 0));
        assertEquals(5, new ReduceOnPlateau(rop, new LrSchedule.Plateau(0.1, 0.5, 0, 2)).horizon(0, 0));
    }

    @Test
    void theCadenceCountsEpochsAndSeconds() {
        Trainer.Cadence byEpochs = new Trainer.Cadence(3, 0, 2, 0);
        assertEquals(3, byEpochs.epochsLeft(2));
        assertTrue(!byEpochs.due(4, 1_000_000) && byEpochs.due(5, 0));
        assertEquals(0, byEpochs.nanosLeft(0), "no limit by time");
        Trainer.Cadence bySeconds = new Trainer.Cadence(0, 2.5, 0, 1000);
        assertEquals(Integer.MAX_VALUE, bySeconds.epochsLeft(7));
        assertTrue(!bySeconds.due(100, 3499) && bySeconds.due(1, 3500));
        assertEquals(1_000_000_000L, bySeconds.nanosLeft(2500));
        bySeconds.saved(1, 3500);
        assertTrue(!bySeconds.due(2, 5999));
    }
}
