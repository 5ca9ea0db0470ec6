package io.spindle.kernels;

import java.io.Serializable;
import java.util.List;
import java.util.Objects;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * What a partition sends back after a round (or what several partitions add up to): its
 * parameters and updater state after the round, with the samples that weight them in the average.
 *
 * @param params parameters after the round (for a combined result: the sample-weighted mean)
 * @param updaterState updater state after the round; empty when workers keep their own
 * @param samples rows trained this round
 * @param batches minibatches trained this round
 * @param lossSum sum over minibatches of (mean minibatch loss x minibatch rows)
 * @param finite false when a loss or parameter became NaN or infinite
 * @param fetchNanos time to obtain the broadcast state and load it into the network (the slowest partition's, once combined)
 * @param computeNanos time spent in training steps (the slowest partition's, once combined)
 */
public record PartitionResult(float[] params, float[] updaterState, long samples, int batches, double lossSum,
                              boolean finite, long fetchNanos, long computeNanos) implements Serializable {

    public PartitionResult {
        Objects.requireNonNull(params, "params");
        Objects.requireNonNull(updaterState, "updaterState");
    }

    /**
     * Combines results in the given order: sample-weighted means of parameters and updater state
     * (ND4J's BLAS axpy), sums of the counts, the slowest times. The order
     * is fixed by the caller (partition order), so the result never depends on which task finished
     * first; a single result comes back unchanged.
     *
     * @param parts results of distinct partitions, in partition order (at least one)
     * @return the combined result
     */
    public static PartitionResult combine(List<PartitionResult> parts) {
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("nothing to combine");
        }
        if (parts.size() == 1) {
            return parts.get(0);
        }
        long samples = 0;
        int batches = 0;
        double loss = 0;
        boolean finite = true;
        long fetch = 0;
        long compute = 0;
        for (PartitionResult p : parts) {
            samples += p.samples;
            batches += p.batches;
            loss += p.lossSum;
            finite &= p.finite;
            fetch = Math.max(fetch, p.fetchNanos);
            compute = Math.max(compute, p.computeNanos);
        }
        PartitionResult first = parts.get(0);
        if (samples == 0) {
            return new PartitionResult(first.params, first.updaterState, 0, batches, loss, finite, fetch, compute);
        }
        float[] params = mean(parts, true, samples);
        float[] upd = first.updaterState.length == 0 ? first.updaterState : mean(parts, false, samples);
        return new PartitionResult(params, upd, samples, batches, loss, finite, fetch, compute);
    }

    private static float[] mean(List<PartitionResult> parts, boolean params, long samples) {
        INDArray acc = null;
        for (PartitionResult p : parts) {
            if (p.samples == 0) {
                continue;
            }
            INDArray v = Nd4j.createFromArray(params ? p.params : p.updaterState);
            float w = (float) ((double) p.samples / samples);
            if (acc == null) {
                acc = v.muli(w);
            } else {
                Nd4j.getBlasWrapper().level1().axpy(v.length(), w, v, acc);
            }
        }
        return acc.toFloatVector();
    }

    /**
     * @param nanos time spent obtaining the broadcast before the kernel ran
     * @return this result with that time added to {@link #fetchNanos()}
     */
    public PartitionResult plusFetch(long nanos) {
        return new PartitionResult(params, updaterState, samples, batches, lossSum, finite, fetchNanos + nanos,
                computeNanos);
    }

    /** @return this result without its arrays (what a task returns when the arrays are handed over in memory) */
    public PartitionResult withoutArrays() {
        return new PartitionResult(new float[0], new float[0], samples, batches, lossSum, finite, fetchNanos, computeNanos);
    }
}
