package io.spindle.driver.train;

import io.spindle.kernels.eval.Metrics;
import java.util.List;

/**
 * The outcome of a training run.
 *
 * @param status how the run ended: COMPLETED, EARLY_STOPPED, PRUNED or another callback's stop, DIVERGED,
 *     or INTERRUPTED (its stop request)
 * @param epochs the validation checks run, in order (one per epoch, more with cluster.eval_every_rounds)
 * @param bestEpoch 1-based epoch whose parameters were kept (0 if none finished)
 * @param validation validation metrics of the kept parameters
 * @param test test metrics of the kept parameters (evaluated once; null when the trainer leaves test alone)
 * @param params the kept parameters
 * @param seconds wall seconds of the whole run
 * @param diagnosis advice when the run went wrong (empty otherwise)
 * @param epochsRun epochs trained to the end
 * @param workers partitions trained in parallel
 * @param averagingPeriod minibatches per worker between averages
 * @param testPredictions regression: {actual, predicted} of the first target for up to 2,000 test rows; else empty
 */
public record TrainResult(Status status, List<EpochRecord> epochs, int bestEpoch, Metrics validation, Metrics test,
                          float[] params, double seconds, String diagnosis, int epochsRun, int workers,
                          int averagingPeriod, List<double[]> testPredictions) {
    public TrainResult {
        epochs = List.copyOf(epochs);
        testPredictions = List.copyOf(testPredictions);
    }
}
