package io.spindle.kernels.eval;

import java.util.Map;
import java.util.Set;

/**
 * Metric values of one evaluation, immutable.
 *
 * @param values metric name to value (see {@link MetricsAccumulator} for the names)
 * @param count rows evaluated
 * @param perClass class index to its precision, recall, f1 and support (binary and multiclass)
 * @param confusionMatrix counts by actual (row) and predicted (column) class; empty for
 *     regression and multilabel
 */
public record Metrics(Map<String, Double> values, long count, Map<String, Map<String, Double>> perClass,
                      long[][] confusionMatrix) {

    private static final Set<String> LOWER_IS_BETTER = Set.of("loss", "mae", "mse", "rmse");

    public Metrics {
        values = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(values));
        perClass = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(perClass));
    }

    /**
     * @param metric a metric name
     * @return whether larger values are better (false for losses and errors)
     */
    public static boolean higherIsBetter(String metric) {
        return !LOWER_IS_BETTER.contains(metric);
    }
}
