package io.spindle.driver.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The per-trial histories and stopped set that schedulers share, with their JSON form. */
final class Histories {
    final Map<String, List<Double>> byId = new LinkedHashMap<>();
    final Set<String> stopped = new LinkedHashSet<>();

    /**
     * Records a trial's latest history and answers what every scheduler answers the same way.
     *
     * @param h the trial's history so far
     * @return STOP for a trial stopped before, CONTINUE before its first epoch; empty: the scheduler decides
     */
    java.util.Optional<Decision> recordAndPrejudge(TrialHistory h) {
        record(h);
        if (stopped.contains(h.trialId())) {
            return java.util.Optional.of(Decision.STOP);
        }
        return h.epochs() == 0 ? java.util.Optional.of(Decision.CONTINUE) : java.util.Optional.empty();
    }

    void record(TrialHistory h) {
        byId.put(h.trialId(), h.values());
    }

    Decision stop(String id) {
        stopped.add(id);
        return Decision.STOP;
    }

    void write(ObjectNode o) {
        ObjectNode h = o.putObject("histories");
        byId.forEach((id, values) -> {
            ArrayNode a = h.putArray(id);
            values.forEach(v -> a.add(Json.dbl(v)));
        });
        stopped.forEach(o.putArray("stopped")::add);
    }

    static Histories read(JsonNode o) {
        Histories hs = new Histories();
        Json.require(o, "histories").fields().forEachRemaining(e -> {
            List<Double> values = new ArrayList<>();
            e.getValue().forEach(v -> values.add(Json.dbl(v)));
            hs.byId.put(e.getKey(), List.copyOf(values));
        });
        Json.require(o, "stopped").forEach(n -> hs.stopped.add(n.textValue()));
        return hs;
    }

    /**
     * Linear-interpolated quantile (numpy's default) of losses that may include +Infinity.
     *
     * @param q in [0, 1]
     */
    static double quantile(List<Double> values, double q) {
        double[] s = values.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(s);
        double pos = q * (s.length - 1);
        int i = (int) Math.floor(pos);
        double frac = pos - i;
        if (frac == 0 || i + 1 >= s.length || s[i] == s[i + 1]) {
            return s[i];
        }
        return s[i] + frac * (s[i + 1] - s[i]);
    }
}
