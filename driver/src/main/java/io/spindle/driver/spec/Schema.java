package io.spindle.driver.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A small declarative schema for YAML specs. One definition ({@link SpecSchema}) drives three
 * things that must never disagree: validation with messages that name the spec path and the
 * value, default filling (the "resolved" spec), and the JSON Schema that editors use.
 */
public sealed interface Schema {

    JsonNodeFactory F = JsonNodeFactory.instance;

    /**
     * Checks {@code value} and returns it with defaults filled in.
     *
     * @param value the node found in the spec (never null; missing keys are not passed)
     * @param path the spec path of the node, e.g. {@code model.layers[2]}
     * @return the resolved node (a copy where defaults were added)
     * @throws SpecException naming the path and value on the first problem
     */
    JsonNode resolve(JsonNode value, String path);

    /** @return this node as JSON Schema (draft 2020-12) */
    ObjectNode jsonSchema();

    /** @return a short human description of the accepted values, used in messages */
    String describe();

    // ---------------------------------------------------------------- leaves

    /** A number, optionally an integer, with optional bounds. */
    record Num(boolean integer, Double min, boolean minExclusive, Double max, boolean maxExclusive, String doc)
            implements Schema {
        @Override
        public JsonNode resolve(JsonNode v, String path) {
            if (!v.isNumber()) {
                throw new SpecException(path + " must be " + describe() + ", got " + show(v));
            }
            if (integer && !(v.isIntegralNumber() || v.asDouble() == Math.rint(v.asDouble()))) {
                throw new SpecException(path + " must be an integer, got " + show(v));
            }
            double d = v.asDouble();
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                throw new SpecException(path + " must be a finite number, got " + show(v));
            }
            if (min != null && (minExclusive ? d <= min : d < min)) {
                throw new SpecException(path + " must be " + (minExclusive ? "> " : ">= ") + fmt(min) + ", got " + show(v));
            }
            if (max != null && (maxExclusive ? d >= max : d > max)) {
                throw new SpecException(path + " must be " + (maxExclusive ? "< " : "<= ") + fmt(max) + ", got " + show(v));
            }
            return integer ? F.numberNode(v.asLong()) : v;
        }

        @Override
        public ObjectNode jsonSchema() {
            ObjectNode s = F.objectNode().put("type", integer ? "integer" : "number");
            if (min != null) {
                s.put(minExclusive ? "exclusiveMinimum" : "minimum", min);
            }
            if (max != null) {
                s.put(maxExclusive ? "exclusiveMaximum" : "maximum", max);
            }
            return described(s, doc);
        }

        @Override
        public String describe() {
            return integer ? "an integer" : "a number";
        }
    }

    /** A string, optionally one of a closed set of values (case-insensitive). */
    record Str(List<String> values, String doc) implements Schema {
        @Override
        public JsonNode resolve(JsonNode v, String path) {
            if (!v.isTextual() && !(values.isEmpty() && v.isValueNode() && !v.isNull())) {
                throw new SpecException(path + " must be " + describe() + ", got " + show(v));
            }
            if (values.isEmpty()) {
                return F.textNode(v.asText());
            }
            String s = v.asText().toLowerCase(Locale.ROOT).replace('-', '_');
            if (!values.contains(s)) {
                throw new SpecException(path + " must be one of " + String.join(", ", values) + ", got " + show(v)
                        + didYouMean(s, values));
            }
            return F.textNode(s);
        }

        @Override
        public ObjectNode jsonSchema() {
            ObjectNode s = F.objectNode().put("type", "string");
            if (!values.isEmpty()) {
                ArrayNode e = s.putArray("enum");
                values.forEach(e::add);
            }
            return described(s, doc);
        }

        @Override
        public String describe() {
            return values.isEmpty() ? "a string" : "one of " + String.join(", ", values);
        }
    }

    /** true or false. */
    record Bool(String doc) implements Schema {
        @Override
        public JsonNode resolve(JsonNode v, String path) {
            if (!v.isBoolean()) {
                throw new SpecException(path + " must be true or false, got " + show(v));
            }
            return v;
        }

        @Override
        public ObjectNode jsonSchema() {
            return described(F.objectNode().put("type", "boolean"), doc);
        }

        @Override
        public String describe() {
            return "true or false";
        }
    }

    // ---------------------------------------------------------------- composites

    /** A list of items of one schema, optionally of bounded length. */
    record Arr(Schema item, int minItems, String doc) implements Schema {
        @Override
        public JsonNode resolve(JsonNode v, String path) {
            if (!v.isArray()) {
                throw new SpecException(path + " must be a list of " + item.describe() + ", got " + show(v));
            }
            if (v.size() < minItems) {
                throw new SpecException(path + " must have at least " + minItems + " item(s), got " + v.size());
            }
            ArrayNode out = F.arrayNode();
            for (int i = 0; i < v.size(); i++) {
                out.add(item.resolve(v.get(i), path + "[" + i + "]"));
            }
            return out;
        }

        @Override
        public ObjectNode jsonSchema() {
            ObjectNode s = F.objectNode().put("type", "array");
            s.set("items", item.jsonSchema());
            if (minItems > 0) {
                s.put("minItems", minItems);
            }
            return described(s, doc);
        }

        @Override
        public String describe() {
            return "a list";
        }
    }

    /** The first alternative whose JSON type matches wins (e.g. a string or a list of strings). */
    record AnyOf(List<Schema> options, String doc) implements Schema {
        @Override
        public JsonNode resolve(JsonNode v, String path) {
            SpecException first = null;
            for (Schema o : options) {
                try {
                    return o.resolve(v, path);
                } catch (SpecException e) {
                    if (first == null && typeMatches(o, v)) {
                        first = e;
                    }
                }
            }
            if (first != null) {
                throw first;
            }
            throw new SpecException(path + " must be " + describe() + ", got " + show(v));
        }

        private static boolean typeMatches(Schema o, JsonNode v) {
            return (o instanceof Num && v.isNumber()) || (o instanceof Str && v.isTextual())
                    || (o instanceof Arr && v.isArray()) || (o instanceof Obj && v.isObject())
                    || (o instanceof Bool && v.isBoolean());
        }

        @Override
        public ObjectNode jsonSchema() {
            ObjectNode s = F.objectNode();
            ArrayNode a = s.putArray("anyOf");
            options.forEach(o -> a.add(o.jsonSchema()));
            return described(s, doc);
        }

        @Override
        public String describe() {
            return options.stream().map(Schema::describe).collect(Collectors.joining(" or "));
        }
    }

    /** One key of an object: its schema, whether it is required, and its default. */
    record Field(Schema schema, boolean required, JsonNode defaultValue) { }

    /** An object with a closed set of keys; unknown keys are rejected with a "did you mean". */
    record Obj(Map<String, Field> fields, String doc) implements Schema {
        @Override
        public JsonNode resolve(JsonNode v, String path) {
            if (!v.isObject()) {
                throw new SpecException(prefix(path) + " must be a mapping of keys (" + String.join(", ", fields.keySet())
                        + "), got " + show(v));
            }
            for (Iterator<String> it = v.fieldNames(); it.hasNext(); ) {
                String k = it.next();
                if (!fields.containsKey(k)) {
                    throw new SpecException("unknown key " + join(path, k) + didYouMean(k, List.copyOf(fields.keySet()))
                            + "; allowed here: " + String.join(", ", fields.keySet()));
                }
            }
            ObjectNode out = F.objectNode();
            for (Map.Entry<String, Field> e : fields.entrySet()) {
                JsonNode given = v.get(e.getKey());
                String p = join(path, e.getKey());
                if (given == null || given.isNull()) {
                    if (e.getValue().required()) {
                        throw new SpecException(p + " is required (" + e.getValue().schema().describe() + ")");
                    }
                    if (e.getValue().defaultValue() != null) {
                        out.set(e.getKey(), e.getValue().schema().resolve(e.getValue().defaultValue(), p));
                    }
                } else {
                    out.set(e.getKey(), e.getValue().schema().resolve(given, p));
                }
            }
            return out;
        }

        @Override
        public ObjectNode jsonSchema() {
            ObjectNode s = F.objectNode().put("type", "object");
            ObjectNode props = s.putObject("properties");
            List<String> req = new ArrayList<>();
            fields.forEach((k, f) -> {
                ObjectNode p = f.schema().jsonSchema();
                if (f.defaultValue() != null) {
                    p.set("default", f.defaultValue());
                }
                props.set(k, p);
                if (f.required()) {
                    req.add(k);
                }
            });
            if (!req.isEmpty()) {
                ArrayNode r = s.putArray("required");
                req.forEach(r::add);
            }
            s.put("additionalProperties", false);
            return described(s, doc);
        }

        @Override
        public String describe() {
            return "a mapping";
        }
    }

    /** Objects told apart by a discriminator key (e.g. a layer's {@code type}). */
    record Tagged(String tag, Map<String, Obj> variants, String doc) implements Schema {
        @Override
        public JsonNode resolve(JsonNode v, String path) {
            if (!v.isObject()) {
                throw new SpecException(path + " must be a mapping with a '" + tag + "' key, got " + show(v));
            }
            JsonNode t = v.get(tag);
            if (t == null || !t.isTextual()) {
                throw new SpecException(join(path, tag) + " is required: one of " + String.join(", ", variants.keySet()));
            }
            String name = t.asText().toLowerCase(Locale.ROOT).replace('-', '_');
            Obj variant = variants.get(name);
            if (variant == null) {
                throw new SpecException(join(path, tag) + " must be one of " + String.join(", ", variants.keySet())
                        + ", got " + show(t) + didYouMean(name, List.copyOf(variants.keySet())));
            }
            ObjectNode copy = ((ObjectNode) v).deepCopy();
            copy.remove(tag);
            ObjectNode out = F.objectNode().put(tag, name);
            out.setAll((ObjectNode) variant.resolve(copy, path));
            return out;
        }

        @Override
        public ObjectNode jsonSchema() {
            ObjectNode s = F.objectNode().put("type", "object");
            ArrayNode one = s.putArray("oneOf");
            variants.forEach((name, o) -> {
                ObjectNode vs = o.jsonSchema();
                ((ObjectNode) vs.get("properties")).set(tag, F.objectNode().put("const", name));
                one.add(vs);
            });
            return described(s, doc);
        }

        @Override
        public String describe() {
            return "a mapping with '" + tag + "' one of " + String.join(", ", variants.keySet());
        }
    }

    // ---------------------------------------------------------------- builders

    static Num integer(double min, String doc) {
        return new Num(true, min, false, null, false, doc);
    }

    static Num positiveInt(String doc) {
        return new Num(true, 0.0, true, null, false, doc);
    }

    static Num positive(String doc) {
        return new Num(false, 0.0, true, null, false, doc);
    }

    static Num nonNegative(String doc) {
        return new Num(false, 0.0, false, null, false, doc);
    }

    static Num fraction(String doc) {
        return new Num(false, 0.0, false, 1.0, true, doc);
    }

    static Num openUnit(String doc) {
        return new Num(false, 0.0, true, 1.0, true, doc);
    }

    static Num number(String doc) {
        return new Num(false, null, false, null, false, doc);
    }

    static Str oneOf(String doc, String... values) {
        return new Str(List.of(values), doc);
    }

    static Str string(String doc) {
        return new Str(List.of(), doc);
    }

    /** Ordered builder for {@link Obj}. */
    final class ObjBuilder {
        private final Map<String, Field> fields = new LinkedHashMap<>();
        private final String doc;

        ObjBuilder(String doc) {
            this.doc = doc;
        }

        ObjBuilder req(String key, Schema s) {
            fields.put(key, new Field(s, true, null));
            return this;
        }

        ObjBuilder opt(String key, Schema s) {
            fields.put(key, new Field(s, false, null));
            return this;
        }

        ObjBuilder def(String key, Schema s, Object defaultValue) {
            fields.put(key, new Field(s, false, SpecTrees.MAPPER.valueToTree(defaultValue)));
            return this;
        }

        Obj build() {
            return new Obj(new LinkedHashMap<>(fields), doc);
        }
    }

    static ObjBuilder obj(String doc) {
        return new ObjBuilder(doc);
    }

    // ---------------------------------------------------------------- helpers

    private static ObjectNode described(ObjectNode s, String doc) {
        if (doc != null && !doc.isEmpty()) {
            s.put("description", doc);
        }
        return s;
    }

    private static String prefix(String path) {
        return path.isEmpty() ? "the spec" : path;
    }

    static String join(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    /** @return the value as the user wrote it, quoted when it is a string */
    static String show(JsonNode v) {
        if (v == null || v.isNull()) {
            return "nothing";
        }
        if (v.isTextual()) {
            return "'" + v.asText() + "'";
        }
        String s = v.toString();
        return s.length() > 60 ? s.substring(0, 57) + "..." : s;
    }

    private static String fmt(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }

    /**
     * @param word what the user wrote
     * @param candidates the accepted spellings
     * @return {@code " (did you mean 'x'?)"} for a close candidate, else an empty string
     */
    static String didYouMean(String word, List<String> candidates) {
        Optional<String> best = candidates.stream()
                .min(Comparator.comparingInt(c -> distance(word.toLowerCase(Locale.ROOT), c.toLowerCase(Locale.ROOT))));
        if (best.isEmpty()) {
            return "";
        }
        int d = distance(word.toLowerCase(Locale.ROOT), best.get().toLowerCase(Locale.ROOT));
        boolean close = d <= Math.max(2, best.get().length() / 3)
                || best.get().contains(word.toLowerCase(Locale.ROOT)) || word.toLowerCase(Locale.ROOT).contains(best.get());
        return close ? " (did you mean '" + best.get() + "'?)" : "";
    }

    /** Levenshtein distance with transpositions counted as one edit. */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }

    static List<String> list(String... s) {
        return Arrays.asList(s);
    }
}
