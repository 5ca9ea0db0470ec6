package io.spindle.bench;

import java.util.Locale;

/**
 * How a benchmark case measures the quality of a trained network on its test rows: test accuracy
 * for the MNIST classification cases (higher is better, with a time-to-target column), test RMSE
 * in the data's units for the regression (forecast) case (lower is better, no target).
 */
public enum Quality {

    /** Fraction of test rows whose highest output is the labelled class, in [0, 1]. */
    ACCURACY("accuracy", "test accuracy"),
    /** Root mean squared error of the predictions on the test rows, in the data's units, &gt;= 0. */
    RMSE("rmse", "test RMSE");

    private final String metric;
    private final String label;

    Quality(String metric, String label) {
        this.metric = metric;
        this.label = label;
    }

    /** @return the name of the metric in Spindle's evaluations ({@code EpochRecord.validation()}) */
    public String metric() {
        return metric;
    }

    /** @return the metric in words, e.g. {@code test RMSE} */
    public String label() {
        return label;
    }

    /** @return whether a larger value is better */
    public boolean higherIsBetter() {
        return io.spindle.driver.spec.Metric.find(metric).orElseThrow().higherIsBetter();
    }

    /**
     * @param value a measured value
     * @param target the target value
     * @return whether the value is at least as good as the target
     */
    public boolean reaches(double value, double target) {
        return higherIsBetter() ? value >= target : value <= target;
    }

    /**
     * @param value a measured value
     * @return whether it is a possible value of this metric (accuracy in [0, 1], RMSE finite and &gt;= 0)
     */
    public boolean valid(double value) {
        return this == ACCURACY ? value >= 0 && value <= 1 : value >= 0 && !Double.isInfinite(value);
    }

    /** @return the value as the tables show it: 4 decimals */
    public String format(double value) {
        return String.format(Locale.ROOT, "%.4f", value);
    }
}
