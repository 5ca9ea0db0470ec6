package io.spindle.driver.sweep;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Early stopping of running trials (as Ray Tune's {@code TrialScheduler} and Optuna's pruners),
 * separate from {@link SearchStrategy}.
 *
 * <p>Design: the scheduler owns the shared state. Each {@link #decide(TrialHistory)} call first
 * records the history as that trial's latest (histories are cumulative, so a repeated or skipped
 * call loses nothing) and then decides from everything recorded so far, i.e. the other trials'
 * histories are those they last reported. Call it after every epoch of every trial, from one
 * thread. Once a trial is told STOP it stays stopped. A NaN or infinite latest value is STOP and
 * counts as the worst value; no metric makes a scheduler throw.
 */
public interface TrialScheduler {

    /**
     * @param history the trial's metric for every epoch so far
     * @return CONTINUE to train another epoch, STOP to end the trial now
     */
    Decision decide(TrialHistory history);

    /**
     * How far ahead a trial may train before this scheduler could stop it (a trial's epochs up to
     * its next checkpoint may train in one task; every epoch is still decided in order).
     *
     * @param epochsDone the trial's whole epochs so far
     * @return {@code n}: the decisions after the next {@code n - 1} epochs are surely CONTINUE
     *     while the metric stays finite (at least 1; by default 1)
     */
    default int horizon(int epochsDone) {
        return 1;
    }

    /**
     * Schedulers that pause trials (ASHA's promotion form) name here a paused trial to continue
     * from its checkpoint, to be asked whenever a place for a trial frees, before a new trial starts.
     *
     * @return the trial to continue, now counted as continued; empty (the default) when none
     */
    default java.util.Optional<String> promote() {
        return java.util.Optional.empty();
    }

    /**
     * @param trialId a trial
     * @param epochs the epochs of its last checkpoint
     * @return whether the trial, told STOP after {@code epochs}, has since been promoted to go on
     *     from there (false by default)
     */
    default boolean promoted(String trialId, int epochs) {
        return false;
    }

    /** @return the full state; the class's {@code restore} continues identically */
    JsonNode snapshot();
}
