package io.spindle.driver.train;

/**
 * Where a trial stands: one enum from the trainer to the checkpoint, the result tables,
 * {@code summary.json} and a sweep's state (each stores its name).
 */
public enum Status {
    /** Training, or stopped without a chance to say so (a killed process): {@code --resume} continues it. */
    RUNNING,
    /** Trained every epoch the spec asks for. */
    COMPLETED,
    /** Early stopping ended it: the monitored value stopped improving. */
    EARLY_STOPPED,
    /** A sweep's scheduler stopped it as unpromising. */
    PRUNED,
    /** Loss or parameters became NaN or infinite. */
    DIVERGED,
    /** An error ended it (the trial's diagnosis says which). */
    FAILED,
    /** A signal stopped it at a safe point: {@code --resume} continues it from its last checkpoint. */
    INTERRUPTED;

    /** @return whether the trial has ended for good (a running or interrupted one goes on after a resume) */
    public boolean finished() {
        return this != RUNNING && this != INTERRUPTED;
    }
}
