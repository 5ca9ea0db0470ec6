package io.spindle.driver.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The bookkeeping every strategy shares: proposed trials in order, and their outcomes. */
final class Trials {

    /** One proposed trial; {@code outcome} is empty while it runs. */
    record Trial(int index, String id, Config config, Optional<Outcome> outcome) {
    }

    private final Map<String, Trial> byId = new LinkedHashMap<>();

    /**
     * @param seed the search's seed
     * @return the generator whose next {@code split()} draws the next trial: trial k uses the k-th
     *     split of {@code new SplittableRandom(seed)}, so a restored search continues identically
     */
    java.util.SplittableRandom randomAfterTrials(long seed) {
        java.util.SplittableRandom root = new java.util.SplittableRandom(seed);
        for (int i = 0; i < size(); i++) {
            root.split();
        }
        return root;
    }

    int size() {
        return byId.size();
    }

    /** @return a new proposal with the next sequential id */
    Proposal propose(Config config) {
        String id = String.format("trial-%04d", byId.size());
        byId.put(id, new Trial(byId.size(), id, config, Optional.empty()));
        return new Proposal(id, config);
    }

    void tell(String trialId, Outcome outcome) {
        java.util.Objects.requireNonNull(outcome, "outcome");
        Trial t = byId.get(trialId);
        if (t == null) {
            throw new IllegalStateException("tell(" + trialId + "): no such trial was proposed by this strategy");
        }
        if (t.outcome().isPresent()) {
            throw new IllegalStateException("tell(" + trialId + "): its outcome was already told ("
                    + t.outcome().get() + ")");
        }
        byId.put(trialId, new Trial(t.index(), t.id(), t.config(), Optional.of(outcome)));
    }

    /** @return the told trials in proposal order */
    List<Trial> finished() {
        List<Trial> out = new ArrayList<>();
        for (Trial t : byId.values()) {
            if (t.outcome().isPresent()) {
                out.add(t);
            }
        }
        return out;
    }

    ArrayNode toJson() {
        ArrayNode a = Json.array();
        for (Trial t : byId.values()) {
            ObjectNode o = a.addObject();
            o.put("id", t.id());
            o.set("config", Json.config(t.config()));
            t.outcome().ifPresent(out -> {
                o.set("value", Json.dbl(out.value()));
                o.put("status", out.status().name());
            });
        }
        return a;
    }

    static Trials fromJson(JsonNode a) {
        Trials trials = new Trials();
        for (JsonNode o : a) {
            String id = o.get("id").textValue();
            Optional<Outcome> out = o.has("status")
                    ? Optional.of(new Outcome(Json.dbl(o.get("value")), Outcome.Status.valueOf(o.get("status").textValue())))
                    : Optional.empty();
            trials.byId.put(id, new Trial(trials.byId.size(), id, Json.config(o.get("config")), out));
        }
        return trials;
    }
}
