package io.spindle.bench;

import java.util.List;

/**
 * One sweep that {@code spindle bench sweep} runs: the benchmark's sweep file with these
 * {@code --set} overrides, into its own sub-folder of the output folder.
 *
 * @param experiment the comparison it belongs to, e.g. {@value #PARALLEL_VS_SEQUENTIAL}
 * @param variant its side of the comparison, e.g. {@value #SEQUENTIAL}
 * @param data the data set its {@code data.path} points at
 * @param seed the search seed ({@code sweep.seed})
 * @param repeat which run of the same sweep this is, from 1 (experiment 1 runs each side more
 *     than once; every other sweep runs once)
 * @param overrides {@code key=value} assignments over the sweep file, in order
 */
public record SweepCase(String experiment, String variant, Data data, long seed, int repeat, List<String> overrides) {

    /**
     * The data sets of the benchmark: which file a sweep's {@code data.path} is set to. Both have
     * the label column {@code digit} and ten classes, so the sweep file's {@code label} and
     * {@code task} fit either.
     */
    public enum Data {
        /** The 8x8 digits ({@code --data}): experiments 1 and 3, whose costs per trial are what they measure. */
        DIGITS("digits"),
        /**
         * MNIST-10k ({@code --mnist-data}): experiment 2, whose validation split (~1,500 rows of
         * 10,000 at 70/15/15) resolves the 0.5-point accuracy target that digits' ~270 rows cannot.
         */
        MNIST10K("mnist10k");

        private final String label;

        Data(String label) {
            this.label = label;
        }

        /** @return how reports name it, e.g. {@code mnist10k} */
        public String label() {
            return label;
        }
    }

    /** Experiment 1: trial-parallel against sequential trials. */
    public static final String PARALLEL_VS_SEQUENTIAL = "parallel-vs-sequential";
    /** Experiment 2: ASHA against the same trials unpruned, over several seeds. */
    public static final String ASHA_VS_UNPRUNED = "asha-vs-unpruned";
    /** Experiment 3: TPE against random search at equal trial budget, over several seeds. */
    public static final String TPE_VS_RANDOM = "tpe-vs-random";
    /** The warm-up sweep, run first and left out of the results. */
    public static final String WARM_UP = "warm-up";

    /** Two trials at once, no pruning, on digits: experiment 1's trial-parallel side. */
    public static final String PARALLEL = "parallel";
    /** Two trials at once, no pruning, on MNIST-10k: experiment 2's unpruned side, one run per seed. */
    public static final String UNPRUNED = "unpruned";
    /** The warm-up sweep on MNIST-10k, run before the measured sweeps and left out of the results. */
    public static final String WARM_UP_MNIST = "warm-up-mnist10k";
    /** One trial at a time, no pruning. */
    public static final String SEQUENTIAL = "sequential";
    /** Two trials at once, ASHA pruning (its default, stopping form). */
    public static final String ASHA = "asha";
    /** Two trials at once, ASHA's promotion form (trials pause at a rung and may be promoted later). */
    public static final String ASHA_PROMOTION = "asha-promotion";
    /** Random search. */
    public static final String RANDOM = "random";
    /** Tree-structured Parzen estimator search. */
    public static final String TPE = "tpe";

    public SweepCase {
        overrides = List.copyOf(overrides);
        java.util.Objects.requireNonNull(data, "data");
        if (!experiment.matches("[a-z0-9-]+") || !variant.matches("[a-z0-9-]+")) {
            throw new IllegalArgumentException("experiment and variant must be lower-case words joined by '-' (they "
                    + "name a folder), got '" + experiment + "' / '" + variant + "'");
        }
        if (repeat < 1) {
            throw new IllegalArgumentException(title(experiment, variant, seed, 1) + ": repeat must be >= 1, got "
                    + repeat);
        }
    }

    /**
     * @return the sub-folder of the output folder the sweep writes into, e.g.
     *     {@code sweep-tpe-seed3}, or {@code sweep-parallel-seed1-repeat2} for a second run
     */
    public String folder() {
        return "sweep-" + variant + "-seed" + seed + (repeat == 1 ? "" : "-repeat" + repeat);
    }

    /**
     * @return how it appears in progress lines, e.g. {@code tpe-vs-random / tpe, seed 3}, or
     *     {@code parallel-vs-sequential / parallel, seed 1, repeat 2} for a second run
     */
    public String title() {
        return title(experiment, variant, seed, repeat);
    }

    /**
     * @param experiment the comparison
     * @param variant its side
     * @param seed the search seed
     * @param repeat which run of the same sweep, from 1
     * @return the title of {@link #title()}
     */
    static String title(String experiment, String variant, long seed, int repeat) {
        return experiment + " / " + variant + ", seed " + seed + (repeat == 1 ? "" : ", repeat " + repeat);
    }
}
