package io.spindle.driver.train;

/**
 * Receives a run's progress: one call per parameter-averaging round and per epoch. Timing and
 * statistics leave the trainer only through here (printing, result tables, benchmarks). Listeners
 * observe and never steer: whether a trial goes on is a {@link TrialCallback}'s decision.
 */
public interface TrainListener {

    /**
     * Called once the data is sharded, before the first round.
     *
     * @param workers partitions trained in parallel
     * @param averagingPeriod minibatches each worker trains per round
     * @param roundsPerEpoch rounds in one epoch
     */
    default void onStart(int workers, int averagingPeriod, int roundsPerEpoch) {
    }

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

    /**
     * Called when the trainer changes what the spec asked for (e.g. fewer workers than requested).
     *
     * @param message what was changed and how to avoid it
     */
    default void onWarning(String message) {
    }

    /**
     * Called after every epoch's checks with the state to resume from (and when a run diverges).
     *
     * @param checkpoint the state after the epoch
     */
    default void onCheckpoint(Checkpoint checkpoint) {
    }
}
