package io.spindle.driver.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.spindle.driver.spec.SpecException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Grid search: every combination of the parameters' grid values, in a fixed order (the last
 * parameter varies fastest). Choice, int and quniform parameters contribute all their values;
 * uniform and loguniform parameters need {@code "grid": N} points (log-spaced for loguniform) or
 * are refused. A conditional parameter only multiplies the combinations where it is active.
 */
public final class GridSearch implements SearchStrategy {
    /** Above this many combinations without a cap the grid is refused. */
    public static final int MAX_COMBINATIONS = 100_000;

    private final Space space;
    private final int cap;
    private final List<Config> grid;
    private final Trials trials;

    /**
     * @param space the space to enumerate
     * @param cap the most trials to propose, or 0 for all combinations
     * @throws SpecException when a continuous parameter lacks a grid count, or there are more
     *         than {@link #MAX_COMBINATIONS} combinations and no cap
     */
    public GridSearch(Space space, int cap) {
        this(space, cap, new Trials());
    }

    private GridSearch(Space space, int cap, Trials trials) {
        if (cap < 0) {
            throw new IllegalArgumentException("grid search cap must be >= 0 (0 = no cap), got " + cap);
        }
        this.space = java.util.Objects.requireNonNull(space, "space");
        this.cap = cap;
        this.grid = enumerate(space, cap);
        this.trials = trials;
    }

    /**
     * @param space the space
     * @param cap the most combinations to list, or 0 for all
     * @return the combinations in proposal order
     */
    static List<Config> enumerate(Space space, int cap) {
        List<List<Object>> axes = new ArrayList<>();
        for (Param p : space.params()) {
            try {
                axes.add(p.distribution().grid(p.grid()));
            } catch (SpecException e) {
                throw new SpecException("sweep." + p.path() + ": " + e.getMessage(), e);
            }
        }
        int limit = cap > 0 ? cap : MAX_COMBINATIONS + 1;
        List<Config> out = new ArrayList<>();
        walk(space.params(), axes, 0, new LinkedHashMap<>(), out, limit);
        if (cap == 0 && out.size() > MAX_COMBINATIONS) {
            throw new SpecException("grid search over " + space.paths() + " has more than " + MAX_COMBINATIONS
                    + " combinations; set a cap, give continuous parameters fewer grid points, or use random/tpe");
        }
        return out;
    }

    private static void walk(List<Param> params, List<List<Object>> axes, int i, Map<String, Object> partial,
            List<Config> out, int limit) {
        if (out.size() >= limit) {
            return;
        }
        if (i == params.size()) {
            out.add(new Config(partial));
            return;
        }
        Param p = params.get(i);
        if (!p.activeIn(partial)) {
            walk(params, axes, i + 1, partial, out, limit);
            return;
        }
        for (Object v : axes.get(i)) {
            partial.put(p.path(), v);
            walk(params, axes, i + 1, partial, out, limit);
            partial.remove(p.path());
        }
    }

    /** @return how many trials this grid proposes in all */
    public int size() {
        return grid.size();
    }

    @Override
    public Optional<Proposal> ask() {
        if (trials.size() >= grid.size()) {
            return Optional.empty();
        }
        return Optional.of(trials.propose(grid.get(trials.size())));
    }

    @Override
    public void tell(String trialId, Outcome outcome) {
        trials.tell(trialId, outcome);
    }

    @Override
    public JsonNode snapshot() {
        ObjectNode o = Json.F.objectNode();
        o.put("type", "grid");
        o.set("space", space.toJson());
        o.put("cap", cap);
        o.set("trials", trials.toJson());
        return o;
    }

    /**
     * @param space the sweep's space, which must equal the snapshot's
     * @param snapshot from {@link #snapshot()}
     * @return a strategy that continues where the snapshot was taken
     * @throws IllegalArgumentException when the snapshot is of another type or another space
     */
    public static GridSearch restore(Space space, JsonNode snapshot) {
        Json.expectType(snapshot, "grid");
        RandomSearch.checkSpace(space, snapshot);
        return new GridSearch(space, Json.require(snapshot, "cap").intValue(),
                Trials.fromJson(Json.require(snapshot, "trials")));
    }
}
