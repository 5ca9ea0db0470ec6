package io.spindle.driver.sweep;

/** What a {@link TrialScheduler} tells a running trial to do after an epoch. */
public enum Decision {
    /** Train another epoch. */
    CONTINUE,
    /** Stop now: the trial is unpromising, diverged, or has reached its maximum epochs. */
    STOP
}
