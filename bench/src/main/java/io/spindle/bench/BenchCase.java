package io.spindle.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One benchmark case: a network, the data it trains on and the systems that train it, each with
 * its budget.
 *
 * @param name the case name, e.g. {@code mnist-mlp}
 * @param kind what the case trains: an MLP on MNIST-10k (quality: test accuracy) or a recurrent
 *     network on windows of a series (quality: test RMSE)
 * @param hidden {@link Kind#MLP}: hidden layer widths (ReLU), the output layer is softmax over the 10
 *     digits; {@link Kind#SEQUENCE}: LSTM layer widths, the output layer a linear regression output
 * @param batchSize minibatch size (per worker for the data-parallel systems)
 * @param dataset the case's data set, relative to the Spindle checkout unless given otherwise
 *     ({@code --data}, {@code --co2-data})
 * @param budgets the systems to run, in order, with their budgets
 */
public record BenchCase(String name, Kind kind, List<Integer> hidden, int batchSize, String dataset,
                        Map<String, Budget> budgets) {

    /** The MNIST-10k CSV of the MLP cases, relative to the checkout. */
    public static final String MNIST_DATA = "conf/datasets/mnist10k.csv.gz";
    /** The weekly CO2 series of the sequence case, relative to the checkout. */
    public static final String CO2_DATA = "conf/datasets/co2_weekly.csv";

    /** The systems that train a sequence case: DL4J's averaging masters and MLlib's MLP classifier do not. */
    public static final List<String> SEQUENCE_SYSTEMS = List.of(Systems.SINGLE_JVM, Systems.SPINDLE, Systems.SPINDLE_UNSCALED);
    /** The systems that train the CNN case. */
    public static final List<String> CNN_SYSTEMS = List.of(Systems.SINGLE_JVM, Systems.SINGLE_JVM_BUILTIN, Systems.SPINDLE,
            Systems.SPINDLE_UNSCALED, Systems.PYTORCH);

    /** What a case trains, which decides its spec, its data preparation and its quality. */
    public enum Kind {
        /** MLP on MNIST-10k, pixels / 255; quality: test accuracy. */
        MLP(Quality.ACCURACY),
        /**
         * LSTM on windows of a series (the co2 forecasting example, {@code conf/jobs/co2.yaml});
         * quality: test RMSE in the data's units.
         */
        SEQUENCE(Quality.RMSE),
        /**
         * A small CNN on MNIST-10k as 28x28x1 images, pixels / 255 (the layers of
         * {@link Systems#CNN}, the dense width from {@code hidden}); quality: test accuracy.
         */
        CNN(Quality.ACCURACY);

        private final Quality quality;

        Kind(Quality quality) {
            this.quality = quality;
        }

        /** @return how cases of this kind measure their test quality */
        public Quality quality() {
            return quality;
        }
    }

    /** An MLP case on MNIST-10k. */
    public BenchCase(String name, List<Integer> hidden, int batchSize, Map<String, Budget> budgets) {
        this(name, Kind.MLP, hidden, batchSize, MNIST_DATA, budgets);
    }

    public BenchCase {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(dataset, "dataset");
        hidden = List.copyOf(hidden);
        budgets = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(budgets));
        if (batchSize < 1) {
            throw new IllegalArgumentException(name + ": batchSize must be >= 1, got " + batchSize);
        }
        if (kind == Kind.CNN) {
            if (hidden.size() != 1) {
                throw new IllegalArgumentException(name + ": a CNN case has one dense layer width, got " + hidden);
            }
            for (String system : budgets.keySet()) {
                if (!CNN_SYSTEMS.contains(system)) {
                    throw new IllegalArgumentException(name + ": a CNN case runs " + CNN_SYSTEMS + ", not " + system);
                }
            }
        } else if (!budgets.isEmpty() && (budgets.containsKey(Systems.PYTORCH)
                || budgets.containsKey(Systems.SINGLE_JVM_BUILTIN))) {
            throw new IllegalArgumentException(name + ": " + Systems.PYTORCH + " and " + Systems.SINGLE_JVM_BUILTIN
                    + " run the CNN case only");
        }
        if (kind == Kind.SEQUENCE) {
            if (hidden.isEmpty()) {
                throw new IllegalArgumentException(name + ": a sequence case needs at least one LSTM layer");
            }
            for (String system : budgets.keySet()) {
                if (!SEQUENCE_SYSTEMS.contains(system)) {
                    throw new IllegalArgumentException(name + ": " + system + " does not train recurrent regression "
                            + "networks; a sequence case runs " + SEQUENCE_SYSTEMS);
                }
            }
        }
    }

    /** @return how this case measures test quality */
    public Quality quality() {
        return kind.quality();
    }

    /**
     * The benchmark's cases. Full: about 12 epochs per system on {@code mnist-mlp} (DL4J's
     * averaging-every-5 master, ~300 samples/s, gets a time budget instead), fewer on the large
     * MLP, 20 epochs on {@code co2-lstm} (its example job early-stops near there; the time budget is
     * a safety cap that should not bind, so both systems train the same epochs), 6 epochs of
     * {@code mnist-cnn} (3 on DL4J's built-in layer path); the whole run about 18 minutes, capped
     * near 45. Quick: a few epochs on half the MNIST rows (one of the CNN), 5 epochs on every co2 window
     * (under a minute per system), ~3 minutes.
     *
     * @param quick the quick variant
     * @return the cases in run order
     */
    public static List<BenchCase> defaults(boolean quick) {
        Map<String, Budget> small = new LinkedHashMap<>();
        Map<String, Budget> large = new LinkedHashMap<>();
        Map<String, Budget> co2 = new LinkedHashMap<>();
        Map<String, Budget> cnn = new LinkedHashMap<>();
        if (quick) {
            cnn.put(Systems.SINGLE_JVM, new Budget(1, 30));
            cnn.put(Systems.SINGLE_JVM_BUILTIN, new Budget(1, 40));
            cnn.put(Systems.SPINDLE, new Budget(1, 30));
            cnn.put(Systems.PYTORCH, new Budget(1, 30));
            small.put(Systems.SINGLE_JVM, new Budget(3, 30));
            small.put(Systems.SPINDLE, new Budget(3, 30));
            small.put(Systems.SPINDLE_UNSCALED, new Budget(3, 30));
            small.put(Systems.PATM_5, new Budget(1, 15));
            small.put(Systems.PATM_20, new Budget(2, 15));
            small.put(Systems.MLLIB, new Budget(20, 30));
            large.put(Systems.SINGLE_JVM, new Budget(2, 20));
            large.put(Systems.SPINDLE, new Budget(2, 20));
            large.put(Systems.SPINDLE_UNSCALED, new Budget(2, 20));
            co2.put(Systems.SINGLE_JVM, new Budget(CO2_QUICK_EPOCHS, 45));
            co2.put(Systems.SPINDLE, new Budget(CO2_QUICK_EPOCHS, 45));
        } else {
            small.put(Systems.SINGLE_JVM, new Budget(12, 120));
            small.put(Systems.SPINDLE, new Budget(12, 120));
            small.put(Systems.SPINDLE_UNSCALED, new Budget(12, 120));
            small.put(Systems.PATM_5, new Budget(12, 200));
            small.put(Systems.PATM_20, new Budget(12, 150));
            small.put(Systems.MLLIB, new Budget(100, 180));
            large.put(Systems.SINGLE_JVM, new Budget(8, 120));
            large.put(Systems.SPINDLE, new Budget(8, 120));
            large.put(Systems.SPINDLE_UNSCALED, new Budget(8, 120));
            large.put(Systems.PATM_20, new Budget(8, 90));
            // DL4J's built-in convolutions run ~5x slower: fewer epochs, enough to compare accuracy per epoch
            cnn.put(Systems.SINGLE_JVM, new Budget(CNN_EPOCHS, 240));
            cnn.put(Systems.SINGLE_JVM_BUILTIN, new Budget(3, 240));
            cnn.put(Systems.SPINDLE, new Budget(CNN_EPOCHS, 240));
            cnn.put(Systems.PYTORCH, new Budget(CNN_EPOCHS, 240));
            co2.put(Systems.SINGLE_JVM, new Budget(CO2_EPOCHS, 360));
            co2.put(Systems.SPINDLE, new Budget(CO2_EPOCHS, 360));
        }
        // the sequence case: DL4J's parameter averaging masters and MLlib's MLP classifier do not apply
        return List.of(new BenchCase(Systems.MNIST, List.of(256, 128), 64, small),
                new BenchCase(Systems.LARGE, List.of(1024, 1024), 256, large),
                new BenchCase(Systems.CO2, Kind.SEQUENCE, List.of(32), 32, CO2_DATA, co2),
                new BenchCase(Systems.CNN, Kind.CNN, List.of(128), 64, MNIST_DATA, cnn));
    }

    /**
     * Epochs of {@code co2-lstm} in the full run ({@code conf/jobs/co2.yaml} allows 60 and early-stopped
     * after 24, its best epoch the 14th; an LSTM epoch takes ~3-9 s here).
     */
    static final int CO2_EPOCHS = 20;
    /** Epochs of {@code mnist-cnn} in the full run (~15 s per epoch on oneDNN, 2 cores). */
    static final int CNN_EPOCHS = 6;
    /** Epochs of {@code co2-lstm} in the quick run. */
    static final int CO2_QUICK_EPOCHS = 5;
}
