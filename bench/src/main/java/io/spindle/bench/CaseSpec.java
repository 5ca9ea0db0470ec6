package io.spindle.bench;

import io.spindle.driver.spec.JobSpec;
import io.spindle.driver.spec.SpecParser;
import io.spindle.driver.spec.SpecTrees;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.stream.Collectors;

/**
 * The Spindle job spec of a benchmark case, written as YAML and parsed by {@link SpecParser}
 * like any user spec.
 *
 * <p>MLP cases: MNIST-10k read raw ({@code normalize: none}; the benchmark divides pixels by 255
 * itself so every system gets identical inputs), an 80 / 10 / 10 seeded split, ReLU hidden layers,
 * softmax + cross-entropy, Adam 1e-3, no dropout, early stopping off, 2 workers and, unless one is
 * given, the trainer's default averaging period.
 *
 * <p>CNN case: the same data and training sections, the rows read as 28x28x1 images, and conv 32
 * 3x3 same -> max pool 2 -> conv 64 3x3 same -> max pool 2 -> the dense width -> softmax.
 *
 * <p>Sequence case: the forecasting example of {@code conf/jobs/co2.yaml} as it stands (windows of
 * 52 weeks predicting the next, {@code level: last}, {@code missing: interpolate}, the time split
 * 70 / 15 / 15, standardization fitted on the train part; the {@code timeseries} preset: RMSprop at
 * its default rate, He init, MSE; LSTM layers of the case's widths; batch 32), with the benchmark's
 * seed, epochs, early stopping off and the same cluster section as the MLP cases.
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
     * @param dataset the case's data: the MNIST-10k CSV (column {@code digit} and 784 pixel columns),
     *     or for the sequence case the weekly CO2 series (columns {@code date}, {@code co2_ppm})
     * @param epochs {@code training.epochs}
     * @param averagingPeriod {@code cluster.averaging_period}, or empty for the trainer's default
     * @param lrScaling {@code cluster.lr_scaling}; empty: the spec's default
     * @return the spec as YAML
     */
    public static String yaml(BenchCase c, Path dataset, int epochs, OptionalInt averagingPeriod, String lrScaling) {
        if (c.kind() == BenchCase.Kind.SEQUENCE) {
            return sequenceYaml(c, dataset, epochs, averagingPeriod, lrScaling);
        }
        // the CNN case reads the same rows as 28x28x1 images
        String image = c.kind() == BenchCase.Kind.CNN ? "  image: {height: 28, width: 28, channels: 1}\n" : "";
        return String.format(Locale.ROOT, """
                name: bench-%s
                data:
                  path: '%s'
                  label: digit
                  task: multiclass
                  normalize: none
                %s  split: {train: 0.8, validation: 0.1, test: 0.1, seed: %d}
                """, c.name(), quoted(dataset), image, SPLIT_SEED) + training(c, epochs, averagingPeriod, lrScaling);
    }

    /**
     * The spec of a case as a job for {@code spindle train} on a cluster, with the data the
     * benchmark trained on written out as files: the train rows as {@code data.path}, the test rows
     * as both {@code data.validation_path} and {@code data.test_path} (so the trainer evaluates
     * the same rows after every epoch as in {@link BenchData}), pixels already divided by 255
     * ({@code normalize: none}), the classes declared in the local run's output order. Model,
     * training and cluster sections are those of {@link #yaml}.
     *
     * @param c the case
     * @param train CSV of the train rows (column {@code digit} and the pixel columns)
     * @param test CSV of the test rows, same columns
     * @param classes the class labels in output-index order
     * @param epochs {@code training.epochs}
     * @param averagingPeriod {@code cluster.averaging_period}
     * @param lrScaling {@code cluster.lr_scaling}; empty: the spec's default
     * @return the spec as YAML; paths are written absolute, since the job runs from another folder
     */
    public static String clusterYaml(BenchCase c, Path train, Path test, List<String> classes, int epochs,
                                     int averagingPeriod, String lrScaling) {
        if (c.kind() != BenchCase.Kind.MLP) {
            throw new IllegalArgumentException(c.name() + ": only the MLP cases run on a standalone cluster");
        }
        String declared = classes.stream().map(k -> "'" + k.replace("'", "''") + "'")
                .collect(Collectors.joining(", ", "[", "]"));
        return String.format(Locale.ROOT, """
                name: bench-%s-cluster
                data:
                  path: '%s'
                  validation_path: '%s'
                  test_path: '%s'
                  label: digit
                  task: multiclass
                  classes: %s
                  normalize: none
                  # validation_path and test_path replace those fractions: every row of path is a train row
                  split: {train: 0.8, validation: 0.1, test: 0.1, seed: %d}
                """, c.name(), quoted(train), quoted(test), quoted(test), declared, SPLIT_SEED)
                + training(c, epochs, OptionalInt.of(averagingPeriod), lrScaling);
    }

    /**
     * The sequence case's spec: {@code conf/jobs/co2.yaml}'s data, model, batch and metrics, the
     * benchmark's seed, epochs and cluster section, early stopping off (every system trains every
     * epoch of its budget).
     */
    private static String sequenceYaml(BenchCase c, Path dataset, int epochs, OptionalInt averagingPeriod,
                                       String lrScaling) {
        String layers = c.hidden().stream().map(u -> "    - {type: lstm, units: " + u + "}\n")
                .collect(Collectors.joining());
        return String.format(Locale.ROOT, """
                name: bench-%s
                data:
                  path: '%s'
                  task: regression
                  window: {size: 52, horizon: 1, time: date, targets: [co2_ppm], seasonality: 52, level: last}
                  missing: interpolate
                model:
                  preset: timeseries
                  layers:
                %s    - {type: output}
                training:
                  batch_size: %d
                  epochs: %d
                  seed: %d
                  early_stopping: {enabled: false}
                metrics:
                  compute: [rmse, mae, r2]
                  select: rmse
                %s""", c.name(), quoted(dataset), layers, c.batchSize(), epochs, SEED,
                cluster(averagingPeriod, lrScaling));
    }

    /** @return the cluster section shared by every benchmark spec */
    private static String cluster(OptionalInt averagingPeriod, String lrScaling) {
        return String.format(Locale.ROOT, "cluster: {workers: %d%s%s}\n", WORKERS,
                lrScaling.isEmpty() ? "" : ", lr_scaling: " + lrScaling,
                averagingPeriod.isPresent() ? ", averaging_period: " + averagingPeriod.getAsInt() : "");
    }

    /** The model, training and cluster sections shared by every MLP and CNN benchmark spec. */
    private static String training(BenchCase c, int epochs, OptionalInt averagingPeriod, String lrScaling) {
        String layers = c.hidden().stream().map(u -> "    - {type: dense, units: " + u + ", activation: relu}\n")
                .collect(Collectors.joining());
        if (c.kind() == BenchCase.Kind.CNN) {
            // the network PyTorch's row trains too (bench/pytorch_cnn.py)
            layers = """
                        - {type: conv2d, filters: 32, kernel: 3, padding: same, activation: relu}
                        - {type: pooling, pool: max, size: 2}
                        - {type: conv2d, filters: 64, kernel: 3, padding: same, activation: relu}
                        - {type: pooling, pool: max, size: 2}
                    """ + layers;
        }
        return String.format(Locale.ROOT, """
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
                %s""", layers, c.batchSize(), epochs, SEED, cluster(averagingPeriod, lrScaling));
    }

    /** @return the absolute path as the inside of a single-quoted YAML string */
    private static String quoted(Path p) {
        return p.toAbsolutePath().toString().replace("'", "''");
    }

    /**
     * @param c the case
     * @param dataset the case's data set (see {@link #yaml})
     * @param epochs {@code training.epochs}
     * @param averagingPeriod {@code cluster.averaging_period}, or empty for the trainer's default
     * @param lrScaling {@code cluster.lr_scaling}: none, linear or sqrt; empty: the spec's default
     * @return the resolved spec
     * @throws io.spindle.driver.spec.SpecException when the spec is invalid (e.g. a period &lt; 1)
     */
    public static JobSpec spec(BenchCase c, Path dataset, int epochs, OptionalInt averagingPeriod, String lrScaling) {
        return parse(yaml(c, dataset, epochs, averagingPeriod, lrScaling), c.name());
    }

    /**
     * @param yaml a benchmark spec, e.g. from {@link #clusterYaml}
     * @param caseName the case it belongs to (for messages)
     * @return the resolved spec
     * @throws io.spindle.driver.spec.SpecException when the spec is invalid
     */
    static JobSpec parse(String yaml, String caseName) {
        return SpecParser.resolve(SpecTrees.parse(yaml, "benchmark spec of " + caseName), "bench-" + caseName,
                Path.of("").toAbsolutePath());
    }
}
