package io.spindle.kernels;

import java.io.Serializable;
import io.spindle.kernels.eval.MetricsAccumulator;
import java.util.Objects;

/**
 * One epoch of an {@link EpochsTask}: the round it trained and its parameters' evaluations.
 *
 * @param round the epoch's round: parameters and updater state after it, counts, loss and times
 * @param validation the validation split's merged metrics under those parameters; null when this
 *     executor did not hold every validation partition (the task then ends with this epoch)
 * @param sample the same for the fixed train sample; null with {@code validation}
 */
public record EpochResult(PartitionResult round, MetricsAccumulator validation, MetricsAccumulator sample)
        implements Serializable {

    public EpochResult {
        Objects.requireNonNull(round, "round");
        if ((validation == null) != (sample == null)) {
            throw new IllegalArgumentException("an epoch is evaluated on both splits or on neither");
        }
    }

    /** @return whether the epoch's parameters were evaluated in the task */
    public boolean evaluated() {
        return validation != null;
    }
}
