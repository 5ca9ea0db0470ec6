package io.spindle.driver.train;

/**
 * Receives a run's progress: one call per parameter-averaging round and per epoch. Timing and
 * statistics leave the trainer only through here (printing, result tables, benchmarks).
 */
public interface TrainListener {

    /**
     * Called on the driver after every round (one Spark job: broadcast, train K minibatches per
     * worker, aggregate, average).
     *
     * @param round the round's measured costs
     */
    default void onRound(RoundStats round) {
    }

    /**
     * Called on the driver after every epoch, once the validation split is evaluated.
     *
     * @param epoch the epoch's losses, metrics and timings
     */
    default void onEpoch(EpochRecord epoch) {
    }
}
