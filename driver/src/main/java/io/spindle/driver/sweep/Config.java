package io.spindle.driver.sweep;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One point of a {@link Space}: spec path to value, e.g. {@code training.lr -> 0.003}. Only the
 * parameters active for this point are present (a conditional parameter whose condition does
 * not hold is absent). Values are JSON scalars: {@link Double}, {@link Integer}, {@link Long},
 * {@link String}, {@link Boolean} or {@code null}. Apply it with
 * {@code spec.withOverrides(config.values())}.
 *
 * @param values path to value, copied and kept sorted by path
 */
public record Config(Map<String, Object> values) {

    public Config {
        Objects.requireNonNull(values, "values");
        values = Collections.unmodifiableMap(new TreeMap<>(values));
    }

    /**
     * @param path a spec path
     * @return the value, or {@code null} when absent (see {@link #has(String)})
     */
    public Object get(String path) {
        return values.get(path);
    }

    /**
     * @param path a spec path
     * @return whether this config sets {@code path}
     */
    public boolean has(String path) {
        return values.containsKey(path);
    }

    /** @return the values as a JSON object (what {@link #fromJson} reads back) */
    public com.fasterxml.jackson.databind.node.ObjectNode toJson() {
        return Json.config(this);
    }

    /**
     * @param json an object from {@link #toJson()}
     * @return the config
     */
    public static Config fromJson(com.fasterxml.jackson.databind.JsonNode json) {
        return Json.config(json);
    }
}
