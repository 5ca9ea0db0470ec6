package io.spindle.driver.train;

import java.util.Objects;

/**
 * What a {@link TrialCallback} decides after an evaluation: go on, go on at another learning rate,
 * or stop the trial with a status (the kept parameters stay those of the best epoch).
 */
public sealed interface Decision permits Decision.Continue, Decision.Stop, Decision.ChangeRate {

    /** Go on training. */
    Decision CONTINUE = new Continue();

    /**
     * @param status how the trial ends
     * @param reason why, for the trial's diagnosis (may be empty)
     * @return a decision to stop
     */
    static Decision stop(Status status, String reason) {
        return new Stop(status, reason);
    }

    /**
     * @param lr the rate from the next round on
     * @param reason why (may be empty)
     * @return a decision to go on at another rate
     */
    static Decision changeRate(double lr, String reason) {
        return new ChangeRate(lr, reason);
    }

    /** Go on training. */
    record Continue() implements Decision { }

    /**
     * Go on at another learning rate (reduce-on-plateau's decision; the rate is part of the
     * callback's checkpointed state).
     *
     * @param lr the rate from the next round on: positive and finite
     * @param reason why (may be empty)
     */
    record ChangeRate(double lr, String reason) implements Decision {
        /** Checks the rate. */
        public ChangeRate {
            Objects.requireNonNull(reason, "reason");
            if (!(lr > 0) || !Double.isFinite(lr)) {
                throw new IllegalArgumentException("a rate change needs a positive rate, got " + lr);
            }
        }
    }

    /**
     * Stop the trial.
     *
     * @param status how it ends: not RUNNING
     * @param reason why (may be empty)
     */
    record Stop(Status status, String reason) implements Decision {
        /** Checks the status. */
        public Stop {
            Objects.requireNonNull(reason, "reason");
            if (status == null || status == Status.RUNNING) {
                throw new IllegalArgumentException("a stop needs an ending status, got " + status);
            }
        }
    }
}
