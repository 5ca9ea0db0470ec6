package io.spindle.bench;

import java.util.List;
import java.util.OptionalDouble;

/**
 * What one system did on one benchmark case: its evaluation points in order, and a note on how it
 * was run (settings, why it stopped).
 *
 * @param caseName the benchmark case, e.g. {@code mnist-mlp}
 * @param system the system's name in the tables, e.g. {@code spindle-2w}
 * @param points evaluation points in training order (at least one)
 * @param note how the system was run and why it stopped; free text for the markdown report
 */
public record SystemRun(String caseName, String system, List<EpochPoint> points, String note) {

    public SystemRun {
        points = List.copyOf(points);
        if (points.isEmpty()) {
            throw new IllegalArgumentException(caseName + "/" + system + ": a run needs at least one evaluation point");
        }
        if (points.stream().map(EpochPoint::quality).distinct().count() > 1) {
            throw new IllegalArgumentException(caseName + "/" + system + ": every evaluation point must measure the "
                    + "same quality, got " + points.stream().map(EpochPoint::quality).distinct().toList());
        }
    }

    /** @return what the points measure: test accuracy or test RMSE */
    public Quality quality() {
        return points.get(0).quality();
    }

    /** @return the last evaluation point */
    public EpochPoint last() {
        return points.get(points.size() - 1);
    }

    /** @return training rows per training second at the last point (0 when no time was measured) */
    public double samplesPerSecond() {
        EpochPoint p = last();
        return p.trainSeconds() > 0 ? p.samples() / p.trainSeconds() : 0;
    }

    /**
     * Throughput with the first epochs left out, for epoch-based systems whose points carry
     * cumulative seconds and samples (not MLlib's independent fits).
     *
     * @param warmUpEpochs evaluation points to leave out, at least 1
     * @return training rows per training second after the first {@code warmUpEpochs} points, or
     *     empty when no point is left after them or no time was measured
     */
    public OptionalDouble samplesPerSecondAfter(int warmUpEpochs) {
        if (warmUpEpochs < 1) {
            throw new IllegalArgumentException("warmUpEpochs must be >= 1, got " + warmUpEpochs);
        }
        if (points.size() <= warmUpEpochs) {
            return OptionalDouble.empty();
        }
        EpochPoint from = points.get(warmUpEpochs - 1);
        EpochPoint to = last();
        double seconds = to.trainSeconds() - from.trainSeconds();
        return seconds > 0 ? OptionalDouble.of((to.samples() - from.samples()) / seconds) : OptionalDouble.empty();
    }

    /** @return the test quality at the last point (accuracy or RMSE, see {@link #quality()}) */
    public double finalValue() {
        return last().value();
    }

    /**
     * @return test accuracy at the last point
     * @throws IllegalStateException when the run measured another quality
     */
    public double finalAccuracy() {
        if (quality() != Quality.ACCURACY) {
            throw new IllegalStateException(caseName + "/" + system + " measured " + quality().label() + ", not accuracy");
        }
        return last().value();
    }

    /** @return epochs run (MLlib: L-BFGS iterations of the last fit) */
    public int epochs() {
        return last().epoch();
    }

    /**
     * @param target the quality to reach: an accuracy in [0, 1] (at least), an RMSE (at most)
     * @return the training seconds at the first point whose quality reaches {@code target}, or
     *     empty when no point reached it
     */
    public OptionalDouble secondsTo(double target) {
        Quality q = quality();
        return points.stream().filter(p -> q.reaches(p.value(), target)).mapToDouble(EpochPoint::trainSeconds).findFirst();
    }
}
