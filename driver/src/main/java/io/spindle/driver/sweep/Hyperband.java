package io.spindle.driver.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Hyperband, after Li, Jamieson, DeSalvo, Rostamizadeh and Talwalkar, "Hyperband: A Novel
 * Bandit-Based Approach to Hyperparameter Optimization", JMLR 18(185), 2018.
 *
 * <p>With {@code R = maxEpochs / minEpochs} and {@code sMax = floor(log_eta(R))}, bracket
 * {@code s = sMax..0} runs successive halving on {@code n = ceil((sMax + 1) / (s + 1) * eta^s)}
 * trials: rung {@code i = 0..s} keeps {@code floor(n * eta^-i)} trials for
 * {@code maxEpochs * eta^(i - s)} epochs ({@link #brackets()}). Trials are assigned to brackets in
 * order of first report, filling bracket {@code sMax} first, then {@code sMax - 1}, ..., then a new
 * round of brackets (the paper's outer loop).
 *
 * <p>Stop decision: as a scheduler cannot make a trial wait for its bracket, a trial that has
 * reached rung {@code i < s} stops as soon as {@code floor(n * eta^-(i+1))} other trials of its
 * bracket are known to be better at that rung (ties go to the earlier trial), i.e. once it can no
 * longer be among those the paper promotes; it is re-checked on every report, so a trial that went
 * on early is stopped when enough better ones arrive. A trial also stops at its bracket's last rung
 * ({@code maxEpochs}), and at once when its latest value is not finite.
 */
public final class Hyperband implements TrialScheduler {

    /**
     * @param trials how many trials the rung keeps
     * @param epochs how many epochs they have trained when compared
     */
    public record Rung(int trials, int epochs) {
        public Rung {
            if (trials < 1 || epochs < 1) {
                throw new IllegalArgumentException("a rung needs trials >= 1 and epochs >= 1, got " + trials + ", " + epochs);
            }
        }
    }

    /**
     * @param s the bracket index ({@code sMax} is the most exploratory)
     * @param rungs the successive-halving rungs, the last at {@code maxEpochs}
     */
    public record Bracket(int s, List<Rung> rungs) {
        public Bracket {
            rungs = List.copyOf(rungs);
            if (rungs.isEmpty()) {
                throw new IllegalArgumentException("a bracket needs at least one rung");
            }
        }

        /** @return the trials the bracket starts */
        public int size() {
            return rungs.get(0).trials();
        }
    }

    private final Mode mode;
    private final int minEpochs;
    private final int maxEpochs;
    private final int eta;
    private final List<Bracket> brackets;
    private final int roundSize;
    /** trial id to its slot (order of first report). */
    private final Map<String, Integer> slots;
    /** "round/bracket/rung" to the losses recorded there, in order. */
    private final Map<String, Map<String, Double>> recorded;
    private final Histories histories;

    /**
     * @param mode whether the metric is minimized or maximized
     * @param minEpochs the smallest budget, {@code >= 1}
     * @param maxEpochs the largest budget, {@code >= minEpochs}
     * @param eta the reduction factor, {@code >= 2}
     */
    public Hyperband(Mode mode, int minEpochs, int maxEpochs, int eta) {
        this(mode, minEpochs, maxEpochs, eta, new LinkedHashMap<>(), new LinkedHashMap<>(), new Histories());
    }

    private Hyperband(Mode mode, int minEpochs, int maxEpochs, int eta, Map<String, Integer> slots,
            Map<String, Map<String, Double>> recorded, Histories histories) {
        this.mode = java.util.Objects.requireNonNull(mode, "mode");
        if (minEpochs < 1) {
            throw new IllegalArgumentException("hyperband minEpochs must be >= 1, got " + minEpochs);
        }
        if (maxEpochs < minEpochs) {
            throw new IllegalArgumentException("hyperband maxEpochs must be >= minEpochs " + minEpochs + ", got " + maxEpochs);
        }
        if (eta < 2) {
            throw new IllegalArgumentException("hyperband eta (reduction factor) must be >= 2, got " + eta + "; 3 is usual");
        }
        this.minEpochs = minEpochs;
        this.maxEpochs = maxEpochs;
        this.eta = eta;
        this.brackets = schedule(minEpochs, maxEpochs, eta);
        this.roundSize = brackets.stream().mapToInt(Bracket::size).sum();
        this.slots = slots;
        this.recorded = recorded;
        this.histories = histories;
    }

    /**
     * @param minEpochs the smallest budget
     * @param maxEpochs the largest budget
     * @param eta the reduction factor
     * @return the brackets, {@code s = sMax} first
     */
    public static List<Bracket> schedule(int minEpochs, int maxEpochs, int eta) {
        int sMax = 0;
        while ((long) minEpochs * pow(eta, sMax + 1) <= maxEpochs) {
            sMax++;
        }
        List<Bracket> out = new ArrayList<>();
        for (int s = sMax; s >= 0; s--) {
            long n = (long) Math.ceil((double) (sMax + 1) / (s + 1) * pow(eta, s));
            List<Rung> rungs = new ArrayList<>();
            for (int i = 0; i <= s; i++) {
                int trials = (int) Math.max(1, n / pow(eta, i));
                int epochs = (int) Math.max(minEpochs, Math.round(maxEpochs / (double) pow(eta, s - i)));
                rungs.add(new Rung(trials, epochs));
            }
            out.add(new Bracket(s, rungs));
        }
        return List.copyOf(out);
    }

    private static long pow(int base, int exp) {
        long r = 1;
        for (int i = 0; i < exp; i++) {
            r *= base;
        }
        return r;
    }

    /** @return this scheduler's brackets, {@code s = sMax} first */
    public List<Bracket> brackets() {
        return brackets;
    }

    /**
     * @param trialId a trial that has reported
     * @return the index in {@link #brackets()} of its bracket
     * @throws IllegalStateException when the trial never reported
     */
    public int bracketOf(String trialId) {
        Integer slot = slots.get(trialId);
        if (slot == null) {
            throw new IllegalStateException("trial " + trialId + " has not reported to this scheduler");
        }
        int pos = slot % roundSize;
        for (int b = 0; b < brackets.size(); b++) {
            if (pos < brackets.get(b).size()) {
                return b;
            }
            pos -= brackets.get(b).size();
        }
        throw new IllegalStateException("unreachable");
    }

    @Override
    public Decision decide(TrialHistory h) {
        String id = h.trialId();
        slots.putIfAbsent(id, slots.size());
        java.util.Optional<Decision> early = histories.recordAndPrejudge(h);
        if (early.isPresent()) {
            return early.get();
        }
        int b = bracketOf(id);
        int round = slots.get(id) / roundSize;
        List<Rung> rungs = brackets.get(b).rungs();
        for (int i = 0; i < rungs.size() - 1; i++) {
            int m = rungs.get(i).epochs();
            if (h.epochs() < m) {
                break;
            }
            recorded.computeIfAbsent(round + "/" + b + "/" + i, k -> new LinkedHashMap<>())
                    .putIfAbsent(id, mode.loss(h.values().get(m - 1)));
        }
        for (int i = 0; i < rungs.size() - 1; i++) {
            Map<String, Double> rung = recorded.get(round + "/" + b + "/" + i);
            if (rung == null || !rung.containsKey(id)) {
                break;
            }
            double mine = rung.get(id);
            int better = 0;
            for (Map.Entry<String, Double> e : rung.entrySet()) {
                if (!e.getKey().equals(id) && (e.getValue() < mine
                        || (e.getValue() == mine && slots.get(e.getKey()) < slots.get(id)))) {
                    better++;
                }
            }
            if (better >= rungs.get(i + 1).trials()) {
                return histories.stop(id);
            }
        }
        if (!Double.isFinite(h.last()) || h.epochs() >= rungs.get(rungs.size() - 1).epochs()) {
            return histories.stop(id);
        }
        return Decision.CONTINUE;
    }

    @Override
    public JsonNode snapshot() {
        ObjectNode o = Json.F.objectNode();
        o.put("type", "hyperband");
        o.put("mode", mode.name());
        o.put("minEpochs", minEpochs);
        o.put("maxEpochs", maxEpochs);
        o.put("eta", eta);
        slots.keySet().forEach(o.putArray("slots")::add);
        ObjectNode rec = o.putObject("recorded");
        recorded.forEach((key, rung) -> {
            ArrayNode r = rec.putArray(key);
            rung.forEach((id, loss) -> r.addArray().add(id).add(Json.dbl(loss)));
        });
        histories.write(o);
        return o;
    }

    /**
     * @param snapshot from {@link #snapshot()}
     * @return a scheduler that continues where the snapshot was taken
     */
    public static Hyperband restore(JsonNode snapshot) {
        Json.expectType(snapshot, "hyperband");
        Map<String, Integer> slots = new LinkedHashMap<>();
        Json.require(snapshot, "slots").forEach(n -> slots.put(n.textValue(), slots.size()));
        Map<String, Map<String, Double>> recorded = new LinkedHashMap<>();
        Json.require(snapshot, "recorded").fields().forEachRemaining(e -> {
            Map<String, Double> rung = new LinkedHashMap<>();
            e.getValue().forEach(pair -> rung.put(pair.get(0).textValue(), Json.dbl(pair.get(1))));
            recorded.put(e.getKey(), rung);
        });
        return new Hyperband(Mode.valueOf(Json.require(snapshot, "mode").textValue()),
                Json.require(snapshot, "minEpochs").intValue(), Json.require(snapshot, "maxEpochs").intValue(),
                Json.require(snapshot, "eta").intValue(), slots, recorded, Histories.read(snapshot));
    }
}
