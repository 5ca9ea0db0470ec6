package io.spindle.driver.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Map;

/** JSON conversions shared by snapshots: scalars, configs and non-finite doubles. */
final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper();
    static final JsonNodeFactory F = JsonNodeFactory.instance;

    private Json() {
    }

    /** A JSON scalar as the Java value used in a {@link Config}. */
    static Object scalar(JsonNode n) {
        if (n == null || n.isNull()) {
            return null;
        }
        if (n.isBoolean()) {
            return n.booleanValue();
        }
        if (n.isTextual()) {
            return n.textValue();
        }
        if (n.isIntegralNumber()) {
            return n.canConvertToInt() ? (Object) n.intValue() : (Object) n.longValue();
        }
        if (n.isNumber()) {
            return n.doubleValue();
        }
        throw new IllegalArgumentException("expected a JSON scalar, got " + n);
    }

    static JsonNode node(Object value) {
        return MAPPER.valueToTree(value);
    }

    /** Doubles survive a text round trip even when NaN or infinite (stored as strings). */
    static JsonNode dbl(double d) {
        return Double.isFinite(d) ? F.numberNode(d) : F.textNode(Double.toString(d));
    }

    static double dbl(JsonNode n) {
        return n.isTextual() ? Double.parseDouble(n.textValue()) : n.doubleValue();
    }

    static ObjectNode config(Config c) {
        ObjectNode o = F.objectNode();
        c.values().forEach((k, v) -> o.set(k, node(v)));
        return o;
    }

    static Config config(JsonNode n) {
        Map<String, Object> m = new LinkedHashMap<>();
        n.fields().forEachRemaining(e -> m.put(e.getKey(), scalar(e.getValue())));
        return new Config(m);
    }

    static ArrayNode array() {
        return F.arrayNode();
    }

    /** @throws IllegalArgumentException when the snapshot is of another kind */
    static void expectType(JsonNode snapshot, String type) {
        String found = snapshot.path("type").asText("");
        if (!found.equals(type)) {
            throw new IllegalArgumentException("snapshot is of type '" + found + "', expected '" + type + "'");
        }
    }

    static JsonNode require(JsonNode snapshot, String field) {
        JsonNode n = snapshot.get(field);
        if (n == null) {
            throw new IllegalArgumentException("snapshot lacks field '" + field + "'");
        }
        return n;
    }
}
