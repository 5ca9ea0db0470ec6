package io.spindle.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * The sizes of {@code spindle bench sweep} and the sweeps they make. Experiment 1 runs the same
 * {@code trials} random-search trials (same seed, hence the same configurations) two at a time
 * and one at a time, without pruning; experiment 2 runs them again two at a time under ASHA and
 * compares with experiment 1's parallel run; experiment 3 runs random and TPE search with the
 * same trial budget for every seed in {@code searchSeeds}. Every trial trains on one worker, so
 * two trials at once fill {@code local[2]}.
 *
 * @param quick whether these are {@code --quick}'s sizes
 * @param trials trials of experiments 1 and 2
 * @param epochs epochs of every trial of experiments 1 and 2 (ASHA's {@code max_epochs})
 * @param ashaMinEpochs ASHA's first rung
 * @param reductionFactor ASHA's eta: the top {@code 1/eta} of the trials at a rung go on
 * @param searchTrials trial budget of each run of experiment 3; more than TPE's 10 random
 *     start-up trials, or TPE would never model anything
 * @param searchEpochs epochs of every trial of experiment 3
 * @param seed search seed of experiments 1 and 2
 * @param searchSeeds search seeds of experiment 3
 */
public record SweepPlan(boolean quick, int trials, int epochs, int ashaMinEpochs, int reductionFactor,
                        int searchTrials, int searchEpochs, long seed, List<Long> searchSeeds) {

    /** TPE's random start-up trials ({@code TpeSearch.Settings.DEFAULT}). */
    static final int TPE_STARTUP = 10;

    public SweepPlan {
        searchSeeds = List.copyOf(searchSeeds);
        if (trials < 2 || epochs < 2 || searchEpochs < 1) {
            throw new IllegalArgumentException("a sweep plan needs >= 2 trials of >= 2 epochs and >= 1 search epoch, got "
                    + trials + " trials of " + epochs + " epochs, " + searchEpochs + " search epochs");
        }
        if (ashaMinEpochs < 1 || ashaMinEpochs >= epochs || reductionFactor < 2) {
            throw new IllegalArgumentException("ASHA needs 1 <= min_epochs < epochs (" + epochs + ") and a reduction "
                    + "factor >= 2, got min_epochs " + ashaMinEpochs + ", reduction factor " + reductionFactor);
        }
        if (searchTrials <= TPE_STARTUP) {
            throw new IllegalArgumentException("experiment 3 needs more than TPE's " + TPE_STARTUP
                    + " start-up trials, got " + searchTrials);
        }
        if (searchSeeds.isEmpty()) {
            throw new IllegalArgumentException("experiment 3 needs at least one seed");
        }
    }

    /**
     * The benchmark's sizes. Full: 24 trials of 18 epochs for experiments 1 and 2 (ASHA rungs at
     * 2 and 6 epochs), 5 seeds x 24 trials of 5 epochs for experiment 3 (TPE models 14 of them);
     * about 10 to 15 minutes on 2 cores. Quick: 6 trials of 4 epochs (rungs at 1 and 3), 2 seeds x 12
     * trials of 2 epochs; the same code paths, in under 2 minutes.
     *
     * @param quick the quick sizes
     * @return the plan
     */
    public static SweepPlan of(boolean quick) {
        return quick ? new SweepPlan(true, 6, 4, 1, 3, 12, 2, 1, List.of(1L, 2L))
                : new SweepPlan(false, 24, 18, 2, 3, 24, 5, 1, List.of(1L, 2L, 3L, 4L, 5L));
    }

    /**
     * @return the warm-up sweep: two one-epoch trials, so that the measured runs do not pay for
     *     the JVM's and Spark's first use
     */
    public SweepCase warmUp() {
        return new SweepCase(SweepCase.WARM_UP, "warm-up", 0, overrides("random", 2, 2, 1, 0, "none"));
    }

    /** @return the measured sweeps in run order */
    public List<SweepCase> cases() {
        List<SweepCase> out = new ArrayList<>();
        out.add(new SweepCase(SweepCase.PARALLEL_VS_SEQUENTIAL, SweepCase.PARALLEL, seed,
                overrides("random", trials, 2, epochs, seed, "none")));
        out.add(new SweepCase(SweepCase.PARALLEL_VS_SEQUENTIAL, SweepCase.SEQUENTIAL, seed,
                overrides("random", trials, 1, epochs, seed, "none")));
        out.add(new SweepCase(SweepCase.ASHA_VS_UNPRUNED, SweepCase.ASHA, seed,
                overrides("random", trials, 2, epochs, seed, "{type: asha, min_epochs: " + ashaMinEpochs
                        + ", max_epochs: " + epochs + ", reduction_factor: " + reductionFactor + "}")));
        for (long s : searchSeeds) {
            for (String strategy : List.of(SweepCase.RANDOM, SweepCase.TPE)) {
                out.add(new SweepCase(SweepCase.TPE_VS_RANDOM, strategy, s,
                        overrides(strategy, searchTrials, 2, searchEpochs, s, "none")));
            }
        }
        return out;
    }

    private static List<String> overrides(String strategy, int trials, int parallel, int epochs, long seed,
                                          String scheduler) {
        return List.of("training.epochs=" + epochs, "sweep.strategy=" + strategy, "sweep.trials=" + trials,
                "sweep.parallel_trials=" + parallel, "sweep.workers_per_trial=1", "sweep.seed=" + seed,
                "sweep.scheduler=" + scheduler);
    }
}
