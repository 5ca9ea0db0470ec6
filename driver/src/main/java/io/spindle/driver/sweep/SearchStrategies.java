package io.spindle.driver.sweep;

import com.fasterxml.jackson.databind.JsonNode;

/** Restores any strategy of this package from its snapshot, by the snapshot's {@code type}. */
public final class SearchStrategies {
    private SearchStrategies() {
    }

    /**
     * @param space the sweep's space
     * @param snapshot a snapshot of a grid, random, tpe or limited strategy
     * @return the restored strategy
     * @throws IllegalArgumentException for an unknown type or a snapshot over another space
     */
    public static SearchStrategy restore(Space space, JsonNode snapshot) {
        String type = snapshot.path("type").asText("");
        return switch (type) {
            case "grid" -> GridSearch.restore(space, snapshot);
            case "random" -> RandomSearch.restore(space, snapshot);
            case "tpe" -> TpeSearch.restore(space, snapshot);
            case "limited" -> Limited.restore(snapshot, inner -> restore(space, inner));
            default -> throw new IllegalArgumentException("unknown strategy snapshot type '" + type
                    + "'; expected grid, random, tpe or limited");
        };
    }
}
