package io.spindle.driver.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.spindle.driver.spec.SpecException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * An immutable search space: spec paths to priors, with simple conditional parameters (active
 * only when an unconditional choice parameter has a given value). Parameters keep their
 * definition order, except that every unconditional parameter comes before every conditional
 * one, so a sampler can decide parents first.
 *
 * <p>JSON form, as in a sweep file:
 * <pre>{@code
 * {"training.lr": {"loguniform": [1e-4, 1e-1]},
 *  "model.layers[0].units": {"choice": [64, 128, 256]},
 *  "model.layers[1].rate": {"uniform": [0.0, 0.5], "when": {"training.optimizer": "adam"}, "grid": 3}}
 * }</pre>
 * Whether each key names a real spec path is checked by the caller against the spec schema,
 * using {@link #paths()}.
 */
public final class Space {
    private final List<Param> params;
    private final Map<String, Param> byPath;

    private Space(List<Param> params) {
        List<Param> ordered = new ArrayList<>(params);
        ordered.sort(Comparator.comparingInt(p -> p.when().isEmpty() ? 0 : 1));
        this.params = List.copyOf(ordered);
        this.byPath = new LinkedHashMap<>();
        for (Param p : this.params) {
            this.byPath.put(p.path(), p);
        }
    }

    /**
     * @param params the parameters
     * @return the space
     * @throws SpecException when empty, a path repeats, or a condition does not name an
     *         unconditional choice parameter and one of its values
     */
    public static Space of(List<Param> params) {
        if (params.isEmpty()) {
            throw new SpecException("sweep space is empty; add at least one parameter, e.g. "
                    + "{\"training.lr\": {\"loguniform\": [1e-4, 1e-1]}}");
        }
        Map<String, Param> seen = new LinkedHashMap<>();
        for (Param p : params) {
            if (seen.put(p.path(), p) != null) {
                throw new SpecException("sweep." + p.path() + " is defined twice; keep one definition");
            }
        }
        for (Param p : params) {
            for (Map.Entry<String, Object> c : p.when().entrySet()) {
                Param parent = seen.get(c.getKey());
                String at = "sweep." + p.path() + ".when." + c.getKey();
                if (parent == null) {
                    throw new SpecException(at + " refers to a parameter not in the space; add \""
                            + c.getKey() + "\" with a choice, or remove the condition");
                }
                if (!(parent.distribution() instanceof Distribution.Choice choice)) {
                    throw new SpecException(at + " must refer to a choice parameter, but " + c.getKey()
                            + " is " + parent.distribution().toJson());
                }
                if (!parent.when().isEmpty()) {
                    throw new SpecException(at + " refers to a conditional parameter; conditions may only "
                            + "refer to unconditional choice parameters");
                }
                if (choice.indexOf(c.getValue()) < 0) {
                    throw new SpecException(at + " = " + Json.node(c.getValue()) + " is not one of "
                            + c.getKey() + "'s choices " + choice.values());
                }
            }
        }
        return new Space(params);
    }

    /**
     * @param json path to definition, see the class comment
     * @return the space
     * @throws SpecException for an empty space, an unknown distribution, bad bounds, an empty
     *         choice, a non-positive q, or a bad condition; the message names the path and value
     */
    public static Space fromJson(JsonNode json) {
        if (json == null || !json.isObject()) {
            throw new SpecException("sweep space must be an object of spec path -> distribution, got " + json);
        }
        List<Param> params = new ArrayList<>();
        Iterator<Map.Entry<String, JsonNode>> it = json.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            params.add(parse(e.getKey(), e.getValue()));
        }
        return of(params);
    }

    private static Param parse(String path, JsonNode def) {
        String at = "sweep." + path;
        if (!def.isObject()) {
            throw new SpecException(at + " must be an object such as {\"uniform\": [0, 1]}, got " + def);
        }
        Distribution dist = null;
        Map<String, Object> when = new LinkedHashMap<>();
        int grid = 0;
        Iterator<Map.Entry<String, JsonNode>> it = def.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = e.getKey();
            JsonNode v = e.getValue();
            switch (key) {
                case "when" -> {
                    if (!v.isObject() || v.isEmpty()) {
                        throw new SpecException(at + ".when must be an object such as {\"training.optimizer\": "
                                + "\"adam\"}, got " + v);
                    }
                    v.fields().forEachRemaining(c -> when.put(c.getKey(), scalarOrThrow(at + ".when." + c.getKey(), c.getValue())));
                }
                case "grid" -> {
                    if (!v.canConvertToInt() || !v.isIntegralNumber() || v.intValue() < 1) {
                        throw new SpecException(at + ".grid must be an integer >= 1 (points per axis), got " + v);
                    }
                    grid = v.intValue();
                }
                default -> {
                    if (!Distribution.NAMES.contains(key)) {
                        throw new SpecException(at + ": unknown distribution '" + key + "'"
                                + io.spindle.driver.spec.Schema.didYouMean(key, Distribution.NAMES) + "; use one of " + Distribution.NAMES);
                    }
                    if (dist != null) {
                        throw new SpecException(at + " has two distributions; keep exactly one of " + Distribution.NAMES);
                    }
                    try {
                        dist = distribution(key, v, at);
                    } catch (SpecException ex) {
                        throw ex.getMessage().startsWith(at) ? ex : new SpecException(at + ": " + ex.getMessage(), ex);
                    }
                }
            }
        }
        if (dist == null) {
            throw new SpecException(at + " has no distribution; add one of " + Distribution.NAMES
                    + ", e.g. {\"uniform\": [0, 1]}");
        }
        return new Param(path, dist, when, grid);
    }

    private static Distribution distribution(String kind, JsonNode v, String at) {
        if (!v.isArray()) {
            throw new SpecException(at + "." + kind + " must be a list, got " + v);
        }
        if (kind.equals("choice")) {
            List<Object> values = new ArrayList<>();
            for (JsonNode n : v) {
                values.add(scalarOrThrow(at + ".choice", n));
            }
            return new Distribution.Choice(values);
        }
        int arity = kind.equals("quniform") ? 3 : 2;
        if (v.size() != arity) {
            throw new SpecException(at + "." + kind + " needs " + (arity == 3 ? "[low, high, q]" : "[low, high]")
                    + ", got " + v);
        }
        for (JsonNode n : v) {
            if (!n.isNumber()) {
                throw new SpecException(at + "." + kind + " needs numbers, got " + v);
            }
        }
        double lo = v.get(0).doubleValue();
        double hi = v.get(1).doubleValue();
        return switch (kind) {
            case "uniform" -> new Distribution.Uniform(lo, hi);
            case "loguniform" -> new Distribution.LogUniform(lo, hi);
            case "int" -> {
                if (!v.get(0).canConvertToInt() || !v.get(0).isIntegralNumber()
                        || !v.get(1).canConvertToInt() || !v.get(1).isIntegralNumber()) {
                    throw new SpecException(at + ".int needs integer bounds, got " + v
                            + "; use quniform for a stepped real range");
                }
                yield new Distribution.IntUniform(v.get(0).intValue(), v.get(1).intValue());
            }
            case "quniform" -> new Distribution.QUniform(lo, hi, v.get(2).doubleValue());
            default -> throw new IllegalStateException(kind);
        };
    }

    private static Object scalarOrThrow(String at, JsonNode n) {
        if (n.isContainerNode()) {
            throw new SpecException(at + " values must be JSON scalars (number, string, boolean, null), got " + n);
        }
        return Json.scalar(n);
    }

    /** @return the spec paths this space sets, parents before conditional parameters */
    public List<String> paths() {
        return List.copyOf(byPath.keySet());
    }

    /** @return the parameters, unconditional ones first */
    public List<Param> params() {
        return params;
    }

    /**
     * @param path a spec path
     * @return its parameter, if in the space
     */
    public Optional<Param> param(String path) {
        return Optional.ofNullable(byPath.get(path));
    }

    /**
     * @param rng the randomness to draw from
     * @return a config drawn from the priors, with only the active parameters set
     */
    public Config sample(SplittableRandom rng) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (Param p : params) {
            if (p.activeIn(values)) {
                values.put(p.path(), p.distribution().sample(rng));
            }
        }
        return new Config(values);
    }

    /** @return the JSON form that {@link #fromJson} reads back to an equal space */
    public ObjectNode toJson() {
        ObjectNode o = Json.F.objectNode();
        for (Param p : params) {
            ObjectNode d = p.distribution().toJson();
            if (!p.when().isEmpty()) {
                ObjectNode w = d.putObject("when");
                p.when().forEach((k, v) -> w.set(k, Json.node(v)));
            }
            if (p.grid() > 0) {
                d.put("grid", p.grid());
            }
            o.set(p.path(), d);
        }
        return o;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Space s && s.params.equals(params);
    }

    @Override
    public int hashCode() {
        return params.hashCode();
    }

    @Override
    public String toString() {
        return toJson().toString();
    }
}
