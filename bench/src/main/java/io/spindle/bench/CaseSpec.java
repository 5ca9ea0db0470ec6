package io.spindle.bench;

import io.spindle.driver.spec.JobSpec;
import io.spindle.driver.spec.SpecParser;
import io.spindle.driver.spec.SpecTrees;
import java.nio.file.Path;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.stream.Collectors;

/**
 * The Spindle job spec of a benchmark case, written as YAML and parsed by {@link SpecParser}
 * like any user spec: MNIST-10k read raw ({@code normalize: none}; the benchmark divides pixels
 * by 255 itself so every system gets identical inputs), an 80 / 10 / 10 seeded split, ReLU
 * hidden layers, softmax + cross-entropy, Adam 1e-3, no dropout, early stopping off, 2 workers
 * and, unless one is given, the trainer's default averaging period.
 */
public final class CaseSpec {

    /** Seed of initialization and minibatch shuffling, shared by every system. */
    public static final long SEED = 42;
    /** Seed of the train / test split. */
    public static final long SPLIT_SEED = 1;
    /** Data-parallel workers of Spindle and DL4J's parameter averaging. */
    public static final int WORKERS = 2;

    private CaseSpec() {
    }

    /**
     * @param c the case
     * @param dataset the MNIST-10k CSV (column {@code digit} and 784 pixel columns)
     * @param epochs {@code training.epochs}
     * @param averagingPeriod {@code cluster.averaging_period}, or empty for the trainer's default
     * @param lrScaling {@code cluster.lr_scaling}
     * @return the spec as YAML
     */
    public static String yaml(BenchCase c, Path dataset, int epochs, OptionalInt averagingPeriod, String lrScaling) {
        String layers = c.hidden().stream().map(u -> "    - {type: dense, units: " + u + ", activation: relu}\n")
                .collect(Collectors.joining());
        return String.format(Locale.ROOT, """
                name: bench-%s
                data:
                  path: '%s'
                  label: digit
                  task: multiclass
                  normalize: none
                  split: {train: 0.8, validation: 0.1, test: 0.1, seed: %d}
                model:
                  preset: classification
                  layers:
                %s    - {type: output}
                training:
                  optimizer: adam
                  lr: 0.001
                  batch_size: %d
                  epochs: %d
                  seed: %d
                  dropout: 0
                  early_stopping: {enabled: false}
                cluster: {workers: %d, lr_scaling: %s%s}
                """, c.name(), dataset.toAbsolutePath().toString().replace("'", "''"), SPLIT_SEED, layers,
                c.batchSize(), epochs, SEED, WORKERS, lrScaling,
                averagingPeriod.isPresent() ? ", averaging_period: " + averagingPeriod.getAsInt() : "");
    }

    /**
     * @param c the case
     * @param dataset the MNIST-10k CSV
     * @param epochs {@code training.epochs}
     * @param averagingPeriod {@code cluster.averaging_period}, or empty for the trainer's default
     * @param lrScaling {@code cluster.lr_scaling}: none, linear or sqrt
     * @return the resolved spec
     * @throws io.spindle.driver.spec.SpecException when the spec is invalid (e.g. a period &lt; 1)
     */
    public static JobSpec spec(BenchCase c, Path dataset, int epochs, OptionalInt averagingPeriod, String lrScaling) {
        return SpecParser.resolve(SpecTrees.parse(yaml(c, dataset, epochs, averagingPeriod, lrScaling),
                        "benchmark spec of " + c.name()),
                "bench-" + c.name(), Path.of("").toAbsolutePath());
    }
}
