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
     */
    public record Scheduler(String type, int minEpochs, int maxEpochs, int reductionFactor) { }
}
