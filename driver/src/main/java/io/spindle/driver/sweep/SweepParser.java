package io.spindle.driver.sweep;

import static io.spindle.driver.spec.Schema.integer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.spindle.driver.spec.JobSpec;
import io.spindle.driver.spec.Metric;
import io.spindle.driver.spec.SpecException;
import io.spindle.driver.spec.SpecParser;
import io.spindle.driver.spec.SpecTrees;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.SplittableRandom;

/**
 * Reads a sweep file: a job spec with a {@code sweep} section, or a file that {@code extends} a
 * job spec (relative to the sweep file) and adds the {@code sweep} section and any job keys it
 * overrides. Precedence: preset &lt; extended spec &lt; sweep file &lt; {@code --set} (which reaches the
 * sweep section's own keys too, e.g. {@code sweep.trials=4}). Every space
 * key must name a spec path the job spec accepts (checked by resolving the base with a sample of
 * each parameter), the metric must be one the task computes, and the sweep settings are in range.
 */
public final class SweepParser {

    /** The sweep section's keys. */
    static final List<String> KEYS = List.of("strategy", "trials", "parallel_trials", "workers_per_trial", "metric",
            "mode", "space", "scheduler", "time_budget", "seed");

    /** The scheduler mapping's keys. */
    static final List<String> SCHEDULER_KEYS = List.of("type", "min_epochs", "max_epochs", "reduction_factor", "promotion");

    private SweepParser() {
    }

    /**
     * @param file the sweep file
     * @param overrides {@code key=value} assignments over the job keys (e.g. {@code training.epochs=5}) and
     *     the sweep section ({@code sweep.trials=4})
     * @return the sweep
     * @throws SpecException for any problem, naming the path and value
     */
    public static SweepSpec parse(Path file, List<String> overrides) {
        ObjectNode tree = SpecTrees.read(file);
        Path dir = file.toAbsolutePath().getParent();
        if (tree.has("extends")) {
            JsonNode ext = tree.remove("extends");
            if (!ext.isTextual() || ext.asText().isBlank()) {
                throw new SpecException("extends must name a job spec file, got " + ext);
            }
            Path basePath = dir.resolve(ext.asText());
            if (!java.nio.file.Files.isRegularFile(basePath)) {
                throw new SpecException("extends: " + basePath + " does not exist; name a job spec file relative to "
                        + file);
            }
            ObjectNode base = SpecTrees.read(basePath);
            base.remove("sweep");
            tree = SpecTrees.merge(base, tree);
        }
        if (!tree.path("sweep").isObject()) {
            throw new SpecException("sweep is required: a mapping with strategy, trials and space (see docs/sweeps.md)");
        }
        for (String o : overrides) {
            SpecTrees.set(tree, o); // job keys, and sweep.* keys of the sweep section
        }
        JsonNode sweep = tree.remove("sweep");
        String name = file.getFileName().toString().replaceFirst("\\.(ya?ml|json)$", "");
        JobSpec base = SpecParser.resolve(tree, name, dir);
        return resolve((ObjectNode) sweep, base);
    }

    /**
     * @param sweep the sweep section
     * @param base the resolved job spec
     * @return the sweep
     * @throws SpecException for any problem, naming the path and value
     */
    public static SweepSpec resolve(ObjectNode sweep, JobSpec base) {
        sweep.fieldNames().forEachRemaining(k -> {
            if (!KEYS.contains(k)) {
                throw new SpecException("unknown key sweep." + k + io.spindle.driver.spec.Schema.didYouMean(k, KEYS)
                        + "; keys: " + String.join(", ", KEYS));
            }
        });
        Space space;
        try {
            space = Space.fromJson(sweep.get("space"));
        } catch (SpecException e) {
            throw new SpecException(e.getMessage().startsWith("sweep") ? e.getMessage() : "sweep.space: " + e.getMessage(), e);
        }
        checkPaths(space, base);
        if (base.training().lrAuto() && !space.paths().contains("training.lr")) {
            throw new SpecException("training.lr: auto in a sweep's job spec: a sweep does not run the range test for"
                    + " every trial; search training.lr in sweep.space (e.g. loguniform 1e-4 to 1e-1), or set it to"
                    + " the rate spindle lr-find suggests");
        }
        String strategy = text(sweep, "strategy", "random");
        if (!List.of("grid", "random", "tpe").contains(strategy)) {
            throw new SpecException("sweep.strategy must be grid, random or tpe, got '" + strategy + "'"
                    + io.spindle.driver.spec.Schema.didYouMean(strategy, List.of("grid", "random", "tpe")));
        }
        int trials = count(sweep, "trials", strategy.equals("grid") ? Integer.MAX_VALUE : 20, 1);
        int parallel = count(sweep, "parallel_trials", 2, 1);
        int workers = count(sweep, "workers_per_trial", 1, 1);
        List<Metric> metrics = new ArrayList<>();
        base.metrics().compute().forEach(m -> metrics.add(Metric.find(m).orElseThrow()));
        metrics.add(Metric.LOSS);
        Metric chosen = Metric.parse(text(sweep, "metric", base.metrics().select()), "sweep.metric", metrics,
                "computed by the job spec (add it to metrics.compute)");
        String metric = chosen.spelling();
        String modeText = text(sweep, "mode", "auto");
        Mode mode;
        if (modeText.equals("auto")) {
            mode = chosen.higherIsBetter() ? Mode.MAX : Mode.MIN;
        } else if (modeText.equals("min") || modeText.equals("max")) {
            mode = Mode.parse(modeText);
        } else {
            throw new SpecException("sweep.mode must be auto, min or max, got '" + modeText + "'");
        }
        SweepSpec.Scheduler scheduler = scheduler(sweep.get("scheduler"), base.training().epochs());
        OptionalDouble budget = OptionalDouble.empty();
        if (sweep.has("time_budget")) {
            budget = OptionalDouble.of(seconds(sweep.get("time_budget")));
        }
        long seed = sweep.has("seed") ? (long) integer(0, null).resolve(sweep.get("seed"), "sweep.seed").asLong()
                : base.training().seed();
        SweepSpec spec = new SweepSpec(base, space, strategy, trials, parallel, workers, metric, mode, scheduler, budget,
                seed);
        try {
            spec.newStrategy(); // a grid over continuous parameters without a count fails here, before any work
            spec.newScheduler();
        } catch (IllegalArgumentException e) {
            throw e instanceof SpecException ? e : new SpecException("sweep: " + e.getMessage(), e);
        }
        return spec;
    }

    /** Every space key must be a spec path the job spec accepts: resolve the base with a sample of each. */
    private static void checkPaths(Space space, JobSpec base) {
        Config sample = space.sample(new SplittableRandom(0));
        for (String path : space.paths()) {
            Object value = sample.values().get(path);
            if (value == null) {
                continue; // an inactive conditional parameter
            }
            try {
                base.withOverrides(Map.of(path, value));
            } catch (SpecException e) {
                throw new SpecException("sweep.space key '" + path + "' does not work as a spec path with value "
                        + value + ": " + e.getMessage());
            }
        }
    }

    private static SweepSpec.Scheduler scheduler(JsonNode n, int epochs) {
        if (n == null || n.isNull()) {
            return new SweepSpec.Scheduler("none", 1, epochs, 3);
        }
        if (n.isTextual()) {
            ObjectNode o = SpecTrees.MAPPER.createObjectNode().put("type", n.asText());
            return scheduler(o, epochs);
        }
        if (!n.isObject()) {
            throw new SpecException("sweep.scheduler must be none, asha, hyperband or median, or a mapping with type,"
                    + " min_epochs, max_epochs, reduction_factor and (asha) promotion; got " + n);
        }
        n.fieldNames().forEachRemaining(k -> {
            if (!SCHEDULER_KEYS.contains(k)) {
                throw new SpecException("unknown key sweep.scheduler." + k + io.spindle.driver.spec.Schema.didYouMean(k,
                        SCHEDULER_KEYS) + "; keys: " + String.join(", ", SCHEDULER_KEYS));
            }
        });
        String type = n.path("type").asText("none");
        if (!List.of("none", "asha", "hyperband", "median").contains(type)) {
            throw new SpecException("sweep.scheduler.type must be none, asha, hyperband or median, got '" + type + "'");
        }
        int min = count(n, "min_epochs", 1, 1);
        int max = count(n, "max_epochs", epochs, 1);
        int eta = count(n, "reduction_factor", 3, 2);
        if (min > max) {
            throw new SpecException("sweep.scheduler.min_epochs (" + min + ") must be <= max_epochs (" + max + ")");
        }
        if (max > epochs) {
            throw new SpecException("sweep.scheduler.max_epochs (" + max + ") must be <= training.epochs (" + epochs
                    + "); raise training.epochs or lower max_epochs");
        }
        boolean promotion = false;
        JsonNode p = n.get("promotion");
        if (p != null && !p.isNull()) {
            if (!p.isBoolean()) {
                throw new SpecException("sweep.scheduler.promotion must be true or false, got " + p);
            }
            if (!type.equals("asha") && p.asBoolean()) {
                throw new SpecException("sweep.scheduler.promotion is for type asha (trials pause at a rung and may be"
                        + " promoted later); " + type + " has no such form: remove promotion or set type: asha");
            }
            promotion = p.asBoolean();
        }
        return new SweepSpec.Scheduler(type, min, max, eta, promotion);
    }

    private static double seconds(JsonNode n) {
        if (n.isNumber() && n.asDouble() > 0) {
            return n.asDouble();
        }
        return seconds(n.asText(""), "sweep.time_budget", n.toString());
    }

    /**
     * @param text a duration such as {@code 90s}, {@code 30m} or {@code 2h}
     * @param where the key or option it came from, for the message
     * @return its seconds
     * @throws SpecException naming {@code where} when the text is no positive duration
     */
    public static double seconds(String text, String where) {
        return seconds(text, where, "'" + text + "'");
    }

    private static double seconds(String text, String where, String shown) {
        String t = text.trim().toLowerCase(java.util.Locale.ROOT);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(s|m|h)").matcher(t);
        if (m.matches()) {
            double v = Double.parseDouble(m.group(1));
            double s = v * switch (m.group(2)) {
                case "h" -> 3600;
                case "m" -> 60;
                default -> 1;
            };
            if (s > 0) {
                return s;
            }
        }
        throw new SpecException(where + " must be a positive duration such as 90s, 30m or 2h (units s, m, h), got " + shown);
    }

    private static String text(JsonNode n, String key, String def) {
        JsonNode v = n.get(key);
        if (v == null || v.isNull()) {
            return def;
        }
        if (!v.isTextual()) {
            throw new SpecException("sweep." + key + " must be text, got " + v);
        }
        return v.asText().toLowerCase(java.util.Locale.ROOT);
    }

    private static int count(JsonNode n, String key, int def, int min) {
        JsonNode v = n.get(key);
        if (v == null || v.isNull()) {
            return def;
        }
        if (!v.isIntegralNumber() || v.asLong() < min || v.asLong() > Integer.MAX_VALUE) {
            throw new SpecException("sweep." + (n.has("type") ? "scheduler." : "") + key + " must be an integer >= "
                    + min + ", got " + v);
        }
        return v.asInt();
    }
}
