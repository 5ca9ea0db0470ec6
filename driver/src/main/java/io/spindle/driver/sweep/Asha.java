package io.spindle.driver.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Asynchronous Successive Halving (ASHA), after Li, Jamieson, Rostamizadeh, Gonina, Ben-tzur,
 * Hardt, Recht and Talwalkar, "A System for Massively Parallel Hyperparameter Tuning", MLSys 2020,
 * in its stopping form (as Ray Tune's {@code AsyncHyperBandScheduler} with one bracket).
 *
 * <p>Rungs sit at {@code minEpochs * eta^k} epochs, below {@code maxEpochs}. When a trial first
 * reaches a rung, its value at that epoch is compared with the values other trials recorded there
 * before it: it continues only if it is at least as good as their {@code 1/eta} quantile (the top
 * {@code 1/eta}), else it stops; then its value joins the rung. No trial ever waits for others,
 * which is what makes the scheme asynchronous; the first trial at a rung always continues. A trial
 * stops at {@code maxEpochs}, and at once when its latest value is not finite.
 */
public final class Asha implements TrialScheduler {
    private final Mode mode;
    private final int minEpochs;
    private final int maxEpochs;
    private final int eta;
    private final List<Integer> milestones;
    private final List<Map<String, Double>> rungs;
    private final Histories histories;

    /**
     * @param mode whether the metric is minimized or maximized
     * @param minEpochs epochs before the first rung, {@code >= 1}
     * @param maxEpochs epochs at which every trial stops, {@code >= minEpochs}
     * @param eta the reduction factor, {@code >= 2}: the top {@code 1/eta} goes on at each rung
     */
    public Asha(Mode mode, int minEpochs, int maxEpochs, int eta) {
        this(mode, minEpochs, maxEpochs, eta, new Histories(), null);
    }

    private Asha(Mode mode, int minEpochs, int maxEpochs, int eta, Histories histories, List<Map<String, Double>> rungs) {
        this.mode = java.util.Objects.requireNonNull(mode, "mode");
        if (minEpochs < 1) {
            throw new IllegalArgumentException("asha minEpochs must be >= 1, got " + minEpochs);
        }
        if (maxEpochs < minEpochs) {
            throw new IllegalArgumentException("asha maxEpochs must be >= minEpochs " + minEpochs + ", got " + maxEpochs);
        }
        if (eta < 2) {
            throw new IllegalArgumentException("asha eta (reduction factor) must be >= 2, got " + eta + "; 3 is usual");
        }
        this.minEpochs = minEpochs;
        this.maxEpochs = maxEpochs;
        this.eta = eta;
        List<Integer> m = new ArrayList<>();
        for (long e = minEpochs; e < maxEpochs; e *= eta) {
            m.add((int) e);
        }
        this.milestones = List.copyOf(m);
        this.histories = histories;
        if (rungs == null) {
            this.rungs = new ArrayList<>();
            for (int i = 0; i < milestones.size(); i++) {
                this.rungs.add(new LinkedHashMap<>());
            }
        } else {
            this.rungs = rungs;
        }
    }

    /** @return the epochs at which trials are compared, ascending */
    public List<Integer> milestones() {
        return milestones;
    }

    @Override
    public int horizon(int epochsDone) {
        for (int m : milestones) {
            if (m > epochsDone) {
                return m - epochsDone; // the next rung decides
            }
        }
        return Math.max(1, maxEpochs - epochsDone);
    }

    @Override
    public Decision decide(TrialHistory h) {
        String id = h.trialId();
        java.util.Optional<Decision> early = histories.recordAndPrejudge(h);
        if (early.isPresent()) {
            return early.get();
        }
        for (int k = 0; k < milestones.size(); k++) {
            int m = milestones.get(k);
            if (h.epochs() < m) {
                break;
            }
            Map<String, Double> rung = rungs.get(k);
            if (rung.containsKey(id)) {
                continue;
            }
            double loss = mode.loss(h.values().get(m - 1));
            boolean promote = rung.isEmpty() || loss <= Histories.quantile(new ArrayList<>(rung.values()), 1.0 / eta);
            rung.put(id, loss);
            if (!promote) {
                return histories.stop(id);
            }
        }
        if (!Double.isFinite(h.last()) || h.epochs() >= maxEpochs) {
            return histories.stop(id);
        }
        return Decision.CONTINUE;
    }

    @Override
    public JsonNode snapshot() {
        ObjectNode o = Json.F.objectNode();
        o.put("type", "asha");
        o.put("mode", mode.name());
        o.put("minEpochs", minEpochs);
        o.put("maxEpochs", maxEpochs);
        o.put("eta", eta);
        ArrayNode rs = o.putArray("rungs");
        for (Map<String, Double> rung : rungs) {
            ArrayNode r = rs.addArray();
            rung.forEach((id, loss) -> r.addArray().add(id).add(Json.dbl(loss)));
        }
        histories.write(o);
        return o;
    }

    /**
     * @param snapshot from {@link #snapshot()}
     * @return a scheduler that continues where the snapshot was taken
     */
    public static Asha restore(JsonNode snapshot) {
        Json.expectType(snapshot, "asha");
        List<Map<String, Double>> rungs = new ArrayList<>();
        for (JsonNode r : Json.require(snapshot, "rungs")) {
            Map<String, Double> rung = new LinkedHashMap<>();
            r.forEach(pair -> rung.put(pair.get(0).textValue(), Json.dbl(pair.get(1))));
            rungs.add(rung);
        }
        return new Asha(Mode.valueOf(Json.require(snapshot, "mode").textValue()),
                Json.require(snapshot, "minEpochs").intValue(), Json.require(snapshot, "maxEpochs").intValue(),
                Json.require(snapshot, "eta").intValue(), Histories.read(snapshot), rungs);
    }
}
