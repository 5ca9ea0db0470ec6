package io.spindle.driver.train;

import io.spindle.driver.spec.JobSpec;
import io.spindle.driver.spec.Metric;
import java.util.Locale;

/**
 * Reduce-on-plateau as a decision after every evaluation: it follows the monitored validation
 * value and, when it has not improved for {@code patience} evaluations, answers
 * {@link Decision#changeRate} with the rate times {@code factor} (never below {@code min_lr}), then
 * waits {@code cooldown} evaluations. Its state ({@link LrSchedule.Plateau}) is what checkpoints
 * keep, so a resumed run continues it.
 */
public final class ReduceOnPlateau implements TrialCallback {

    private final JobSpec.Schedule.ReduceOnPlateau schedule;
    private final String key;
    private LrSchedule.Plateau state;

    /**
     * @param schedule the spec's reduce_on_plateau schedule
     * @param state where it starts (a fresh run's, or a checkpoint's)
     */
    public ReduceOnPlateau(JobSpec.Schedule.ReduceOnPlateau schedule, LrSchedule.Plateau state) {
        this.schedule = schedule;
        this.key = Metric.find(schedule.monitor()).orElseThrow(() -> new IllegalStateException(
                "the spec parser admitted monitor " + schedule.monitor())).spelling();
        this.state = state;
    }

    @Override
    public Decision afterEvaluation(Evaluation e) {
        // the loss is a metric like the others: validation reports it as "loss"
        double value = e.record().validation().getOrDefault(key, Double.NaN);
        LrSchedule.Plateau next = state.next(schedule, value);
        boolean changed = next.lr() != state.lr();
        double before = state.lr();
        state = next;
        return changed ? Decision.changeRate(next.lr(), String.format(Locale.ROOT, "val_%s did not improve for %d"
                + " evaluations: lr %.3g -> %.3g", key, schedule.patience(), before, next.lr())) : Decision.CONTINUE;
    }

    @Override
    public int horizon(int epochsDone, int sinceBest) {
        // the cooldown's evaluations change nothing; after it the count of evaluations without improvement starts at 0
        return state.cooldown() > 0 ? state.cooldown() + schedule.patience()
                : Math.max(1, schedule.patience() - state.waited());
    }

    /** @return the state after the last evaluation (what the checkpoint keeps; its rate is the current one) */
    public LrSchedule.Plateau state() {
        return state;
    }
}
