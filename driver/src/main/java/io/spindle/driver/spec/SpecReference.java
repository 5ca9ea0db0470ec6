package io.spindle.driver.spec;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The job spec reference in Markdown, generated from {@link SpecSchema} (the schema {@code spindle
 * schema} prints): one table per section with every key's spec path, the values it accepts, its
 * default and its documentation; keyed families (layer types, schedules, the outer optimizer) get
 * a table per variant. {@code spindle schema --format markdown} prints it; {@code docs/spec.md} is
 * its output, and a test fails when the file and the schema disagree.
 */
public final class SpecReference {

    private SpecReference() {
    }

    /** @return the reference, ending with a newline */
    public static String markdown() {
        StringBuilder sb = new StringBuilder("# Job spec reference\n\n");
        sb.append("Generated from the spec schema (`./spindle schema --format markdown > docs/spec.md`; `./spindle schema`"
                + " prints the same as JSON Schema for editors). How the sections work together, with examples:"
                + " [spec-guide.md](spec-guide.md). Back to [README](../README.md).\n\n");
        sb.append("A spec is YAML. Keys not listed are refused with the closest match; values are checked where they are"
                + " read, with the spec path in the message. `required` keys have no default; `-` means the key may be"
                + " left out and its value then follows from others (the task, the preset, the optimizer).\n");
        Schema.Obj root = (Schema.Obj) SpecSchema.root();
        sb.append("\n## Top level\n\n").append(HEADER);
        root.fields().forEach((k, f) -> {
            if (!(f.schema() instanceof Schema.Obj)) {
                row(sb, k, f);
            }
        });
        root.fields().forEach((k, f) -> {
            if (f.schema() instanceof Schema.Obj o) {
                section(sb, new Section(k, "`" + k + "`", o));
            }
        });
        sb.append("\n## Defaults that follow from other values\n\n")
                .append("These keys have no fixed default (`-` above): a spec that leaves them out gets these values"
                        + " (`spindle validate` prints them resolved):\n\n| key | default |\n| --- | --- |\n");
        SpecDefaults.RULES.forEach(r -> sb.append("| `").append(r.key()).append("` | ").append(r.rule()).append(" |\n"));
        return sb.toString();
    }

    /**
     * A mapping of the spec: a section, a nested mapping or a variant of a keyed family.
     *
     * @param path the spec path its keys hang from ({@code model.layers[]})
     * @param title its heading
     * @param obj its keys
     */
    private record Section(String path, String title, Schema.Obj obj) { }

    private static final String HEADER = "| key | accepts | default | meaning |\n| --- | --- | --- | --- |\n";

    /** Writes a mapping's table, then the mappings inside it, each right after its parent. */
    private static void section(StringBuilder sb, Section s) {
        sb.append("\n## ").append(s.title()).append("\n\n");
        if (s.obj().doc() != null && !s.obj().doc().isBlank()) {
            sb.append(sentence(s.obj().doc())).append("\n\n");
        }
        List<Section> nested = new ArrayList<>();
        if (s.obj().fields().isEmpty()) {
            sb.append("No keys besides the type.\n");
        } else {
            sb.append(HEADER);
            s.obj().fields().forEach((k, f) -> {
                String p = s.path() + "." + k;
                row(sb, p, f);
                nested.addAll(children(p, f.schema()));
            });
        }
        nested.forEach(n -> section(sb, n));
    }

    /** @return the mappings and variants inside a key's schema, to be written as sections of their own */
    private static List<Section> children(String path, Schema s) {
        List<Section> out = new ArrayList<>();
        if (s instanceof Schema.Obj o) {
            out.add(new Section(path, "`" + path + "`", o));
        } else if (s instanceof Schema.Tagged t) {
            t.variants().forEach((name, o) -> out.add(new Section(path, "`" + path + "` with `" + t.tag() + ": " + name
                    + "`", o)));
        } else if (s instanceof Schema.Arr a) {
            out.addAll(children(path + "[]", a.item()));
        } else if (s instanceof Schema.AnyOf any) {
            any.options().forEach(o -> out.addAll(children(path, o)));
        }
        return out;
    }

    private static void row(StringBuilder sb, String path, Schema.Field f) {
        sb.append("| `").append(path).append("` | ").append(cell(accepts(f.schema()))).append(" | ")
                .append(f.required() ? "required" : f.defaultValue() == null ? "-" : "`" + cell(json(f.defaultValue())) + "`")
                .append(" | ").append(cell(doc(f.schema()))).append(" |\n");
    }

    /** @return the values a schema accepts, in words */
    static String accepts(Schema s) {
        if (s instanceof Schema.Num n) {
            return number(n);
        }
        if (s instanceof Schema.Str str) {
            return str.values().isEmpty() ? "text"
                    : str.values().stream().map(v -> "`" + v + "`").collect(Collectors.joining(", "));
        }
        if (s instanceof Schema.Bool) {
            return "`true`, `false`";
        }
        if (s instanceof Schema.Arr a) {
            String item = accepts(a.item());
            return "list of " + (a.item() instanceof Schema.AnyOf ? "(" + item + ")" : item)
                    + (a.minItems() > 0 ? ", at least " + a.minItems() : "");
        }
        if (s instanceof Schema.AnyOf any) {
            return any.options().stream().map(SpecReference::accepts).collect(Collectors.joining("; or "));
        }
        if (s instanceof Schema.Tagged t) {
            return "mapping with `" + t.tag() + "`: " + t.variants().keySet().stream().map(v -> "`" + v + "`")
                    .collect(Collectors.joining(", ")) + " (below)";
        }
        return "mapping (below)";
    }

    private static String number(Schema.Num n) {
        String kind = n.integer() ? "integer" : "number";
        if (n.min() != null && n.max() != null) {
            return kind + " in " + (n.minExclusive() ? "(" : "[") + plain(n.min()) + ", " + plain(n.max())
                    + (n.maxExclusive() ? ")" : "]");
        }
        if (n.min() != null) {
            return kind + (n.minExclusive() ? " > " : " >= ") + plain(n.min());
        }
        if (n.max() != null) {
            return kind + (n.maxExclusive() ? " < " : " <= ") + plain(n.max());
        }
        return kind;
    }

    private static String plain(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }

    private static String doc(Schema s) {
        String d = null;
        if (s instanceof Schema.Num n) {
            d = n.doc();
        } else if (s instanceof Schema.Str str) {
            d = str.doc();
        } else if (s instanceof Schema.Bool b) {
            d = b.doc();
        } else if (s instanceof Schema.Arr a) {
            d = a.doc() != null ? a.doc() : doc(a.item());
        } else if (s instanceof Schema.AnyOf any) {
            d = any.doc();
        } else if (s instanceof Schema.Obj o) {
            d = o.doc();
        } else if (s instanceof Schema.Tagged t) {
            d = t.doc();
        }
        return d == null ? "" : d;
    }

    private static String json(JsonNode v) {
        return v.isTextual() ? v.asText() : v.toString().replace("\"", "");
    }

    private static String cell(String s) {
        return s.replace("|", "\\|").replace("\n", " ");
    }

    /** @return the documentation as a sentence: a full stop added (its first word may be a key, so no capital) */
    private static String sentence(String s) {
        String t = s.strip();
        return t.isEmpty() || t.endsWith(".") ? t : t + ".";
    }
}
