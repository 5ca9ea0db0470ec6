package io.spindle.driver.train;

import java.util.Objects;

/**
 * What a {@link TrialCallback} decides after an evaluation: go on, or stop the trial with a
 * status (the kept parameters stay those of the best epoch).
 */
public sealed interface Decision permits Decision.Continue, Decision.Stop {

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

    /** Go on training. */
    record Continue() implements Decision { }

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
