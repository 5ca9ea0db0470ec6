package io.spindle.bench;

import java.util.OptionalDouble;

/**
 * One row of the results: of {@code bench-training.csv} for the accuracy cases, of
 * {@code bench-training-rmse.csv} for the RMSE cases.
 *
 * @param caseName the benchmark case
 * @param system the system
 * @param samplesPerSecond training rows per training second (evaluation excluded)
 * @param secondsToTarget training seconds at the first evaluation with test accuracy at least the
 *     target; empty when never reached, and for the RMSE cases (they have no target)
 * @param finalValue the test quality at the end: accuracy, or RMSE in the data's units
 * @param epochs epochs run (MLlib: L-BFGS iterations)
 * @param quality which quality {@code finalValue} is
 */
public record ResultRow(String caseName, String system, double samplesPerSecond, OptionalDouble secondsToTarget,
                        double finalValue, int epochs, Quality quality) {

    /** The column names of {@code bench-training.csv} (accuracy cases), in order. */
    public static final String HEADER = "case,system,samples_per_s,seconds_to_target,final_accuracy,epochs";
    /** The column names of {@code bench-training-rmse.csv} (RMSE cases), in order. */
    public static final String RMSE_HEADER = "case,system,samples_per_s,final_rmse,epochs";

    /** A row of an accuracy case: {@code finalAccuracy} is the test accuracy at the end. */
    public ResultRow(String caseName, String system, double samplesPerSecond, OptionalDouble secondsToTarget,
                     double finalAccuracy, int epochs) {
        this(caseName, system, samplesPerSecond, secondsToTarget, finalAccuracy, epochs, Quality.ACCURACY);
    }

    /**
     * @param run a system's run
     * @param target the target test accuracy, in [0, 1] (not used for RMSE runs)
     * @return the run's row
     */
    public static ResultRow of(SystemRun run, double target) {
        OptionalDouble toTarget = run.quality() == Quality.ACCURACY ? run.secondsTo(target) : OptionalDouble.empty();
        return new ResultRow(run.caseName(), run.system(), run.samplesPerSecond(), toTarget, run.finalValue(),
                run.epochs(), run.quality());
    }
}
