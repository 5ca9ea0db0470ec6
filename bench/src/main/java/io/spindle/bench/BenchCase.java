package io.spindle.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One benchmark case: an MLP on MNIST-10k and the systems that train it, each with its budget.
 *
 * @param name the case name, e.g. {@code mnist-mlp}
 * @param hidden hidden layer widths (ReLU); the output layer is softmax over the 10 digits
 * @param batchSize minibatch size (per worker for the data-parallel systems)
 * @param budgets the systems to run, in order, with their budgets
 */
public record BenchCase(String name, List<Integer> hidden, int batchSize, Map<String, Budget> budgets) {

    public BenchCase {
        hidden = List.copyOf(hidden);
        budgets = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(budgets));
        if (batchSize < 1) {
            throw new IllegalArgumentException(name + ": batchSize must be >= 1, got " + batchSize);
        }
    }

    /**
     * The benchmark's cases. Full: about 12 epochs per system on {@code mnist-mlp} (DL4J's
     * averaging-every-5 master, ~300 samples/s, gets a time budget instead), fewer on the large
     * MLP, the whole run under ~20 minutes (about 9 measured). Quick: a few epochs on half the rows, ~2 minutes.
     *
     * @param quick the quick variant
     * @return the cases in run order
     */
    public static List<BenchCase> defaults(boolean quick) {
        Map<String, Budget> small = new LinkedHashMap<>();
        Map<String, Budget> large = new LinkedHashMap<>();
        if (quick) {
            small.put(Systems.SINGLE_JVM, new Budget(3, 30));
            small.put(Systems.SPINDLE, new Budget(3, 30));
            small.put(Systems.SPINDLE_LR, new Budget(3, 30));
            small.put(Systems.PATM_5, new Budget(1, 15));
            small.put(Systems.PATM_20, new Budget(2, 15));
            small.put(Systems.MLLIB, new Budget(20, 30));
            large.put(Systems.SINGLE_JVM, new Budget(2, 20));
            large.put(Systems.SPINDLE, new Budget(2, 20));
            large.put(Systems.SPINDLE_LR, new Budget(2, 20));
        } else {
            small.put(Systems.SINGLE_JVM, new Budget(12, 120));
            small.put(Systems.SPINDLE, new Budget(12, 120));
            small.put(Systems.SPINDLE_LR, new Budget(12, 120));
            small.put(Systems.PATM_5, new Budget(12, 200));
            small.put(Systems.PATM_20, new Budget(12, 150));
            small.put(Systems.MLLIB, new Budget(100, 180));
            large.put(Systems.SINGLE_JVM, new Budget(8, 120));
            large.put(Systems.SPINDLE, new Budget(8, 120));
            large.put(Systems.SPINDLE_LR, new Budget(8, 120));
            large.put(Systems.PATM_20, new Budget(8, 90));
        }
        return List.of(new BenchCase(Systems.MNIST, List.of(256, 128), 64, small),
                new BenchCase(Systems.LARGE, List.of(1024, 1024), 256, large));
    }
}
