package io.spindle.bench;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;

/**
 * The sizes of {@code spindle bench sweep} and the sweeps they make.
 *
 * <p>A warm-up sweep runs first and is left out of the results. In the full run it is
 * experiment 1's trial-parallel sweep with a seed no measured sweep uses ({@link #WARM_UP_SEED}):
 * the JIT compilers take about a core for the JVM's first ~30 s, and a measured sweep that runs
 * beside them on {@code local[2]} loses its second core. {@code --quick} warms up with two
 * one-epoch trials only.
 *
 * <p>Experiment 1 runs the same {@code trials} random-search trials (same seed, hence the same
 * configurations) two at a time and one at a time, without pruning, {@code repeats} times a side
 * in ABBA order (parallel, sequential, sequential, parallel, ...) so that a drift in machine load
 * or JIT state weighs on both sides alike; its ratio is of the median wall times. Experiment 2
 * runs those trials two at a time under ASHA for every seed in {@code ashaSeeds} against the same
 * seed's unpruned two-at-a-time run: for the first seed (experiment 1's) that is experiment 1's
 * first parallel run, for the others a run of their own; its targets are judged on the means over
 * the seeds. Experiment 3 runs random and TPE search with the same trial budget for every seed in
 * {@code searchSeeds}. Every trial trains on one worker, so two trials at once fill
 * {@code local[2]}.
 *
 * @param quick whether these are {@code --quick}'s sizes
 * @param trials trials of experiments 1 and 2 (and of the full warm-up)
 * @param epochs epochs of every trial of experiments 1 and 2 (ASHA's {@code max_epochs})
 * @param repeats runs of each side of experiment 1
 * @param ashaMinEpochs ASHA's first rung
 * @param reductionFactor ASHA's eta: the top {@code 1/eta} of the trials at a rung go on
 * @param ashaSeeds search seeds of experiment 2; the first is also experiment 1's
 * @param searchTrials trial budget of each run of experiment 3; more than TPE's 10 random
 *     start-up trials, or TPE would never model anything
 * @param searchEpochs epochs of every trial of experiment 3
 * @param searchSeeds search seeds of experiment 3
 */
public record SweepPlan(boolean quick, int trials, int epochs, int repeats, int ashaMinEpochs, int reductionFactor,
                        List<Long> ashaSeeds, int searchTrials, int searchEpochs, List<Long> searchSeeds) {

    /** TPE's random start-up trials ({@code TpeSearch.Settings.DEFAULT}). */
    static final int TPE_STARTUP = 10;

    /** The warm-up's search seed: one that no measured sweep of experiments 1 and 2 uses. */
    static final long WARM_UP_SEED = 0;

    public SweepPlan {
        ashaSeeds = List.copyOf(ashaSeeds);
        searchSeeds = List.copyOf(searchSeeds);
        if (trials < 2 || epochs < 2 || searchEpochs < 1) {
            throw new IllegalArgumentException("a sweep plan needs >= 2 trials of >= 2 epochs and >= 1 search epoch, got "
                    + trials + " trials of " + epochs + " epochs, " + searchEpochs + " search epochs");
        }
        if (repeats < 1) {
            throw new IllegalArgumentException("experiment 1 needs >= 1 run a side, got repeats " + repeats);
        }
        if (ashaMinEpochs < 1 || ashaMinEpochs >= epochs || reductionFactor < 2) {
            throw new IllegalArgumentException("ASHA needs 1 <= min_epochs < epochs (" + epochs + ") and a reduction "
                    + "factor >= 2, got min_epochs " + ashaMinEpochs + ", reduction factor " + reductionFactor);
        }
        if (searchTrials <= TPE_STARTUP) {
            throw new IllegalArgumentException("experiment 3 needs more than TPE's " + TPE_STARTUP
                    + " start-up trials, got " + searchTrials);
        }
        // every sweep has a folder of its own, named by variant and seed
        if (ashaSeeds.isEmpty() || new HashSet<>(ashaSeeds).size() < ashaSeeds.size()
                || ashaSeeds.contains(WARM_UP_SEED)) {
            throw new IllegalArgumentException("experiment 2 needs at least one seed, no seed twice and not the "
                    + "warm-up's seed " + WARM_UP_SEED + ", got " + ashaSeeds);
        }
        if (searchSeeds.isEmpty() || new HashSet<>(searchSeeds).size() < searchSeeds.size()) {
            throw new IllegalArgumentException("experiment 3 needs at least one seed and no seed twice, got "
                    + searchSeeds);
        }
    }

    /**
     * The benchmark's sizes.
     *
     * <p>Full: a warm-up of 24 trials x 18 epochs two at a time; experiment 1: 24 trials of 18
     * epochs, 2 runs a side (4 sweeps); experiment 2: ASHA (rungs at 2 and 6 epochs) for seeds 1,
     * 2 and 3 and unpruned runs for seeds 2 and 3 (5 sweeps); experiment 3: 5 seeds x 24 trials of
     * 5 epochs, random and TPE (10 sweeps; TPE models 14 trials of each). 20 sweeps, about 5 to 7
     * minutes on 2 quiet cores (in an earlier full run an unpruned 24 x 18 sweep took about 35 s,
     * an ASHA sweep 12 s and one of experiment 3 8 s; two at a time should take less once the JIT
     * has settled).
     *
     * <p>Quick: a warm-up of 2 trials x 1 epoch; experiment 1: 6 trials of 4 epochs, one run a
     * side; experiment 2: ASHA (rungs at 1 and 3) for seed 1 only; experiment 3: 2 seeds x 12
     * trials of 2 epochs. 7 sweeps on the same code paths (less the repeats and the unpruned runs
     * of their own), in under 2 minutes.
     *
     * @param quick the quick sizes
     * @return the plan
     */
    public static SweepPlan of(boolean quick) {
        return quick ? new SweepPlan(true, 6, 4, 1, 1, 3, List.of(1L), 12, 2, List.of(1L, 2L))
                : new SweepPlan(false, 24, 18, 2, 2, 3, List.of(1L, 2L, 3L), 24, 5, List.of(1L, 2L, 3L, 4L, 5L));
    }

    /** @return the search seed of experiment 1, the first of experiment 2's */
    public long seed() {
        return ashaSeeds.get(0);
    }

    /**
     * @return the warm-up sweep, so that the measured runs pay neither for the JVM's and Spark's
     *     first use nor for the JIT compilers' first half minute: in the full run experiment 1's
     *     trial-parallel sweep with {@link #WARM_UP_SEED}, in {@code --quick} two one-epoch trials
     */
    public SweepCase warmUp() {
        return new SweepCase(SweepCase.WARM_UP, "warm-up", WARM_UP_SEED, 1, quick
                ? overrides("random", 2, 2, 1, WARM_UP_SEED, "none")
                : overrides("random", trials, 2, epochs, WARM_UP_SEED, "none"));
    }

    /** @return the measured sweeps in run order */
    public List<SweepCase> cases() {
        List<SweepCase> out = new ArrayList<>();
        long seed = seed();
        for (int r = 1; r <= repeats; r++) {
            SweepCase parallel = new SweepCase(SweepCase.PARALLEL_VS_SEQUENTIAL, SweepCase.PARALLEL, seed, r,
                    overrides("random", trials, 2, epochs, seed, "none"));
            SweepCase sequential = new SweepCase(SweepCase.PARALLEL_VS_SEQUENTIAL, SweepCase.SEQUENTIAL, seed, r,
                    overrides("random", trials, 1, epochs, seed, "none"));
            // ABBA: odd repeats parallel first, even ones sequential first
            out.addAll(r % 2 == 1 ? List.of(parallel, sequential) : List.of(sequential, parallel));
        }
        String asha = "{type: asha, min_epochs: " + ashaMinEpochs + ", max_epochs: " + epochs + ", reduction_factor: "
                + reductionFactor + "}";
        for (long s : ashaSeeds) {
            if (s != seed) {
                out.add(new SweepCase(SweepCase.ASHA_VS_UNPRUNED, SweepCase.UNPRUNED, s, 1,
                        overrides("random", trials, 2, epochs, s, "none")));
            }
            out.add(new SweepCase(SweepCase.ASHA_VS_UNPRUNED, SweepCase.ASHA, s, 1,
                    overrides("random", trials, 2, epochs, s, asha)));
        }
        for (long s : searchSeeds) {
            for (String strategy : List.of(SweepCase.RANDOM, SweepCase.TPE)) {
                out.add(new SweepCase(SweepCase.TPE_VS_RANDOM, strategy, s, 1,
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
