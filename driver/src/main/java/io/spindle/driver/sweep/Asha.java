package io.spindle.driver.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Asynchronous Successive Halving (ASHA), after Li, Jamieson, Rostamizadeh, Gonina, Ben-tzur,
 * Hardt, Recht and Talwalkar, "A System for Massively Parallel Hyperparameter Tuning", MLSys 2020,
 * in one of two forms.
 *
 * <p>Rungs sit at {@code minEpochs * eta^k} epochs, below {@code maxEpochs}. A trial stops at
 * {@code maxEpochs}, and at once when its latest value is not finite.
 *
 * <p><b>Stopping form</b> (the default, as Ray Tune's {@code AsyncHyperBandScheduler} with one
 * bracket): when a trial first reaches a rung, its value at that epoch is compared with the values
 * other trials recorded there before it: it continues only if it is at least as good as their
 * {@code 1/eta} quantile (the top {@code 1/eta}), else it stops for good; then its value joins the
 * rung. No trial ever waits; the first trial at a rung always continues, so the early arrivals at
 * each rung go on more often than {@code 1/eta} of the time.
 *
 * <p><b>Promotion form</b> (the paper's Algorithm 2): a trial that reaches a rung joins it and goes
 * on only if it is among the best {@code floor(n / eta)} of the rung's {@code n} trials (itself
 * included); otherwise it pauses there ({@link Decision#STOP} to the trainer,
 * which keeps its checkpoint). Whenever a place frees, {@link #promote()} names a paused trial that
 * has since come within the best {@code floor(n / eta)} of its rung, the highest rung first, and the
 * runner continues it from its checkpoint; only when none has does a new trial start. Unlike the
 * stopping form, a trial never goes on past a rung with fewer than {@code eta} trials there, and a
 * waiting trial that is better goes before a new one; trials that went on early still count even
 * when later arrivals outrank them (in the worst order, each arrival better than all before it,
 * most go on).
 */
public final class Asha implements TrialScheduler {
    private final Mode mode;
    private final int minEpochs;
    private final int maxEpochs;
    private final int eta;
    private final List<Integer> milestones;
    private final List<Map<String, Double>> rungs;
    private final Histories histories;
    private final boolean promotion;
    /** Promotion form: per rung, the trials that went on past it. */
    private final List<Set<String>> promoted;
    /** Promotion form: trials paused at a rung (by rung index), which {@link #promote()} may continue. */
    private final Map<String, Integer> paused;

    /**
     * @param mode whether the metric is minimized or maximized
     * @param minEpochs epochs before the first rung, {@code >= 1}
     * @param maxEpochs epochs at which every trial stops, {@code >= minEpochs}
     * @param eta the reduction factor, {@code >= 2}: the top {@code 1/eta} goes on at each rung
     */
    public Asha(Mode mode, int minEpochs, int maxEpochs, int eta) {
        this(mode, minEpochs, maxEpochs, eta, false);
    }

    /**
     * @param mode whether the metric is minimized or maximized
     * @param minEpochs epochs before the first rung, {@code >= 1}
     * @param maxEpochs epochs at which every trial stops, {@code >= minEpochs}
     * @param eta the reduction factor, {@code >= 2}
     * @param promotion the promotion form (trials pause at a rung and may be promoted later) rather
     *     than the stopping form
     */
    public Asha(Mode mode, int minEpochs, int maxEpochs, int eta, boolean promotion) {
        this(mode, minEpochs, maxEpochs, eta, promotion, new Histories(), null, null, null);
    }

    private Asha(Mode mode, int minEpochs, int maxEpochs, int eta, boolean promotion, Histories histories,
                 List<Map<String, Double>> rungs, List<Set<String>> promoted, Map<String, Integer> paused) {
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
        this.rungs = rungs == null ? perRung(LinkedHashMap::new) : rungs;
        this.promotion = promotion;
        this.promoted = promoted == null ? perRung(LinkedHashSet::new) : promoted;
        this.paused = paused == null ? new LinkedHashMap<>() : paused;
    }

    /** @return a new, empty entry for every rung */
    private <T> List<T> perRung(java.util.function.Supplier<T> empty) {
        List<T> out = new ArrayList<>();
        for (int i = 0; i < milestones.size(); i++) {
            out.add(empty.get());
        }
        return out;
    }

    /** @return whether this is the promotion form */
    public boolean promotion() {
        return promotion;
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
            if (promotion) {
                rung.put(id, loss);
                if (promotable(k).contains(id)) { // finite values only
                    promoted.get(k).add(id);
                    continue;
                }
                if (Double.isFinite(loss)) {
                    paused.put(id, k);
                }
                return histories.stop(id);
            }
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

    /**
     * The trials of rung {@code k} that may go on past it now: of its best {@code floor(n / eta)}
     * (finite values; ties in order of arrival), those not promoted yet, best first.
     */
    private List<String> promotable(int k) {
        Map<String, Double> rung = rungs.get(k);
        return rung.entrySet().stream().filter(e -> Double.isFinite(e.getValue()))
                .sorted(Comparator.comparingDouble(Map.Entry::getValue)) // stable: ties keep their order of arrival
                .limit(rung.size() / eta).map(Map.Entry::getKey).filter(id -> !promoted.get(k).contains(id)).toList();
    }

    /**
     * Promotion form: the paused trial to continue now, from the highest rung that has one among its
     * best {@code floor(n / eta)}; it counts as promoted from then on, and the next decisions about it
     * continue from its checkpoint at that rung. The stopping form never pauses a trial.
     *
     * @return the trial's id, or empty when no paused trial may go on (start a new trial then)
     */
    @Override
    public Optional<String> promote() {
        for (int k = milestones.size() - 1; k >= 0; k--) {
            for (String id : promotable(k)) {
                Integer at = paused.get(id);
                if (at != null && at == k) {
                    paused.remove(id);
                    promoted.get(k).add(id);
                    histories.stopped.remove(id);
                    return Optional.of(id);
                }
            }
        }
        return Optional.empty();
    }

    @Override
    public boolean promoted(String trialId, int epochs) {
        int k = milestones.indexOf(epochs);
        return promotion && k >= 0 && promoted.get(k).contains(trialId) && !paused.containsKey(trialId);
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
        if (promotion) {
            o.put("promotion", true);
            ArrayNode ps = o.putArray("promoted");
            promoted.forEach(set -> set.forEach(ps.addArray()::add));
            ObjectNode w = o.putObject("paused");
            paused.forEach(w::put);
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
        boolean promotion = snapshot.path("promotion").asBoolean(false);
        List<Set<String>> promoted = null;
        Map<String, Integer> paused = null;
        if (promotion) {
            promoted = new ArrayList<>();
            for (JsonNode r : Json.require(snapshot, "promoted")) {
                Set<String> set = new LinkedHashSet<>();
                r.forEach(n -> set.add(n.textValue()));
                promoted.add(set);
            }
            paused = new LinkedHashMap<>();
            Map<String, Integer> p = paused;
            Json.require(snapshot, "paused").fields().forEachRemaining(e -> p.put(e.getKey(), e.getValue().intValue()));
        }
        return new Asha(Mode.valueOf(Json.require(snapshot, "mode").textValue()),
                Json.require(snapshot, "minEpochs").intValue(), Json.require(snapshot, "maxEpochs").intValue(),
                Json.require(snapshot, "eta").intValue(), promotion, Histories.read(snapshot), rungs, promoted, paused);
    }
}
