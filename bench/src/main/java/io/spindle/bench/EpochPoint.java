package io.spindle.bench;

/**
 * One evaluation point of a benchmarked system: after an epoch (or, for MLlib, after one fit of
 * a given iteration count), with the training time spent to get there.
 *
 * @param epoch 1-based epoch (MLlib: L-BFGS iterations of the fit)
 * @param trainSeconds training seconds up to this point; evaluation time excluded. Cumulative
 *     over epochs for the epoch-based systems; MLlib: the seconds of this fit alone
 * @param samples training rows processed up to this point (MLlib: rows x iterations of this fit)
 * @param value the case's test quality at this point: accuracy in [0, 1], or RMSE &gt;= 0
 * @param quality which quality {@code value} is
 */
public record EpochPoint(int epoch, double trainSeconds, long samples, double value, Quality quality) {

    /** A point of a classification case: {@code accuracy} is the test accuracy, in [0, 1]. */
    public EpochPoint(int epoch, double trainSeconds, long samples, double accuracy) {
        this(epoch, trainSeconds, samples, accuracy, Quality.ACCURACY);
    }

    public EpochPoint {
        if (epoch < 1) {
            throw new IllegalArgumentException("epoch must be >= 1, got " + epoch);
        }
        if (!(trainSeconds >= 0) || Double.isInfinite(trainSeconds)) {
            throw new IllegalArgumentException("trainSeconds must be finite and >= 0, got " + trainSeconds);
        }
        if (samples < 0) {
            throw new IllegalArgumentException("samples must be >= 0, got " + samples);
        }
        java.util.Objects.requireNonNull(quality, "quality");
        if (!quality.valid(value)) {
            throw new IllegalArgumentException(quality == Quality.ACCURACY ? "accuracy must be in [0, 1], got " + value
                    : quality.metric() + " must be finite and >= 0, got " + value);
        }
    }
}
