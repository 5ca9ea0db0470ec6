package io.spindle.kernels;

import java.io.Serializable;
import java.util.Objects;

/**
 * Several whole epochs of a one-worker trial in one task, each followed by the evaluation of its
 * parameters on the validation split and the fixed train sample where this executor already holds
 * their rows: what would otherwise be a training round and an evaluation job per epoch. Epoch
 * {@code k} trains exactly as a round with {@code first}'s fields, epoch {@code first.epoch() + k},
 * rate {@code rates[k]} and the iteration count the earlier epochs reached would.
 *
 * @param first the first epoch's round (whole epoch: first batch 0, steps -1; its learning rate is
 *     not read: {@code rates} has every epoch's)
 * @param rates the learning rate of each epoch in turn (NaN keeps the configured one); its length
 *     is the most epochs the task trains
 * @param maxNanos the task ends after the first epoch that ends this long after it began (0: no limit)
 * @param validation what the validation split's evaluation is
 * @param validationPartitions the validation split's partitions
 * @param sample what the train sample's evaluation is
 * @param samplePartitions the train sample's partitions
 */
public record EpochsTask(WorkerTask first, double[] rates, long maxNanos, EvalTask validation, int validationPartitions,
                         EvalTask sample, int samplePartitions) implements Serializable {

    public EpochsTask {
        Objects.requireNonNull(first, "first");
        Objects.requireNonNull(validation, "validation");
        Objects.requireNonNull(sample, "sample");
        if (first.firstBatch() != 0 || first.steps() != -1) {
            throw new IllegalArgumentException("an epochs task trains whole epochs: first batch 0, steps -1; got "
                    + first.firstBatch() + ", " + first.steps());
        }
        if (rates.length == 0) {
            throw new IllegalArgumentException("an epochs task trains at least one epoch");
        }
    }
}
