package io.spindle.driver.spec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Identity of a resolved spec, to tell whether a folder to resume was written by the same spec,
 * and where two specs differ.
 */
public final class SpecDigest {

    private static final ObjectMapper CANONICAL = JsonMapper.builder()
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS).build();

    private SpecDigest() {
    }

    /**
     * @param spec a resolved spec
     * @return the SHA-256 of its resolved tree with keys in sorted order, in hex
     */
    public static String of(JobSpec spec) {
        return of(spec.resolved());
    }

    /**
     * @param resolved a resolved spec tree
     * @return the SHA-256 of the tree with keys in sorted order, in hex
     */
    public static String of(JsonNode resolved) {
        try {
            Object plain = CANONICAL.treeToValue(resolved, Object.class);
            byte[] bytes = CANONICAL.writeValueAsString(plain).getBytes(StandardCharsets.UTF_8);
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (JsonProcessingException | NoSuchAlgorithmException e) {
            throw new IllegalStateException("cannot digest a spec tree", e);
        }
    }

    /**
     * @param a one tree
     * @param b another tree
     * @return the first spec path (in key order) where they differ, with both values, if they do
     */
    public static Optional<String> firstDifference(JsonNode a, JsonNode b) {
        return diff("", a, b);
    }

    private static Optional<String> diff(String path, JsonNode a, JsonNode b) {
        if (a != null && b != null && a.isObject() && b.isObject()) {
            TreeSet<String> keys = new TreeSet<>();
            a.fieldNames().forEachRemaining(keys::add);
            b.fieldNames().forEachRemaining(keys::add);
            for (String k : keys) {
                Optional<String> d = diff(path.isEmpty() ? k : path + "." + k, a.get(k), b.get(k));
                if (d.isPresent()) {
                    return d;
                }
            }
            return Optional.empty();
        }
        if (a != null && b != null && a.isArray() && b.isArray() && a.size() == b.size()) {
            Iterator<JsonNode> ia = a.elements();
            Iterator<JsonNode> ib = b.elements();
            for (int i = 0; ia.hasNext(); i++) {
                Optional<String> d = diff(path + "[" + i + "]", ia.next(), ib.next());
                if (d.isPresent()) {
                    return d;
                }
            }
            return Optional.empty();
        }
        if (a != null && b != null && a.isNumber() && b.isNumber() && a.decimalValue().compareTo(b.decimalValue()) == 0) {
            return Optional.empty();
        }
        if (a == null ? b == null : a.equals(b)) {
            return Optional.empty();
        }
        return Optional.of(path + " is " + (a == null ? "unset" : a.toString()) + " there and "
                + (b == null ? "unset" : b.toString()) + " here");
    }
}
