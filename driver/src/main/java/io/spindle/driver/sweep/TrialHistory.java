package io.spindle.driver.sweep;

import java.util.List;

/**
 * A running trial's metric so far, one value per finished epoch ({@code values.get(0)} is epoch 1).
 *
 * @param trialId the trial
 * @param values per-epoch metric values; may contain NaN or infinities
 */
public record TrialHistory(String trialId, List<Double> values) {

    public TrialHistory {
        if (trialId == null || trialId.isBlank()) {
            throw new IllegalArgumentException("trialId must be non-blank, got '" + trialId + "'");
        }
        values = List.copyOf(values);
    }

    /** @return the number of finished epochs */
    public int epochs() {
        return values.size();
    }

    /** @return the last epoch's value */
    public double last() {
        if (values.isEmpty()) {
            throw new IllegalStateException("trial " + trialId + " has no epochs yet");
        }
        return values.get(values.size() - 1);
    }
}
