package io.spindle.driver.train;

import io.spindle.driver.spec.JobSpec;
import java.util.List;

/**
 * Decides, after every evaluation of a trial, whether it goes on (as Keras callbacks and Ray
 * Tune's stoppers and trial schedulers do). Every callback of a trial is asked after every
 * evaluation, in order, so each sees the whole history; the first that does not answer
 * {@link Decision#CONTINUE} decides; after every averaging round they are asked again
 * ({@link #afterRound}: divergence). Callbacks steer; {@link TrainListener}s only observe.
 */
@FunctionalInterface
public interface TrialCallback {

    /**
     * @param e the evaluation just made and the trial's state after it
     * @return whether the trial goes on
     */
    Decision afterEvaluation(Evaluation e);

    /**
     * Asked after every averaging round, before its parameters are applied (most callbacks only
     * look at evaluations).
     *
     * @param r what the round came back with
     * @return whether the trial goes on; a trial never goes on from a round that is not finite
     */
    default Decision afterRound(Round r) {
        return Decision.CONTINUE;
    }

    /**
     * How far ahead a one-worker run may train in one task without wasting epochs on this callback:
     * the evaluations before the {@code n}-th one from now surely continue (the trainer still asks
     * about every one of them, in order, and discards what follows a stop or a rate change).
     *
     * @param epochsDone whole epochs trained so far
     * @param sinceBest evaluations since the monitored value last improved
     * @return {@code n}, at least 1; by default 1 (the callback may decide after any evaluation)
     */
    default int horizon(int epochsDone, int sinceBest) {
        return 1;
    }

    /**
     * One averaging round's outcome.
     *
     * @param epoch the epoch it belongs to, from 1
     * @param round its index within the epoch, from 0
     * @param lr the rate it trained at
     * @param finite whether every worker's loss and parameters, and the averaged step, stayed finite
     */
    record Round(int epoch, int round, double lr, boolean finite) { }

    /**
     * Divergence: a round whose loss or parameters became NaN or infinite stops the trial with
     * {@link Status#DIVERGED} and the fix (the rate divided by 10); the last finite parameters
     * stay the kept ones.
     *
     * @return the callback
     */
    static TrialCallback divergence() {
        return new TrialCallback() {
            @Override
            public Decision afterEvaluation(Evaluation e) {
                return Decision.CONTINUE;
            }

            @Override
            public int horizon(int epochsDone, int sinceBest) {
                return Integer.MAX_VALUE; // it decides after rounds only
            }

            @Override
            public Decision afterRound(Round r) {
                return r.finite() ? Decision.CONTINUE : Decision.stop(Status.DIVERGED,
                        "loss or parameters became NaN or infinite in epoch " + r.epoch() + ": learning rate too high (lr "
                                + String.format(java.util.Locale.ROOT, "%.3g", r.lr()) + "): divide it by 10");
            }
        };
    }

    /**
     * An evaluation and what the trial knows after it.
     *
     * @param record the evaluation's record (validation metrics, losses, rate)
     * @param epochs the epochs the spec asks for
     * @param sinceBest evaluations since the monitored value last improved
     * @param history every record so far, this one last
     */
    record Evaluation(EpochRecord record, int epochs, int sinceBest, List<EpochRecord> history) {
        /** @return whether it was made part way through an epoch ({@code cluster.eval_every_rounds}) */
        public boolean partial() {
            return record.partial();
        }

        /** @return whether it closed the last epoch the spec asks for */
        public boolean lastEpoch() {
            return !record.partial() && record.epoch() >= epochs;
        }
    }

    /**
     * Early stopping (Prechelt, "Early stopping - but when?", 1998): stops with
     * {@link Status#EARLY_STOPPED} once the monitored validation value has not improved by
     * {@code min_delta} for {@code patience} evaluations.
     *
     * @param es the spec's early stopping
     * @return the callback; one that never stops when early stopping is disabled
     */
    static TrialCallback earlyStopping(JobSpec.EarlyStopping es) {
        return new TrialCallback() {
            @Override
            public Decision afterEvaluation(Evaluation e) {
                return es.enabled() && e.sinceBest() >= es.patience()
                        ? Decision.stop(Status.EARLY_STOPPED, "") : Decision.CONTINUE;
            }

            @Override
            public int horizon(int epochsDone, int sinceBest) {
                // the first evaluation that can stop is the one that brings sinceBest to the patience
                return es.enabled() ? Math.max(1, es.patience() - sinceBest) : Integer.MAX_VALUE;
            }
        };
    }

    /**
     * A pruner over whole epochs (a sweep's trial scheduler): asked after every whole epoch, it
     * stops the trial with {@link Status#PRUNED} unless the epoch was the last one anyway.
     *
     * @param stopAfter asked after every whole epoch's record (also the last one, so the pruner
     *     sees every result); true stops the trial
     * @return the callback
     */
    static TrialCallback pruner(java.util.function.Predicate<EpochRecord> stopAfter) {
        return pruner(stopAfter, done -> 1);
    }

    /**
     * A pruner that says how far ahead it surely lets the trial go on.
     *
     * @param stopAfter asked after every whole epoch's record; true stops the trial
     * @param horizon for the whole epochs done so far, the {@code n} such that the evaluations
     *     before the {@code n}-th from now surely continue (see {@link #horizon})
     * @return the callback
     */
    static TrialCallback pruner(java.util.function.Predicate<EpochRecord> stopAfter,
                                java.util.function.IntUnaryOperator horizon) {
        return new TrialCallback() {
            @Override
            public Decision afterEvaluation(Evaluation e) {
                if (e.partial()) {
                    return Decision.CONTINUE;
                }
                boolean stop = stopAfter.test(e.record());
                return stop && !e.lastEpoch() ? Decision.stop(Status.PRUNED, "") : Decision.CONTINUE;
            }

            @Override
            public int horizon(int epochsDone, int sinceBest) {
                return Math.max(1, horizon.applyAsInt(epochsDone));
            }
        };
    }

    /**
     * A wall-clock deadline: once the clock passes it, the trial stops after the evaluation with
     * {@link Status#EARLY_STOPPED} (its best epoch so far is kept), unless that was its last epoch.
     *
     * @param clock the time source (a test injects its own)
     * @param deadline when the budget is spent
     * @param reason the trial's diagnosis when it stops here
     * @return the callback
     */
    static TrialCallback deadline(java.time.Clock clock, java.time.Instant deadline, String reason) {
        return new TrialCallback() {
            @Override
            public Decision afterEvaluation(Evaluation e) {
                return !e.lastEpoch() && !clock.instant().isBefore(deadline)
                        ? Decision.stop(Status.EARLY_STOPPED, reason) : Decision.CONTINUE;
            }

            @Override
            public int horizon(int epochsDone, int sinceBest) {
                // epochs trained in one task end at the next checkpoint, the trial's at its next evaluation after this
                return Integer.MAX_VALUE;
            }
        };
    }
}
