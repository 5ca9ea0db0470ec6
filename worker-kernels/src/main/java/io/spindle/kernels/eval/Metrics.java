package io.spindle.kernels.eval;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Immutable metrics of one evaluation, produced by {@link MetricsAccumulator#result()}.
 *
 * <p>Keys of {@link #values()}:
 * <ul>
 *   <li>classification ({@link TaskKind#BINARY}, {@link TaskKind#MULTICLASS},
 *       {@link TaskKind#MULTILABEL}): {@code accuracy}, {@code precision}, {@code recall},
 *       {@code f1}, {@code precision_macro}, {@code recall_macro}, {@code f1_macro}, {@code auc};
 *   <li>regression: {@code mae}, {@code mse}, {@code rmse}, {@code r2}, {@code mape}, {@code smape}
 *       (and {@code mase}, added by the driver for forecasts);
 *   <li>every kind: {@code loss}, present only if {@link MetricsAccumulator#addLoss} counted at
 *       least one example.
 * </ul>
 * Their exact definitions are on {@link MetricsAccumulator}.
 *
 * @param kind the task kind these metrics describe
 * @param count number of rows given to {@link MetricsAccumulator#add}, including rows with
 *     non-finite predictions
 * @param nonFiniteRows rows whose predictions held a NaN or infinity; when it is {@code > 0}
 *     every value except {@code loss} is NaN
 * @param values metric name to value, in a stable order
 * @param perClass for classification, class (or label) index as a decimal string to a map with
 *     {@code precision}, {@code recall}, {@code f1} and {@code support}; empty for regression
 * @param confusionMatrix {@code [actual][predicted]} counts for {@link TaskKind#BINARY} and
 *     {@link TaskKind#MULTICLASS}; a 0 x 0 array for the other kinds
 */
public record Metrics(
        TaskKind kind,
        long count,
        long nonFiniteRows,
        Map<String, Double> values,
        Map<String, Map<String, Double>> perClass,
        long[][] confusionMatrix) implements Serializable {

    /** Metric names for which a smaller value is better. */
    private static final Set<String> LOWER_IS_BETTER = Set.of("loss", "mae", "mse", "rmse", "mape", "smape", "mase");

    /** Metric names for which a larger value is better. */
    private static final Set<String> HIGHER_IS_BETTER = Set.of(
            "accuracy", "precision", "recall", "f1", "precision_macro", "recall_macro", "f1_macro",
            "auc", "r2");

    /**
     * Copies every argument so the record stays immutable.
     *
     * @throws NullPointerException if an argument, key or value is null
     * @throws IllegalArgumentException if a count is negative
     */
    public Metrics {
        Objects.requireNonNull(kind, "kind");
        if (count < 0 || nonFiniteRows < 0 || nonFiniteRows > count) {
            throw new IllegalArgumentException("need 0 <= nonFiniteRows <= count, got nonFiniteRows="
                    + nonFiniteRows + ", count=" + count);
        }
        values = copy(Objects.requireNonNull(values, "values"));
        Map<String, Map<String, Double>> classes = new LinkedHashMap<>();
        Objects.requireNonNull(perClass, "perClass").forEach((k, v) -> classes.put(
                Objects.requireNonNull(k, "perClass key"), copy(Objects.requireNonNull(v, "perClass value"))));
        perClass = Collections.unmodifiableMap(classes);
        confusionMatrix = deepCopy(Objects.requireNonNull(confusionMatrix, "confusionMatrix"));
    }

    /**
     * @param name a metric name
     * @param value its value
     * @return these metrics with one more value (or that value replaced)
     */
    public Metrics with(String name, double value) {
        Map<String, Double> v = new LinkedHashMap<>(values);
        v.put(name, value);
        return new Metrics(kind, count, nonFiniteRows, v, perClass, confusionMatrix);
    }

    /**
     * Whether a larger value of the metric is better, for choosing the best trial or checkpoint.
     *
     * @param metric a metric name of {@link #values()}
     * @return false for {@code loss}, {@code mae}, {@code mse}, {@code rmse}; true for the others
     * @throws IllegalArgumentException if the name is not one of the metrics above
     */
    public static boolean higherIsBetter(String metric) {
        Objects.requireNonNull(metric, "metric");
        if (LOWER_IS_BETTER.contains(metric)) {
            return false;
        }
        if (HIGHER_IS_BETTER.contains(metric)) {
            return true;
        }
        throw new IllegalArgumentException("unknown metric '" + metric + "'; known metrics: "
                + new TreeSet<>(union()));
    }

    /**
     * @param metric a key of {@link #values()}
     * @return its value (possibly NaN)
     * @throws IllegalArgumentException if these metrics have no such key
     */
    public double value(String metric) {
        Double v = values.get(metric);
        if (v == null) {
            throw new IllegalArgumentException("no metric '" + metric + "' for a " + kind
                    + " task; available: " + values.keySet());
        }
        return v;
    }

    /** @return a copy of the {@code [actual][predicted]} counts (0 x 0 for regression and multilabel) */
    @Override
    public long[][] confusionMatrix() {
        return deepCopy(confusionMatrix);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Metrics m
                && kind == m.kind
                && count == m.count
                && nonFiniteRows == m.nonFiniteRows
                && values.equals(m.values)
                && perClass.equals(m.perClass)
                && Arrays.deepEquals(confusionMatrix, m.confusionMatrix);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, count, nonFiniteRows, values, perClass, Arrays.deepHashCode(confusionMatrix));
    }

    @Override
    public String toString() {
        return "Metrics[kind=" + kind + ", count=" + count + ", nonFiniteRows=" + nonFiniteRows
                + ", values=" + values + ", perClass=" + perClass
                + ", confusionMatrix=" + Arrays.deepToString(confusionMatrix) + "]";
    }

    private static Set<String> union() {
        Set<String> all = new HashSet<>(LOWER_IS_BETTER);
        all.addAll(HIGHER_IS_BETTER);
        return all;
    }

    private static Map<String, Double> copy(Map<String, Double> map) {
        Map<String, Double> out = new LinkedHashMap<>();
        map.forEach((k, v) -> out.put(Objects.requireNonNull(k, "metric name"),
                Objects.requireNonNull(v, "metric value")));
        return Collections.unmodifiableMap(out);
    }

    private static long[][] deepCopy(long[][] m) {
        long[][] out = new long[m.length][];
        for (int i = 0; i < m.length; i++) {
            out[i] = m[i].clone();
        }
        return out;
    }
}
