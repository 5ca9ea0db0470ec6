package io.spindle.bench;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;

/**
 * The sizes of {@code spindle bench sweep} and the sweeps they make.
 *
 * <p>Two warm-up sweeps run first and are left out of the results. In the full run the first is
 * experiment 1's trial-parallel sweep on digits with a seed no measured sweep uses
 * ({@link #WARM_UP_SEED}): the JIT compilers take about a core for the JVM's first ~30 s, and a
 * measured sweep that runs beside them on {@code local[2]} loses its second core. The second is a
 * short sweep on MNIST-10k (2 trials x 1 epoch, two at a time), so that experiment 2's first sweep
 * pays neither for the first read of that file nor for compiling the code paths that only its
 * 784 columns and min-max scaling take. {@code --quick} warms up with two one-epoch trials on each
 * data set.
 *
 * <p>Experiment 1 runs the same {@code trials} random-search trials on digits (same seed, hence
 * the same configurations) two at a time and one at a time, without pruning, {@code repeats} times
 * a side in ABBA order (parallel, sequential, sequential, parallel, ...) so that a drift in machine
 * load or JIT state weighs on both sides alike; its ratio is of the median wall times. Experiment 2
 * runs on MNIST-10k (pixels min-max scaled, as {@code conf/jobs/mnist10k-mlp.yaml} does), whose
 * ~1,500-row validation split resolves its 0.5-point accuracy target (digits' ~270 rows make one
 * row 0.37 points): {@code ashaTrials} random-search trials of {@code ashaEpochs} epochs two at a
 * time under ASHA for every seed in {@code ashaSeeds}, against the same seed's unpruned
 * two-at-a-time run, which every seed runs for itself (experiment 1's runs are on other data);
 * its targets are judged on the means over the seeds. Experiment 3 runs random and TPE search on
 * digits with the same trial budget for every seed in {@code searchSeeds}. Every trial trains on
 * one worker, so two trials at once fill {@code local[2]}.
 *
 * @param quick whether these are {@code --quick}'s sizes
 * @param trials trials of experiment 1 (and of the full digits warm-up)
 * @param epochs epochs of every trial of experiment 1
 * @param repeats runs of each side of experiment 1
 * @param ashaTrials trials of every sweep of experiment 2, ASHA and unpruned
 * @param ashaEpochs epochs of every unpruned trial of experiment 2 (ASHA's {@code max_epochs})
 * @param ashaMinEpochs ASHA's first rung
 * @param reductionFactor ASHA's eta: the top {@code 1/eta} of the trials at a rung go on
 * @param ashaSeeds search seeds of experiment 2; the first is also experiment 1's
 * @param searchTrials trial budget of each run of experiment 3; more than TPE's 10 random
 *     start-up trials, or TPE would never model anything
 * @param searchEpochs epochs of every trial of experiment 3
 * @param searchSeeds search seeds of experiment 3
 */
public record SweepPlan(boolean quick, int trials, int epochs, int repeats, int ashaTrials, int ashaEpochs,
                        int ashaMinEpochs, int reductionFactor, List<Long> ashaSeeds, int searchTrials,
                        int searchEpochs, List<Long> searchSeeds) {

    /** TPE's random start-up trials ({@code TpeSearch.Settings.DEFAULT}). */
    static final int TPE_STARTUP = 10;

    /** The warm-ups' search seed: one that no measured sweep of experiments 1 and 2 uses. */
    static final long WARM_UP_SEED = 0;

    /** Experiment 2's override of the sweep file's scaling: pixels to [0, 1], as conf/jobs/mnist10k-mlp.yaml. */
    static final String MNIST_NORMALIZE = "data.normalize=minmax";

    public SweepPlan {
        ashaSeeds = List.copyOf(ashaSeeds);
        searchSeeds = List.copyOf(searchSeeds);
        if (trials < 2 || epochs < 2 || searchEpochs < 1) {
            throw new IllegalArgumentException("a sweep plan needs >= 2 trials of >= 2 epochs in experiment 1 and >= 1 "
                    + "search epoch, got " + trials + " trials of " + epochs + " epochs, " + searchEpochs
                    + " search epochs");
        }
        if (repeats < 1) {
            throw new IllegalArgumentException("experiment 1 needs >= 1 run a side, got repeats " + repeats);
        }
        if (ashaTrials < 2 || ashaEpochs < 2) {
            throw new IllegalArgumentException("experiment 2 needs >= 2 trials of >= 2 epochs (ASHA has nothing to "
                    + "compare or to stop otherwise), got ashaTrials " + ashaTrials + ", ashaEpochs " + ashaEpochs);
        }
        if (ashaMinEpochs < 1 || ashaMinEpochs >= ashaEpochs || reductionFactor < 2) {
            throw new IllegalArgumentException("ASHA needs 1 <= min_epochs < ashaEpochs (" + ashaEpochs + ") and a "
                    + "reduction factor >= 2, got min_epochs " + ashaMinEpochs + ", reduction factor "
                    + reductionFactor);
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
     * <p>Full: warm-ups of 24 trials x 18 epochs on digits and 2 x 1 on MNIST-10k, two at a time;
     * experiment 1: 24 trials of 18 epochs on digits, 2 runs a side (4 sweeps); experiment 2 on
     * MNIST-10k: 12 trials of 9 epochs, ASHA (rungs at 1 and 3 epochs, the last at 9) and unpruned
     * for seeds 1, 2 and 3 (6 sweeps); experiment 3 on digits: 5 seeds x 24 trials of 5 epochs,
     * random and TPE (10 sweeps; TPE models 14 trials of each). 20 measured sweeps. Not timed as a
 * whole since experiment 2 moved to MNIST-10k; an estimate: the last full run on digits took about
 * 6 minutes, of which experiment 2 was about 2; experiment 2 now trains about 3 x (108 + ~35)
 * trial-epochs of MNIST-10k, two at a time. At the rate of the quick run below (about 2.2 s of
 * sweep wall per trial-epoch, on a busy machine) that is about 15 minutes more, about 20 in all;
 * on 2 quiet cores, where an MNIST-10k epoch of one trial should take nearer 1 s, about 10.
     *
     * <p>Quick: warm-ups of 2 trials x 1 epoch on each data set; experiment 1: 6 trials of 4
     * epochs, one run a side; experiment 2: 4 trials of 3 epochs, ASHA (a rung at 1) and unpruned
     * for seed 1; experiment 3: 1 seed x 12 trials of 2 epochs. 6 measured sweeps on the same code
     * paths (less the repeats and seeds). One quick run took 3 minutes (179 s, JVM start included) on the
 * shared 2-core machine while other work held its 1-minute load average at 5 to 6: warm-ups of
 * 31 s (digits) and 18 s (MNIST-10k), experiment 2's unpruned sweep 31 s (12 epochs) and its ASHA
 * sweep 18 s (8 epochs).
     *
     * @param quick the quick sizes
     * @return the plan
     */
    public static SweepPlan of(boolean quick) {
        return quick ? new SweepPlan(true, 6, 4, 1, 4, 3, 1, 3, List.of(1L), 12, 2, List.of(1L))
                : new SweepPlan(false, 24, 18, 2, 12, 9, 1, 3, List.of(1L, 2L, 3L), 24, 5,
                List.of(1L, 2L, 3L, 4L, 5L));
    }

    /**
     * @return the search seed of experiment 1: the first of experiment 2's (experiment 2 runs on
     *     other data, so the two share no run)
     */
    public long seed() {
        return ashaSeeds.get(0);
    }

    /**
     * @return the warm-up sweeps in run order, so that the measured runs pay neither for the JVM's
     *     and Spark's first use nor for the JIT compilers' first half minute: on digits, in the full
     *     run experiment 1's trial-parallel sweep with {@link #WARM_UP_SEED}, in {@code --quick} two
     *     one-epoch trials; then two one-epoch trials on MNIST-10k, scaled as experiment 2's
     */
    public List<SweepCase> warmUps() {
        return List.of(new SweepCase(SweepCase.WARM_UP, SweepCase.WARM_UP, SweepCase.Data.DIGITS, WARM_UP_SEED, 1,
                        quick ? overrides("random", 2, 2, 1, WARM_UP_SEED, "none")
                                : overrides("random", trials, 2, epochs, WARM_UP_SEED, "none")),
                new SweepCase(SweepCase.WARM_UP, SweepCase.WARM_UP_MNIST, SweepCase.Data.MNIST10K, WARM_UP_SEED, 1,
                        mnist(overrides("random", 2, 2, 1, WARM_UP_SEED, "none"))));
    }

    /** @return the measured sweeps in run order */
    public List<SweepCase> cases() {
        List<SweepCase> out = new ArrayList<>();
        long seed = seed();
        SweepCase.Data digits = SweepCase.Data.DIGITS;
        for (int r = 1; r <= repeats; r++) {
            SweepCase parallel = new SweepCase(SweepCase.PARALLEL_VS_SEQUENTIAL, SweepCase.PARALLEL, digits, seed, r,
                    overrides("random", trials, 2, epochs, seed, "none"));
            SweepCase sequential = new SweepCase(SweepCase.PARALLEL_VS_SEQUENTIAL, SweepCase.SEQUENTIAL, digits, seed,
                    r, overrides("random", trials, 1, epochs, seed, "none"));
            // ABBA: odd repeats parallel first, even ones sequential first
            out.addAll(r % 2 == 1 ? List.of(parallel, sequential) : List.of(sequential, parallel));
        }
        String ashaSettings = "type: asha, min_epochs: " + ashaMinEpochs + ", max_epochs: " + ashaEpochs
                + ", reduction_factor: " + reductionFactor;
        String asha = "{" + ashaSettings + "}";
        String promotion = "{" + ashaSettings + ", promotion: true}";
        for (long s : ashaSeeds) {
            out.add(new SweepCase(SweepCase.ASHA_VS_UNPRUNED, SweepCase.UNPRUNED, SweepCase.Data.MNIST10K, s, 1,
                    mnist(overrides("random", ashaTrials, 2, ashaEpochs, s, "none"))));
            out.add(new SweepCase(SweepCase.ASHA_VS_UNPRUNED, SweepCase.ASHA, SweepCase.Data.MNIST10K, s, 1,
                    mnist(overrides("random", ashaTrials, 2, ashaEpochs, s, asha))));
            out.add(new SweepCase(SweepCase.ASHA_VS_UNPRUNED, SweepCase.ASHA_PROMOTION, SweepCase.Data.MNIST10K, s, 1,
                    mnist(overrides("random", ashaTrials, 2, ashaEpochs, s, promotion))));
        }
        for (long s : searchSeeds) {
            for (String strategy : List.of(SweepCase.RANDOM, SweepCase.TPE)) {
                out.add(new SweepCase(SweepCase.TPE_VS_RANDOM, strategy, digits, s, 1,
                        overrides(strategy, searchTrials, 2, searchEpochs, s, "none")));
            }
        }
        return out;
    }

    /** @return the overrides with MNIST-10k's scaling ({@link #MNIST_NORMALIZE}) first */
    private static List<String> mnist(List<String> overrides) {
        List<String> out = new ArrayList<>();
        out.add(MNIST_NORMALIZE);
        out.addAll(overrides);
        return out;
    }

    private static List<String> overrides(String strategy, int trials, int parallel, int epochs, long seed,
                                          String scheduler) {
        return List.of("training.epochs=" + epochs, "sweep.strategy=" + strategy, "sweep.trials=" + trials,
                "sweep.parallel_trials=" + parallel, "sweep.workers_per_trial=1", "sweep.seed=" + seed,
                "sweep.scheduler=" + scheduler);
    }
}
