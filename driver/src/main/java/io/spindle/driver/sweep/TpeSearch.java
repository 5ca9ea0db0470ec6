package io.spindle.driver.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Tree-structured Parzen Estimator search, after Bergstra, Bardenet, Bengio and Kégl,
 * "Algorithms for Hyper-Parameter Optimization", NeurIPS 2011.
 *
 * <p>The first {@code nStartup} proposals (counted by told outcomes) are random draws from the
 * priors. After that, the told trials are ranked by loss (non-finite metrics and DIVERGED/FAILED
 * trials rank last, ties by proposal order) and split into the best {@code ceil(gamma * n)}
 * ("good") and the rest ("bad"). For each parameter, in space order so that conditional
 * parameters follow their parents, two densities are fitted over the trials in which the
 * parameter was active: {@code l(x)} from the good, {@code g(x)} from the bad. Numeric parameters
 * use a truncated Gaussian Parzen estimator on the internal line (log scale for loguniform), with
 * one kernel per observation whose width is the larger distance to its neighbours, clipped to
 * {@code [range / min(100, n + 1), range]}, plus a prior kernel of width {@code range} at the
 * centre (hyperopt's adaptive Parzen estimator). Choice parameters use category counts smoothed by
 * the prior weight. {@code candidates} values are drawn from {@code l} and the one maximizing
 * {@code l(x) / g(x)} (the expected-improvement criterion of the paper) is proposed. Parameters
 * are treated independently, as in the paper.
 *
 * <p>A PRUNED trial is ranked by the last value it reported, which is usually worse than it would
 * have reached, so it tends to land among the bad trials. Pending trials are ignored (no constant liar): with high concurrency, proposals made before
 * outcomes arrive resemble each other. Trial {@code k} uses the {@code k}-th
 * {@link SplittableRandom#split()} of the root seed, so a seed and a sequence of ask/tell calls
 * determine every proposal.
 */
public final class TpeSearch implements SearchStrategy {

    /**
     * TPE's tuning knobs.
     *
     * @param nStartup random trials before modelling, {@code >= 1}
     * @param gamma the fraction of told trials counted as good, in {@code (0, 1)}
     * @param candidates draws from {@code l(x)} per parameter, {@code >= 1}
     * @param priorWeight weight of the prior kernel / pseudo-count per category, {@code > 0}
     */
    public record Settings(int nStartup, double gamma, int candidates, double priorWeight) {
        /** hyperopt's defaults except a shorter start-up: 10 random trials, gamma 0.25, 24 candidates. */
        public static final Settings DEFAULT = new Settings(10, 0.25, 24, 1.0);

        public Settings {
            if (nStartup < 1) {
                throw new IllegalArgumentException("tpe nStartup must be >= 1, got " + nStartup);
            }
            if (!(gamma > 0 && gamma < 1)) {
                throw new IllegalArgumentException("tpe gamma must be in (0, 1), got " + gamma + "; 0.25 is usual");
            }
            if (candidates < 1) {
                throw new IllegalArgumentException("tpe candidates must be >= 1, got " + candidates);
            }
            if (!(priorWeight > 0) || !Double.isFinite(priorWeight)) {
                throw new IllegalArgumentException("tpe priorWeight must be > 0, got " + priorWeight);
            }
        }
    }

    private final Space space;
    private final Mode mode;
    private final long seed;
    private final int maxTrials;
    private final Settings settings;
    private final SplittableRandom root;
    private final Trials trials;

    /**
     * @param space the space to search
     * @param mode whether the metric is minimized or maximized
     * @param seed the root seed
     * @param maxTrials proposals before exhaustion, {@code >= 1}
     * @param settings the knobs, usually {@link Settings#DEFAULT}
     */
    public TpeSearch(Space space, Mode mode, long seed, int maxTrials, Settings settings) {
        this(space, mode, seed, maxTrials, settings, new Trials());
    }

    private TpeSearch(Space space, Mode mode, long seed, int maxTrials, Settings settings, Trials trials) {
        if (maxTrials < 1) {
            throw new IllegalArgumentException("tpe maxTrials must be >= 1, got " + maxTrials);
        }
        this.space = java.util.Objects.requireNonNull(space, "space");
        this.mode = java.util.Objects.requireNonNull(mode, "mode");
        this.settings = java.util.Objects.requireNonNull(settings, "settings");
        this.seed = seed;
        this.maxTrials = maxTrials;
        this.root = trials.randomAfterTrials(seed);
        this.trials = trials;
    }

    @Override
    public Optional<Proposal> ask() {
        if (trials.size() >= maxTrials) {
            return Optional.empty();
        }
        SplittableRandom rng = root.split();
        List<Trials.Trial> done = trials.finished();
        Config config = done.size() < settings.nStartup() ? space.sample(rng) : suggest(done, rng);
        return Optional.of(trials.propose(config));
    }

    private Config suggest(List<Trials.Trial> done, SplittableRandom rng) {
        List<Trials.Trial> ranked = new ArrayList<>(done);
        ranked.sort(Comparator.comparingDouble((Trials.Trial t) -> t.outcome().orElseThrow().loss(mode))
                .thenComparingInt(Trials.Trial::index));
        int nGood = Math.max(1, (int) Math.ceil(settings.gamma() * ranked.size()));
        Set<String> good = new HashSet<>();
        for (int i = 0; i < nGood; i++) {
            good.add(ranked.get(i).id());
        }
        Map<String, Object> values = new LinkedHashMap<>();
        for (Param p : space.params()) {
            if (!p.activeIn(values)) {
                continue;
            }
            List<Object> lo = new ArrayList<>();
            List<Object> hi = new ArrayList<>();
            for (Trials.Trial t : ranked) {
                if (t.config().has(p.path())) {
                    (good.contains(t.id()) ? lo : hi).add(t.config().get(p.path()));
                }
            }
            values.put(p.path(), suggest(p.distribution(), lo, hi, rng));
        }
        return new Config(values);
    }

    private Object suggest(Distribution d, List<Object> good, List<Object> bad, SplittableRandom rng) {
        if (d instanceof Distribution.Numeric n) {
            Parzen l = Parzen.fit(n, good, settings.priorWeight());
            Parzen g = Parzen.fit(n, bad, settings.priorWeight());
            double best = Double.NaN;
            double bestScore = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < settings.candidates(); c++) {
                double x = l.sample(rng);
                double score = l.logPdf(x) - g.logPdf(x);
                if (Double.isNaN(best) || score > bestScore) {
                    best = x;
                    bestScore = score;
                }
            }
            return n.fromInternal(best);
        }
        Distribution.Choice choice = (Distribution.Choice) d;
        double[] l = categorical(choice, good);
        double[] g = categorical(choice, bad);
        int best = -1;
        double bestScore = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < settings.candidates(); c++) {
            int k = draw(l, rng);
            double score = Math.log(l[k]) - Math.log(g[k]);
            if (best < 0 || score > bestScore) {
                best = k;
                bestScore = score;
            }
        }
        return choice.values().get(best);
    }

    private double[] categorical(Distribution.Choice choice, List<Object> observed) {
        double[] w = new double[choice.values().size()];
        java.util.Arrays.fill(w, settings.priorWeight());
        for (Object o : observed) {
            int i = choice.indexOf(o);
            if (i >= 0) {
                w[i] += 1;
            }
        }
        double sum = 0;
        for (double x : w) {
            sum += x;
        }
        for (int i = 0; i < w.length; i++) {
            w[i] /= sum;
        }
        return w;
    }

    private static int draw(double[] p, SplittableRandom rng) {
        double u = rng.nextDouble();
        double acc = 0;
        for (int i = 0; i < p.length; i++) {
            acc += p[i];
            if (u < acc) {
                return i;
            }
        }
        return p.length - 1;
    }

    /** A mixture of Gaussians truncated to {@code [lo, hi]}. */
    private record Parzen(double lo, double hi, double[] mu, double[] sigma, double[] weight) {

        static Parzen fit(Distribution.Numeric d, List<Object> observed, double priorWeight) {
            double lo = d.internalLo();
            double hi = d.internalHi();
            double range = Math.max(hi - lo, 1e-12);
            int n = observed.size();
            double[] mu = new double[n + 1];
            double[] w = new double[n + 1];
            for (int i = 0; i < n; i++) {
                mu[i] = Math.min(hi, Math.max(lo, d.toInternal(observed.get(i))));
                w[i] = 1;
            }
            mu[n] = (lo + hi) / 2;
            w[n] = priorWeight;
            Integer[] order = new Integer[n + 1];
            for (int i = 0; i <= n; i++) {
                order[i] = i;
            }
            java.util.Arrays.sort(order, Comparator.comparingDouble(i -> mu[i]));
            double[] sigma = new double[n + 1];
            double minSigma = range / Math.min(100.0, n + 1.0);
            for (int r = 0; r <= n; r++) {
                int i = order[r];
                double left = r == 0 ? mu[i] - lo : mu[i] - mu[order[r - 1]];
                double right = r == n ? hi - mu[i] : mu[order[r + 1]] - mu[i];
                sigma[i] = Math.min(range, Math.max(minSigma, Math.max(left, right)));
            }
            sigma[n] = range;
            double total = 0;
            for (double x : w) {
                total += x;
            }
            for (int i = 0; i <= n; i++) {
                w[i] /= total;
            }
            return new Parzen(lo, hi, mu, sigma, w);
        }

        double sample(SplittableRandom rng) {
            int k = draw(weight, rng);
            for (int attempt = 0; attempt < 100; attempt++) {
                double x = mu[k] + sigma[k] * gaussian(rng);
                if (x >= lo && x <= hi) {
                    return x;
                }
            }
            return Math.min(hi, Math.max(lo, mu[k]));
        }

        double logPdf(double x) {
            double p = 0;
            for (int i = 0; i < mu.length; i++) {
                double z = (x - mu[i]) / sigma[i];
                double mass = phi((hi - mu[i]) / sigma[i]) - phi((lo - mu[i]) / sigma[i]);
                p += weight[i] * Math.exp(-0.5 * z * z) / (sigma[i] * Math.sqrt(2 * Math.PI) * Math.max(mass, 1e-12));
            }
            return Math.log(Math.max(p, Double.MIN_NORMAL));
        }

        private static double gaussian(SplittableRandom rng) {
            // Box-Muller: SplittableRandom has no nextGaussian before Java 17's RandomGenerator default.
            double u1 = 1.0 - rng.nextDouble();
            double u2 = rng.nextDouble();
            return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
        }

        /** Standard normal CDF via Abramowitz-Stegun 7.1.26 (error below 1.5e-7). */
        private static double phi(double z) {
            double x = Math.abs(z) / Math.sqrt(2);
            double t = 1 / (1 + 0.3275911 * x);
            double erf = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t
                    + 0.254829592) * t * Math.exp(-x * x);
            return z >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
        }
    }

    @Override
    public void tell(String trialId, Outcome outcome) {
        trials.tell(trialId, outcome);
    }

    @Override
    public JsonNode snapshot() {
        ObjectNode o = Json.F.objectNode();
        o.put("type", "tpe");
        o.set("space", space.toJson());
        o.put("mode", mode.name());
        o.put("seed", seed);
        o.put("maxTrials", maxTrials);
        ObjectNode s = o.putObject("settings");
        s.put("nStartup", settings.nStartup());
        s.put("gamma", settings.gamma());
        s.put("candidates", settings.candidates());
        s.put("priorWeight", settings.priorWeight());
        o.set("trials", trials.toJson());
        return o;
    }

    /**
     * @param space the sweep's space, which must equal the snapshot's
     * @param snapshot from {@link #snapshot()}
     * @return a strategy that continues where the snapshot was taken
     * @throws IllegalArgumentException when the snapshot is of another type or another space
     */
    public static TpeSearch restore(Space space, JsonNode snapshot) {
        Json.expectType(snapshot, "tpe");
        RandomSearch.checkSpace(space, snapshot);
        JsonNode s = Json.require(snapshot, "settings");
        Settings settings = new Settings(s.get("nStartup").intValue(), s.get("gamma").doubleValue(),
                s.get("candidates").intValue(), s.get("priorWeight").doubleValue());
        return new TpeSearch(space, Mode.valueOf(Json.require(snapshot, "mode").textValue()),
                Json.require(snapshot, "seed").longValue(), Json.require(snapshot, "maxTrials").intValue(), settings,
                Trials.fromJson(Json.require(snapshot, "trials")));
    }
}
