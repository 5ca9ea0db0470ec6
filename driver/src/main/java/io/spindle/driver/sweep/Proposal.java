package io.spindle.driver.sweep;

import java.util.Objects;

/**
 * A trial to run, as returned by {@link SearchStrategy#ask()}.
 *
 * @param trialId unique within the sweep; pass it back to {@link SearchStrategy#tell}
 * @param config the overrides for this trial
 */
public record Proposal(String trialId, Config config) {

    public Proposal {
        Objects.requireNonNull(config, "config");
        if (trialId == null || trialId.isBlank()) {
            throw new IllegalArgumentException("trialId must be non-blank, got '" + trialId + "'");
        }
    }
}
