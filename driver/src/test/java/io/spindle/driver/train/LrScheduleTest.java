package io.spindle.driver.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spindle.driver.spec.JobSpec;
import io.spindle.driver.spec.SpecParser;
import io.spindle.driver.spec.SpecTrees;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Every schedule's rate at the points that define it, and reduce-on-plateau's state machine. */
@Tag("fast")
class LrScheduleTest {

    static JobSpec.Schedule schedule(String yaml, int epochs) {
        return SpecParser.resolve(SpecTrees.parse("""
                data: {path: x.csv, label: y, task: multiclass}
                training: {lr: 0.1, epochs: %d, schedule: %s}
                """.formatted(epochs, yaml), "t"), "t", Path.of(".")).training().schedule();
    }

    @Test
    void constantStepAndExponential() {
        LrSchedule c = new LrSchedule(schedule("{type: constant}", 10), 0.1, 10, 4);
        assertEquals(0.1, c.rate(7, 3, null), 0);
        LrSchedule step = new LrSchedule(schedule("{type: step, step_size: 3, gamma: 0.5}", 10), 0.1, 10, 4);
        assertEquals(0.1, step.rate(2, 3, null), 1e-12);
        assertEquals(0.05, step.rate(3, 0, null), 1e-12);
        assertEquals(0.025, step.rate(6, 2, null), 1e-12);
        LrSchedule exp = new LrSchedule(schedule("{type: exponential, gamma: 0.9}", 10), 0.1, 10, 4);
        assertEquals(0.1, exp.rate(0, 3, null), 1e-12);
        assertEquals(0.1 * 0.9 * 0.9, exp.rate(2, 0, null), 1e-12);
    }

    @Test
    void cosineWarmsUpLinearlyThenDecaysToMinLr() {
        LrSchedule s = new LrSchedule(schedule("{type: cosine, warmup_epochs: 1, min_lr: 0.001}", 5), 0.1, 5, 4);
        assertEquals(0.025, s.rate(0, 0, null), 1e-12);
        assertEquals(0.1, s.rate(0, 3, null), 1e-12);
        assertEquals(0.1, s.rate(1, 0, null), 1e-12);
        assertEquals(0.001 + 0.099 * 0.5, s.rate(3, 0, null), 1e-12, "half way through the decay");
        assertTrue(s.rate(4, 3, null) < 0.0025 && s.rate(4, 3, null) > 0.001, "last round near min_lr");
    }

    @Test
    void scaledRateRampsUpRoundByRoundOverTheWarmupThenHoldsTheFullFactor() {
        // 2 warmup epochs of 4 rounds at factor 3: rounds 0..7 ramp from just above 1x to just below 3x
        LrSchedule s = new LrSchedule(schedule("{type: constant}", 10), 0.1, 3.0, 2, 10, 4);
        for (int k = 0; k < 8; k++) {
            assertEquals(0.1 * (1 + 2.0 * (k + 1) / 9), s.rate(k / 4, k % 4, null), 1e-12, "round " + k);
        }
        assertEquals(0.3, s.rate(2, 0, null), 1e-12, "the full factor from the first round after the warmup");
        assertEquals(0.3, s.rate(9, 3, null), 1e-12);
        // the ramp multiplies the schedule's own rate: step decay after 1 epoch, inside the warmup
        LrSchedule step = new LrSchedule(schedule("{type: step, step_size: 1, gamma: 0.5}", 10), 0.1, 3.0, 2, 10, 4);
        assertEquals(0.05 * (1 + 2.0 * 5 / 9), step.rate(1, 0, null), 1e-12);
        // reduce-on-plateau holds the scaled rate: the ramp takes it back to 1x at the start
        LrSchedule plateau = new LrSchedule(schedule("{type: reduce_on_plateau}", 10), 0.1, 3.0, 2, 10, 4);
        assertEquals(0.1 * (1 + 2.0 / 9), plateau.rate(0, 0, LrSchedule.Plateau.start(plateau.start())), 1e-12);
        assertEquals(0.3, plateau.rate(2, 0, LrSchedule.Plateau.start(plateau.start())), 1e-12);
        // no scaling: no warmup
        LrSchedule unscaled = new LrSchedule(schedule("{type: constant}", 10), 0.1, 1.0, 2, 10, 4);
        assertEquals(0.1, unscaled.rate(0, 0, null), 0);
    }

    @Test
    void oneCycleRisesToMaxThenFallsFarBelowTheStart() {
        LrSchedule s = new LrSchedule(schedule("{type: one_cycle, max_lr: 0.5, pct_start: 0.25}", 4), 0.1, 4, 10);
        assertEquals(0.5 / 25, s.rate(0, 0, null), 1e-12);
        assertEquals(0.5, s.rate(1, 0, null), 1e-12, "peak after a quarter of the 40 rounds");
        assertTrue(s.rate(0, 5, null) > 0.02 && s.rate(0, 5, null) < 0.5);
        double last = s.rate(3, 9, null);
        assertTrue(last < 0.5 / 25 && last > 0.5 / 25 / 1e4, "ends near max/(div*final_div): " + last);
    }

    @Test
    void plateauWaitsPatienceChecksReducesAndCoolsDown() {
        JobSpec.Schedule.ReduceOnPlateau p = (JobSpec.Schedule.ReduceOnPlateau) schedule(
                "{type: reduce_on_plateau, factor: 0.5, patience: 2, cooldown: 1, min_lr: 0.03}", 20);
        LrSchedule.Plateau s = LrSchedule.Plateau.start(0.1);
        s = s.next(p, 1.0);            // first value is the best
        s = s.next(p, 0.9);            // improved
        assertEquals(0.1, s.lr(), 0);
        s = s.next(p, 0.95);           // 1 without improvement
        assertEquals(0.1, s.lr(), 0);
        s = s.next(p, Double.NaN);     // 2: NaN never counts as an improvement
        assertEquals(0.05, s.lr(), 1e-12, "reduced after patience checks");
        s = s.next(p, 0.99);           // cooldown: not counted
        assertEquals(0, s.waited());
        s = s.next(p, 0.99);
        s = s.next(p, 0.99);
        assertEquals(0.03, s.lr(), 1e-12, "never below min_lr");
        assertEquals(0.9, s.best(), 0);
    }

    @Test
    void plateauOnAMaximizedMetric() {
        JobSpec.Schedule.ReduceOnPlateau p = (JobSpec.Schedule.ReduceOnPlateau) schedule(
                "{type: reduce_on_plateau, monitor: val_accuracy, patience: 1}", 20);
        assertTrue(p.maximize());
        LrSchedule.Plateau s = LrSchedule.Plateau.start(0.1).next(p, 0.8).next(p, 0.9);
        assertEquals(0.1, s.lr(), 0);
        assertEquals(0.05, s.next(p, 0.85).lr(), 1e-12);
    }
}
