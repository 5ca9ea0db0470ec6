package io.spindle.driver.sweep;

import com.fasterxml.jackson.databind.JsonNode;

/** Restores any scheduler of this package from its snapshot, by the snapshot's {@code type}. */
public final class TrialSchedulers {
    private TrialSchedulers() {
    }

    /**
     * @param snapshot a snapshot of an asha, hyperband or median scheduler
     * @return the restored scheduler
     * @throws IllegalArgumentException for an unknown type
     */
    public static TrialScheduler restore(JsonNode snapshot) {
        String type = snapshot.path("type").asText("");
        return switch (type) {
            case "asha" -> Asha.restore(snapshot);
            case "hyperband" -> Hyperband.restore(snapshot);
            case "median" -> MedianStopping.restore(snapshot);
            default -> throw new IllegalArgumentException("unknown scheduler snapshot type '" + type
                    + "'; expected asha, hyperband or median");
        };
    }
}
