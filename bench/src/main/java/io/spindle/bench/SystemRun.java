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

    /** @return test accuracy at the last point */
    public double finalAccuracy() {
        return last().accuracy();
    }

    /** @return epochs run (MLlib: L-BFGS iterations of the last fit) */
    public int epochs() {
        return last().epoch();
    }

    /**
     * @param target accuracy to reach, in [0, 1]
     * @return the training seconds at the first point whose accuracy is at least {@code target},
     *     or empty when no point reached it
     */
    public OptionalDouble secondsTo(double target) {
        return points.stream().filter(p -> p.accuracy() >= target).mapToDouble(EpochPoint::trainSeconds).findFirst();
    }
}
