package io.spindle.kernels;

import java.io.Serializable;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * What a partition sends back after a round: sample-weighted sums, so that adding results and
 * dividing by {@link #samples()} gives the weighted average.
 *
 * @param weightedParams parameters times the samples trained (a row vector)
 * @param weightedUpdaterState updater state times the samples trained (a row vector; may be empty)
 * @param samples rows trained this round
 * @param batches minibatches trained this round
 * @param lossSum sum over minibatches of (mean minibatch loss x minibatch rows)
 * @param finite false when a loss or parameter became NaN or infinite
 * @param fetchNanos time to obtain the broadcast state and load it into the network (the slowest partition's, once combined)
 * @param computeNanos time spent in training steps (the slowest partition's, once combined)
 */
public record PartitionResult(INDArray weightedParams, INDArray weightedUpdaterState, long samples, int batches,
                              double lossSum, boolean finite, long fetchNanos, long computeNanos) implements Serializable {

    /**
     * @param other another partition's result (arrays of equal length)
     * @return the element-wise sum (a new result; neither input is modified)
     */
    public PartitionResult plus(PartitionResult other) {
        return new PartitionResult(weightedParams.add(other.weightedParams),
                weightedUpdaterState.isEmpty() ? weightedUpdaterState : weightedUpdaterState.add(other.weightedUpdaterState), samples + other.samples,
                batches + other.batches, lossSum + other.lossSum, finite && other.finite,
                Math.max(fetchNanos, other.fetchNanos), Math.max(computeNanos, other.computeNanos));
    }

    /**
     * @param nanos time spent obtaining the broadcast before the kernel ran
     * @return this result with that time added to {@link #fetchNanos()}
     */
    public PartitionResult plusFetch(long nanos) {
        return new PartitionResult(weightedParams, weightedUpdaterState, samples, batches, lossSum, finite,
                fetchNanos + nanos, computeNanos);
    }
}
