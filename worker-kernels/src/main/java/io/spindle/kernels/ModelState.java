package io.spindle.kernels;

import java.io.Serializable;
import java.util.Objects;

/**
 * The state a round starts from, broadcast once per round: flat parameters and flat updater
 * state in DL4J's view order.
 *
 * @param params network parameters
 * @param updaterState optimizer state shared by every worker (moments, velocities); empty when
 *     the optimizer is stateless or workers keep their own
 * @param workerUpdaterStates per-partition optimizer states, used once when a run that keeps
 *     per-worker state resumes from a checkpoint; empty otherwise
 */
public record ModelState(float[] params, float[] updaterState, float[][] workerUpdaterStates) implements Serializable {
    public ModelState {
        Objects.requireNonNull(params, "params");
        Objects.requireNonNull(updaterState, "updaterState");
        Objects.requireNonNull(workerUpdaterStates, "workerUpdaterStates");
    }

    /**
     * @param params parameters
     * @param updaterState shared updater state
     */
    public ModelState(float[] params, float[] updaterState) {
        this(params, updaterState, new float[0][]);
    }

    /**
     * @param partition a partition index
     * @return the updater state that partition starts from; empty: keep the network's own
     */
    public float[] updaterFor(int partition) {
        if (updaterState.length > 0) {
            return updaterState;
        }
        return partition < workerUpdaterStates.length ? workerUpdaterStates[partition] : new float[0];
    }
}
