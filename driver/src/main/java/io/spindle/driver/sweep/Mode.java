package io.spindle.driver.sweep;

/** Whether the optimized metric is minimized or maximized. */
public enum Mode {
    /** Lower is better (loss, error). */
    MIN,
    /** Higher is better (accuracy, F1). */
    MAX;

    /**
     * Maps a metric to a loss where lower is better. Non-finite metrics (NaN, +Inf, -Inf) are the
     * worst possible outcome whatever the mode: a diverged {@code -Infinity} loss is not a win.
     *
     * @param metric the raw metric value
     * @return {@code metric} for MIN, {@code -metric} for MAX, {@code +Infinity} when not finite
     */
    public double loss(double metric) {
        if (!Double.isFinite(metric)) {
            return Double.POSITIVE_INFINITY;
        }
        return this == MIN ? metric : -metric;
    }

    /**
     * @param text {@code min} or {@code max}, any case
     * @return the mode
     * @throws IllegalArgumentException for anything else
     */
    public static Mode parse(String text) {
        return switch (text.toLowerCase(java.util.Locale.ROOT)) {
            case "min" -> MIN;
            case "max" -> MAX;
            default -> throw new IllegalArgumentException("mode must be 'min' or 'max', got '" + text + "'");
        };
    }
}
