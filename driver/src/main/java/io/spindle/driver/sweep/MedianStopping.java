package io.spindle.driver.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The median stopping rule of Golovin, Solnik, Moitra, Kochanski, Karro and Sculley, "Google
 * Vizier: A Service for Black-Box Optimization", KDD 2017: after {@code graceEpochs}, a trial at
 * epoch {@code t} stops when its best value so far is worse than the median, over the other trials
 * that have reached epoch {@code t}, of their running averages over epochs {@code 1..t}. The rule
 * waits until at least {@code minTrials} other trials have reached epoch {@code t}. Non-finite
 * values count as the worst (infinite loss) in averages; a non-finite latest value stops at once.
 */
public final class MedianStopping implements TrialScheduler {
    private final Mode mode;
    private final int graceEpochs;
    private final int minTrials;
    private final Histories histories;

    /**
     * @param mode whether the metric is minimized or maximized
     * @param graceEpochs epochs during which a trial is never stopped, {@code >= 0}
     * @param minTrials other trials needed at an epoch before comparing, {@code >= 1}
     */
    public MedianStopping(Mode mode, int graceEpochs, int minTrials) {
        this(mode, graceEpochs, minTrials, new Histories());
    }

    private MedianStopping(Mode mode, int graceEpochs, int minTrials, Histories histories) {
        this.mode = java.util.Objects.requireNonNull(mode, "mode");
        if (graceEpochs < 0) {
            throw new IllegalArgumentException("median stopping graceEpochs must be >= 0, got " + graceEpochs);
        }
        if (minTrials < 1) {
            throw new IllegalArgumentException("median stopping minTrials must be >= 1, got " + minTrials);
        }
        this.graceEpochs = graceEpochs;
        this.minTrials = minTrials;
        this.histories = histories;
    }

    @Override
    public int horizon(int epochsDone) {
        return Math.max(1, graceEpochs + 1 - epochsDone); // the first decision that can stop: after the grace
    }

    @Override
    public Decision decide(TrialHistory h) {
        String id = h.trialId();
        java.util.Optional<Decision> early = histories.recordAndPrejudge(h);
        if (early.isPresent()) {
            return early.get();
        }
        if (!Double.isFinite(h.last())) {
            return histories.stop(id);
        }
        int t = h.epochs();
        if (t <= graceEpochs) {
            return Decision.CONTINUE;
        }
        List<Double> averages = new ArrayList<>();
        for (Map.Entry<String, List<Double>> e : histories.byId.entrySet()) {
            if (e.getKey().equals(id) || e.getValue().size() < t) {
                continue;
            }
            double sum = 0;
            for (int i = 0; i < t; i++) {
                sum += mode.loss(e.getValue().get(i));
            }
            averages.add(sum / t);
        }
        if (averages.size() < minTrials) {
            return Decision.CONTINUE;
        }
        double best = Double.POSITIVE_INFINITY;
        for (double v : h.values()) {
            best = Math.min(best, mode.loss(v));
        }
        return best > Histories.quantile(averages, 0.5) ? histories.stop(id) : Decision.CONTINUE;
    }

    @Override
    public JsonNode snapshot() {
        ObjectNode o = Json.F.objectNode();
        o.put("type", "median");
        o.put("mode", mode.name());
        o.put("graceEpochs", graceEpochs);
        o.put("minTrials", minTrials);
        histories.write(o);
        return o;
    }

    /**
     * @param snapshot from {@link #snapshot()}
     * @return a scheduler that continues where the snapshot was taken
     */
    public static MedianStopping restore(JsonNode snapshot) {
        Json.expectType(snapshot, "median");
        return new MedianStopping(Mode.valueOf(Json.require(snapshot, "mode").textValue()),
                Json.require(snapshot, "graceEpochs").intValue(), Json.require(snapshot, "minTrials").intValue(),
                Histories.read(snapshot));
    }
}
