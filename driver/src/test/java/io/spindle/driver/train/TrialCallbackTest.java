package io.spindle.driver.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spindle.driver.SharedSpark;
import io.spindle.driver.spec.JobSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Decisions after each evaluation come from callbacks; listeners only observe. */
@ExtendWith(SharedSpark.class)
class TrialCallbackTest {

    static EpochRecord record(int epoch, boolean partial) {
        return new EpochRecord(epoch, 1.0, 1.0, Map.of("accuracy", 0.5), 0.001, 100, 1, 1, partial);
    }

    static TrialCallback.Evaluation at(int epoch, int epochs, int sinceBest, boolean partial) {
        return new TrialCallback.Evaluation(record(epoch, partial), epochs, sinceBest, List.of(record(epoch, partial)));
    }

    @Test
    void earlyStoppingStopsAfterPatienceEvaluationsWithoutImprovement() {
        JobSpec.EarlyStopping es = new JobSpec.EarlyStopping(true, "val_loss", false, 3, 0, true);
        TrialCallback c = TrialCallback.earlyStopping(es);
        assertEquals(Decision.CONTINUE, c.afterEvaluation(at(5, 10, 2, false)));
        assertEquals(Decision.stop(Status.EARLY_STOPPED, ""), c.afterEvaluation(at(5, 10, 3, false)));
        TrialCallback off = TrialCallback.earlyStopping(new JobSpec.EarlyStopping(false, "val_loss", false, 3, 0, true));
        assertEquals(Decision.CONTINUE, off.afterEvaluation(at(5, 10, 50, false)));
    }

    @Test
    void aPrunerHearsEveryWholeEpochButNeverPrunesTheLastOne() {
        List<Integer> heard = new ArrayList<>();
        TrialCallback p = TrialCallback.pruner(e -> heard.add(e.epoch()));
        assertEquals(Decision.CONTINUE, p.afterEvaluation(at(1, 3, 0, true)), "part way through an epoch: not asked");
        assertEquals(Decision.stop(Status.PRUNED, ""), p.afterEvaluation(at(2, 3, 0, false)));
        assertEquals(Decision.CONTINUE, p.afterEvaluation(at(3, 3, 0, false)), "the last epoch ends the trial anyway");
        assertEquals(List.of(2, 3), heard);
    }

    @Test
    void aDeadlineStopsOnTheInjectedClockButNeverAfterTheLastEpoch() {
        java.time.Instant t0 = java.time.Instant.parse("2026-01-01T00:00:00Z");
        java.util.concurrent.atomic.AtomicReference<java.time.Instant> now = new java.util.concurrent.atomic.AtomicReference<>(t0);
        java.time.Clock clock = new java.time.Clock() {
            @Override
            public java.time.ZoneId getZone() {
                return java.time.ZoneOffset.UTC;
            }

            @Override
            public java.time.Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public java.time.Instant instant() {
                return now.get();
            }
        };
        TrialCallback d = TrialCallback.deadline(clock, t0.plusSeconds(60), "time budget spent");
        now.set(t0.plusSeconds(59));
        assertEquals(Decision.CONTINUE, d.afterEvaluation(at(2, 10, 0, false)));
        now.set(t0.plusSeconds(60));
        assertEquals(Decision.stop(Status.EARLY_STOPPED, "time budget spent"), d.afterEvaluation(at(3, 10, 0, false)));
        assertEquals(Decision.CONTINUE, d.afterEvaluation(at(10, 10, 0, false)), "the last epoch ends the trial anyway");
    }

    @Test
    void reduceOnPlateauDecidesTheNewRateAndKeepsItsState() {
        JobSpec.Schedule.ReduceOnPlateau p = (JobSpec.Schedule.ReduceOnPlateau) LrScheduleTest.schedule(
                "{type: reduce_on_plateau, factor: 0.5, patience: 2, min_lr: 0.03}", 20);
        ReduceOnPlateau r = new ReduceOnPlateau(p, LrSchedule.Plateau.start(0.1));
        java.util.function.DoubleFunction<TrialCallback.Evaluation> loss = v -> new TrialCallback.Evaluation(
                new EpochRecord(1, 1.0, v, Map.of("loss", v), 0.1, 100, 1, 1, false), 20, 0, List.of());
        assertEquals(Decision.CONTINUE, r.afterEvaluation(loss.apply(1.0)));
        assertEquals(Decision.CONTINUE, r.afterEvaluation(loss.apply(1.1)));
        Decision d = r.afterEvaluation(loss.apply(1.2));
        assertTrue(d instanceof Decision.ChangeRate c && c.lr() == 0.05 && c.reason().contains("lr 0.100 -> 0.0500"),
                d.toString());
        assertEquals(0.05, r.state().lr(), 0, "the checkpoint keeps the reduced rate");
        assertEquals(1.0, r.state().best(), 0);
        assertThrows(IllegalArgumentException.class, () -> Decision.changeRate(0, ""));
    }

    @Test
    void divergenceStopsANonFiniteRoundWithTheRateToTry() {
        TrialCallback d = TrialCallback.divergence();
        assertEquals(Decision.CONTINUE, d.afterRound(new TrialCallback.Round(3, 1, 0.5, true)));
        assertEquals(Decision.stop(Status.DIVERGED, "loss or parameters became NaN or infinite in epoch 3: learning rate"
                + " too high (lr 0.500): divide it by 10"), d.afterRound(new TrialCallback.Round(3, 1, 0.5, false)));
        assertEquals(Decision.CONTINUE, d.afterEvaluation(at(3, 10, 0, false)), "it reads rounds only");
        TrialCallback plain = e -> Decision.CONTINUE;
        assertEquals(Decision.CONTINUE, plain.afterRound(new TrialCallback.Round(1, 0, 0.1, false)),
                "a callback that only reads evaluations leaves rounds alone");
    }

    @Test
    void aStopNeedsAnEndingStatus() {
        assertThrows(IllegalArgumentException.class, () -> Decision.stop(Status.RUNNING, ""));
        assertThrows(IllegalArgumentException.class, () -> Decision.stop(null, ""));
    }

    /** A callback's stop ends the run after the epoch it saw, with its status and reason, kept in the checkpoint. */
    @Test
    void theTrainerStopsWhereACallbackSaysSo(SparkSession spark) {
        JobSpec spec = TrainerControlTest.spec(Map.of("training.epochs", 6));
        List<Integer> asked = new ArrayList<>();
        TrialCallback stopAtThree = e -> {
            asked.add(e.record().epoch());
            return e.record().epoch() == 3 ? Decision.stop(Status.FAILED, "stopped by the test") : Decision.CONTINUE;
        };
        TrainerControlTest.Capture c = new TrainerControlTest.Capture();
        TrainResult r = TrainerControlTest.train(spark, spec, c, Optional.empty(), List.of(stopAtThree));
        assertEquals(Status.FAILED, r.status());
        assertEquals("stopped by the test", r.diagnosis());
        assertEquals(3, r.epochsRun());
        assertEquals(List.of(1, 2, 3), asked);
        Checkpoint last = c.checkpoints.get(c.checkpoints.size() - 1);
        assertEquals(Status.FAILED, last.status());
        assertEquals(3, last.epochsDone());
        assertTrue(r.test() != null, "the kept parameters are still tested");
    }

    /** A stop after a round ends the trial before that round's parameters are applied; the epochs before it stand. */
    @Test
    void aCallbackCanStopTheTrialBetweenRounds(SparkSession spark) {
        JobSpec spec = TrainerControlTest.spec(Map.of("training.epochs", 4, "cluster.averaging_period", 2));
        List<String> rounds = new ArrayList<>();
        TrialCallback midEpochTwo = new TrialCallback() {
            @Override
            public Decision afterEvaluation(Evaluation e) {
                return Decision.CONTINUE;
            }

            @Override
            public Decision afterRound(Round r) {
                rounds.add(r.epoch() + "." + r.round());
                return r.epoch() == 2 && r.round() == 1 ? Decision.stop(Status.FAILED, "round stop") : Decision.CONTINUE;
            }
        };
        TrainerControlTest.Capture c = new TrainerControlTest.Capture();
        TrainResult r = TrainerControlTest.train(spark, spec, c, Optional.empty(), List.of(midEpochTwo));
        assertEquals(Status.FAILED, r.status());
        assertEquals("round stop", r.diagnosis());
        assertEquals(1, r.epochsRun(), "epoch 2 did not finish");
        assertEquals(1, r.bestEpoch());
        assertEquals("2.1", rounds.get(rounds.size() - 1), "no round after the stop: " + rounds);
        assertEquals(Status.FAILED, c.checkpoints.get(c.checkpoints.size() - 1).status(), "the stop is checkpointed");
    }
}
