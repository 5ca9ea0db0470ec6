package io.spindle.driver.sweep;

import io.spindle.driver.spec.JobSpec;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * A resolved, validated sweep: the base job spec every trial starts from, the search space over
 * its spec paths, and how the sweep runs.
 *
 * @param base the job spec (file, or the file it {@code extends}, plus the sweep file's own keys
 *     and {@code --set} overrides); trials are {@code base.withOverrides(config)}
 * @param space the search space
 * @param strategy grid, random or tpe
 * @param trials trial budget (grid: the combinations, capped by this when given)
 * @param parallelTrials trials running at once
 * @param workersPerTrial partitions each trial trains on (1: trial-parallel)
 * @param metric the validation metric that ranks trials ({@code loss} or a computed metric)
 * @param mode min or max
 * @param scheduler how unpromising trials are stopped
 * @param timeBudgetSeconds stop starting trials after this long, if given
 * @param seed seed of the search
 */
public record SweepSpec(JobSpec base, Space space, String strategy, int trials, int parallelTrials,
                        int workersPerTrial, String metric, Mode mode, Scheduler scheduler,
                        OptionalDouble timeBudgetSeconds, long seed) {

    public SweepSpec {
        Objects.requireNonNull(base, "base");
        Objects.requireNonNull(space, "space");
        Objects.requireNonNull(scheduler, "scheduler");
    }

    /**
     * @param type none, asha, hyperband or median
     * @param minEpochs epochs before a trial can be stopped (ASHA's first rung, median's grace period)
     * @param maxEpochs epochs of the longest trial
     * @param reductionFactor ASHA / Hyperband's eta
     * @param promotion ASHA's promotion form (trials pause at a rung and may go on later) instead of
     *     its stopping form
     */
    public record Scheduler(String type, int minEpochs, int maxEpochs, int reductionFactor, boolean promotion) {
        /** A scheduler in its default form (ASHA's stopping form). */
        public Scheduler(String type, int minEpochs, int maxEpochs, int reductionFactor) {
            this(type, minEpochs, maxEpochs, reductionFactor, false);
        }
    }

    /**
     * @return the sweep settings as JSON, the space included (what a resumed sweep must match)
     */
    public com.fasterxml.jackson.databind.node.ObjectNode toJson() {
        com.fasterxml.jackson.databind.node.ObjectNode o = Json.F.objectNode();
        o.put("strategy", strategy);
        o.put("trials", trials);
        o.put("parallel_trials", parallelTrials);
        o.put("workers_per_trial", workersPerTrial);
        o.put("metric", metric);
        o.put("mode", mode.name().toLowerCase(java.util.Locale.ROOT));
        o.set("space", space.toJson());
        com.fasterxml.jackson.databind.node.ObjectNode s = o.putObject("scheduler");
        s.put("type", scheduler.type());
        s.put("min_epochs", scheduler.minEpochs());
        s.put("max_epochs", scheduler.maxEpochs());
        s.put("reduction_factor", scheduler.reductionFactor());
        if (scheduler.promotion()) {
            s.put("promotion", true); // absent in the default form, so sweeps written before still resume
        }
        timeBudgetSeconds.ifPresent(b -> o.put("time_budget_s", b));
        o.put("seed", seed);
        return o;
    }

    /**
     * @return a new search strategy for this sweep, limited to {@code parallelTrials} pending trials
     */
    public Limited newStrategy() {
        SearchStrategy s = switch (strategy) {
            case "grid" -> new GridSearch(space, trials == Integer.MAX_VALUE ? 0 : trials);
            case "tpe" -> new TpeSearch(space, mode, seed, trials, TpeSearch.Settings.DEFAULT);
            default -> new RandomSearch(space, seed, trials);
        };
        return new Limited(s, parallelTrials);
    }

    /**
     * @return a new trial scheduler for this sweep, or empty for {@code none}
     */
    public java.util.Optional<TrialScheduler> newScheduler() {
        return java.util.Optional.ofNullable(switch (scheduler.type()) {
            case "asha" -> new Asha(mode, scheduler.minEpochs(), scheduler.maxEpochs(), scheduler.reductionFactor(),
                    scheduler.promotion());
            case "hyperband" -> new Hyperband(mode, scheduler.minEpochs(), scheduler.maxEpochs(),
                    scheduler.reductionFactor());
            case "median" -> new MedianStopping(mode, scheduler.minEpochs(), MEDIAN_MIN_TRIALS);
            default -> null;
        });
    }

    /** Other trials the median rule needs at an epoch before it stops anything (Golovin et al. 2017 use 3). */
    static final int MEDIAN_MIN_TRIALS = 3;
}
