package io.spindle.driver.spec;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** YAML trees of specs: reading with located errors, {@code --set} overrides, layered merging. */
public final class SpecTrees {

    /** YAML reader and writer (block style, no document marker). */
    public static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES));
    /** JSON mapper for conversions and output. */
    public static final ObjectMapper MAPPER = new ObjectMapper();

    private static final Pattern SEGMENT = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)((?:\\[\\d+])*)");

    private SpecTrees() {
    }

    /**
     * Reads a YAML spec file.
     *
     * @param file the spec
     * @return its root mapping
     * @throws SpecException for a missing file, a YAML syntax error (with line and column) or a
     *     document that is not a mapping
     */
    public static ObjectNode read(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new SpecException("spec file " + file + " does not exist");
        } catch (IOException e) {
            throw new SpecException("cannot read spec file " + file + ": " + e.getMessage(), e);
        }
        return parse(text, file.toString());
    }

    /**
     * @param text YAML text
     * @param source name used in messages
     * @return the root mapping
     */
    public static ObjectNode parse(String text, String source) {
        JsonNode root;
        try {
            root = YAML.readTree(text);
        } catch (JsonProcessingException e) {
            JsonLocation loc = e.getLocation();
            String where = loc == null ? source : source + " line " + loc.getLineNr() + ", column " + loc.getColumnNr();
            throw new SpecException(where + ": invalid YAML: " + e.getOriginalMessage().split("\n")[0], e);
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            throw new SpecException(source + " is empty: a spec needs at least a data section (data.path, data.label)");
        }
        if (!root.isObject()) {
            throw new SpecException(source + " must be a YAML mapping (key: value lines), got " + Schema.show(root));
        }
        return (ObjectNode) root;
    }

    /**
     * Applies one {@code key=value} override in place, creating missing mappings on the way.
     * The value is read as YAML, so {@code 0.01}, {@code true}, {@code [64, 32]} and
     * {@code {type: dense, units: 8}} all work.
     *
     * @param root the spec tree
     * @param assignment {@code path=value}, e.g. {@code training.lr=0.01} or {@code model.layers[0].units=64}
     * @throws SpecException for a malformed assignment or a list index out of range
     */
    public static void set(ObjectNode root, String assignment) {
        int eq = assignment.indexOf('=');
        if (eq <= 0) {
            throw new SpecException("--set expects key=value (e.g. --set training.lr=0.01), got '" + assignment + "'");
        }
        String path = assignment.substring(0, eq).trim();
        String raw = assignment.substring(eq + 1);
        JsonNode value;
        try {
            value = raw.isBlank() ? Schema.F.nullNode() : YAML.readTree(raw);
        } catch (JsonProcessingException e) {
            throw new SpecException("--set " + path + ": cannot read value '" + raw + "' as YAML");
        }
        if (value == null || value.isMissingNode()) {
            value = Schema.F.nullNode();
        }
        String[] parts = path.split("\\.");
        JsonNode node = root;
        String walked = "";
        for (int i = 0; i < parts.length; i++) {
            Matcher m = SEGMENT.matcher(parts[i]);
            if (!m.matches()) {
                throw new SpecException("--set: '" + path + "' is not a spec path (e.g. training.lr or model.layers[0].units)");
            }
            String key = m.group(1);
            walked = Schema.join(walked, key);
            boolean last = i == parts.length - 1;
            String idx = m.group(2);
            ObjectNode obj = (ObjectNode) node;
            if (idx.isEmpty()) {
                if (last) {
                    obj.set(key, value);
                    return;
                }
                JsonNode next = obj.get(key);
                if (next == null || !next.isObject()) {
                    next = obj.putObject(key);
                }
                node = next;
            } else {
                JsonNode arr = obj.get(key);
                if (arr == null || !arr.isArray()) {
                    throw new SpecException("--set " + path + ": " + walked + " is not a list in this spec");
                }
                int[] indices = Pattern.compile("\\[(\\d+)]").matcher(idx).results()
                        .mapToInt(r -> Integer.parseInt(r.group(1))).toArray();
                for (int j = 0; j < indices.length; j++) {
                    ArrayNode a = (ArrayNode) arr;
                    int k = indices[j];
                    if (k >= a.size()) {
                        throw new SpecException("--set " + path + ": " + walked + " has " + a.size()
                                + " item(s), index " + k + " is out of range");
                    }
                    walked += "[" + k + "]";
                    if (last && j == indices.length - 1) {
                        a.set(k, value);
                        return;
                    }
                    arr = a.get(k);
                }
                if (!arr.isObject()) {
                    throw new SpecException("--set " + path + ": " + walked + " is not a mapping");
                }
                node = arr;
            }
        }
    }

    /**
     * Layers {@code top} over {@code base}: mappings merge key by key, anything else (scalars,
     * lists such as {@code model.layers}) is replaced whole.
     *
     * @param base lower layer (not modified)
     * @param top upper layer (not modified)
     * @return a new merged tree
     */
    public static ObjectNode merge(ObjectNode base, ObjectNode top) {
        ObjectNode out = base.deepCopy();
        for (Iterator<Map.Entry<String, JsonNode>> it = top.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode old = out.get(e.getKey());
            if (old != null && old.isObject() && e.getValue().isObject()) {
                out.set(e.getKey(), merge((ObjectNode) old, (ObjectNode) e.getValue()));
            } else {
                out.set(e.getKey(), e.getValue().deepCopy());
            }
        }
        return out;
    }

    /**
     * @param tree a spec tree
     * @return the tree as YAML text
     */
    public static String toYaml(JsonNode tree) {
        try {
            return YAML.writeValueAsString(tree);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render spec as YAML", e);
        }
    }
}
