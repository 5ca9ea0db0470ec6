package io.spindle.driver.data;

import io.spindle.kernels.Block;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.api.java.JavaRDD;

/**
 * The three splits of a data set, decoded, encoded and normalized, ready to train on, plus what
 * was learned while reading them.
 *
 * @param train train rows (normalization was fitted on these only)
 * @param validation validation rows
 * @param test test rows
 * @param layout names and widths of the encoded features and labels
 * @param normalization the fitted scaling (identity when {@code normalize: none})
 * @param report row counts and skipped-row counts per reason
 * @param forecast for windows cut from a series: the forecast baselines and the test windows' times
 */
public record PreparedData(
        JavaRDD<Block> train,
        JavaRDD<Block> validation,
        JavaRDD<Block> test,
        Layout layout,
        Normalization normalization,
        LoadReport report,
        Optional<Forecast> forecast) {

    /** Rows that are no forecast windows. */
    public PreparedData(JavaRDD<Block> train, JavaRDD<Block> validation, JavaRDD<Block> test, Layout layout,
                        Normalization normalization, LoadReport report) {
        this(train, validation, test, layout, normalization, report, Optional.empty());
    }

    /**
     * What a windowed series adds: the scale of MASE, the trivial forecasts' metrics on the same
     * windows as the model's, and where the test windows lie in time.
     *
     * @param seasonality the season length in steps
     * @param maseScale the mean absolute seasonal-naive error of the train parts (one step, in sample;
     *     averaged over the targets)
     * @param validationBaselines forecast name ({@code naive}, {@code seasonal_naive}) to its validation metrics
     * @param testBaselines the same on the test windows
     * @param testTimes per test window, in order, the time of each predicted step (horizon entries)
     * @param testSeries per test window, its series (empty for a single series)
     */
    public record Forecast(int seasonality, double maseScale, Map<String, Map<String, Double>> validationBaselines,
                           Map<String, Map<String, Double>> testBaselines, List<List<String>> testTimes,
                           List<String> testSeries) { }

    /**
     * @param featureNames encoded feature names (a one-hot column is {@code column=value})
     * @param labelNames label columns as given in the spec
     * @param classes class names in output-index order (multiclass and binary); empty otherwise
     * @param featureWidth values per row fed to the network
     * @param labelWidth values per row of the label array
     * @param columns the feature columns as the data names them, in encoding order (for windows:
     *     the columns each window step holds)
     * @param categories per categorical feature column, its values in one-hot order (canonical
     *     spelling, fitted on the train split); in the order of {@code columns}
     */
    public record Layout(List<String> featureNames, List<String> labelNames, List<String> classes,
                         int featureWidth, int labelWidth, List<String> columns, Map<String, List<String>> categories) {

        /** Copies the lists; keeps the categories in the order given. */
        public Layout {
            featureNames = List.copyOf(featureNames);
            labelNames = List.copyOf(labelNames);
            classes = List.copyOf(classes);
            columns = List.copyOf(columns);
            java.util.LinkedHashMap<String, List<String>> c = new java.util.LinkedHashMap<>();
            categories.forEach((k, v) -> c.put(k, List.copyOf(v)));
            categories = java.util.Collections.unmodifiableMap(c);
        }

        /** A layout of numeric columns only, each one network input: the columns are the feature names. */
        public Layout(List<String> featureNames, List<String> labelNames, List<String> classes,
                      int featureWidth, int labelWidth) {
            this(featureNames, labelNames, classes, featureWidth, labelWidth, featureNames, Map.of());
        }
    }

    /**
     * Rows read and skipped.
     *
     * @param trainRows rows in the train split
     * @param validationRows rows in the validation split
     * @param testRows rows in the test split
     * @param skipped skipped rows by reason (only with {@code on_bad_record: skip})
     */
    public record LoadReport(long trainRows, long validationRows, long testRows, Map<String, Long> skipped) {
        /** @return total skipped rows */
        public long skippedRows() {
            return skipped.values().stream().mapToLong(Long::longValue).sum();
        }
    }
}
