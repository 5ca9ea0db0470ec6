package io.spindle.driver.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/**
 * Ask/tell hyperparameter search (as Optuna's ask/tell and Ray Tune's {@code Searcher}).
 * A driver loop asks for a proposal, runs the trial, and tells its outcome. Implementations are
 * deterministic given their seed and the sequence of calls, and are not thread-safe: call them
 * from the one thread that owns the sweep. Concurrency limits are not part of a strategy: wrap
 * it in {@link Limited}.
 */
public interface SearchStrategy {

    /**
     * @return the next trial to run, or empty when the strategy is exhausted (never null)
     */
    Optional<Proposal> ask();

    /**
     * Reports how a proposed trial ended. Non-finite values and DIVERGED/FAILED trials count as
     * the worst possible outcome; they never make a strategy throw.
     *
     * @param trialId an id returned by {@link #ask()} and not told before
     * @param outcome its result
     * @throws IllegalStateException when the id was never proposed or was already told
     */
    void tell(String trialId, Outcome outcome);

    /**
     * @return the full state as JSON; the class's {@code restore} rebuilds a strategy that
     *         continues exactly as this one would
     */
    JsonNode snapshot();
}
