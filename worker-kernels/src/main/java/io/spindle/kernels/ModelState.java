package io.spindle.kernels;

import java.io.Serializable;
import java.util.Objects;

/**
 * The state a round starts from, broadcast once per round: flat parameters and flat updater
 * state in DL4J's view order.
 *
 * @param params network parameters
 * @param updaterState optimizer state (moments, velocities); may be empty for a stateless optimizer
 */
public record ModelState(float[] params, float[] updaterState) implements Serializable {
    public ModelState {
        Objects.requireNonNull(params, "params");
        Objects.requireNonNull(updaterState, "updaterState");
    }
}
