package io.spindle.kernels;

import java.io.Serializable;
import java.util.Objects;

/**
 * What one partition does in one round: an immutable, serializable description that knows
 * nothing of specs, sweeps or result tables.
 *
 * @param trialId the trial; with the partition index it keys the executor's network cache
 * @param dataKey the cached data set; with the partition index it keys the executor's data cache
 * @param configJson the DL4J {@code MultiLayerConfiguration} as JSON
 * @param shape how a row's flat features become the network's input
 * @param batchSize rows per minibatch
 * @param seed the trial's seed; shuffles and dropout masks derive from it, the epoch and the partition
 * @param epoch 0-based epoch of this round
 * @param firstBatch index of the first minibatch of the epoch this round trains
 * @param steps minibatches to train this round; {@code -1} trains to the end of the epoch
 * @param iteration the network's iteration count at the start of the round (drives Adam's bias correction)
 * @param learningRate the learning rate for this round, set by the driver's schedule; NaN keeps the configured one
 * @param shareUpdater whether the updater state travels with the parameters and is averaged (false:
 *     each worker's network keeps its own)
 */
public record WorkerTask(
        String trialId,
        String dataKey,
        String configJson,
        InputShape shape,
        int batchSize,
        long seed,
        int epoch,
        int firstBatch,
        int steps,
        int iteration,
        double learningRate,
        boolean shareUpdater) implements Serializable {

    public WorkerTask {
        Objects.requireNonNull(trialId, "trialId");
        Objects.requireNonNull(dataKey, "dataKey");
        Objects.requireNonNull(configJson, "configJson");
        Objects.requireNonNull(shape, "shape");
        if (batchSize <= 0) {
            throw new IllegalArgumentException("batchSize must be > 0, got " + batchSize);
        }
        if (steps == 0 || steps < -1) {
            throw new IllegalArgumentException("steps must be > 0 or -1 (to the end of the epoch), got " + steps);
        }
    }
}
