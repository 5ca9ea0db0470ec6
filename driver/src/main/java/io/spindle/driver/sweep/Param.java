package io.spindle.driver.sweep;

import io.spindle.driver.spec.SpecException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One parameter of a {@link Space}.
 *
 * @param path the spec path it overrides, e.g. {@code model.layers[0].units}
 * @param distribution its prior
 * @param when conditions, all of which must hold for the parameter to be active: path of an
 *        unconditional {@link Distribution.Choice} parameter to the value it must have; empty
 *        means always active
 * @param grid points per axis for grid search over a continuous distribution; 0 when not given
 */
public record Param(String path, Distribution distribution, Map<String, Object> when, int grid) {

    public Param {
        if (path == null || path.isBlank()) {
            throw new SpecException("a sweep parameter needs a non-blank spec path, got '" + path + "'");
        }
        Objects.requireNonNull(distribution, "distribution");
        when = Collections.unmodifiableMap(new LinkedHashMap<>(when));
        if (grid < 0) {
            throw new SpecException("sweep." + path + ".grid must be >= 1, got " + grid);
        }
    }

    /**
     * @param path the spec path
     * @param distribution the prior
     * @return an unconditional parameter
     */
    public static Param of(String path, Distribution distribution) {
        return new Param(path, distribution, Map.of(), 0);
    }

    /**
     * @param partial values chosen so far for other parameters
     * @return whether every condition holds in {@code partial}
     */
    public boolean activeIn(Map<String, Object> partial) {
        for (Map.Entry<String, Object> c : when.entrySet()) {
            if (!partial.containsKey(c.getKey()) || !Objects.equals(partial.get(c.getKey()), c.getValue())) {
                return false;
            }
        }
        return true;
    }
}
