package io.spindle.driver.sweep;

import java.util.Objects;

/**
 * The result of one trial as told to a {@link SearchStrategy}.
 *
 * @param value the final (or, for a pruned trial, last) metric; may be NaN or infinite
 * @param status how the trial ended
 */
public record Outcome(double value, Status status) {

    /** How a trial ended. */
    public enum Status {
        /** Ran to the end. */
        COMPLETED,
        /** Stopped early by a {@link TrialScheduler}; {@code value} is its last metric. */
        PRUNED,
        /** The loss became NaN or infinite. */
        DIVERGED,
        /** Crashed; no usable metric. */
        FAILED
    }

    public Outcome {
        Objects.requireNonNull(status, "status");
    }

    /**
     * @param value the final metric
     * @return a completed outcome
     */
    public static Outcome completed(double value) {
        return new Outcome(value, Status.COMPLETED);
    }

    /**
     * @param mode the optimization direction
     * @return the loss to rank by (lower is better); {@code +Infinity} for DIVERGED, FAILED or a
     *         non-finite value
     */
    public double loss(Mode mode) {
        if (status == Status.DIVERGED || status == Status.FAILED) {
            return Double.POSITIVE_INFINITY;
        }
        return mode.loss(value);
    }
}
