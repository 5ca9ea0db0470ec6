package io.spindle.bench;

import java.util.OptionalDouble;

/**
 * One row of {@code bench-training.csv}.
 *
 * @param caseName the benchmark case
 * @param system the system
 * @param samplesPerSecond training rows per training second (evaluation excluded)
 * @param secondsToTarget training seconds at the first evaluation with test accuracy at least the
 *     target; empty when never reached
 * @param finalAccuracy test accuracy at the end
 * @param epochs epochs run (MLlib: L-BFGS iterations)
 */
public record ResultRow(String caseName, String system, double samplesPerSecond, OptionalDouble secondsToTarget,
                        double finalAccuracy, int epochs) {

    /** The column names of {@code bench-training.csv}, in order. */
    public static final String HEADER = "case,system,samples_per_s,seconds_to_target,final_accuracy,epochs";

    /**
     * @param run a system's run
     * @param target the target test accuracy, in [0, 1]
     * @return the run's row
     */
    public static ResultRow of(SystemRun run, double target) {
        return new ResultRow(run.caseName(), run.system(), run.samplesPerSecond(), run.secondsTo(target),
                run.finalAccuracy(), run.epochs());
    }
}
