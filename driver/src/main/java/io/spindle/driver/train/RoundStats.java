package io.spindle.driver.train;

/**
 * Measured costs of one parameter-averaging round, for progress and the benchmark's cost model.
 *
 * @param epoch 1-based epoch the round belongs to
 * @param round 0-based round within the epoch
 * @param workers partitions that trained
 * @param minibatches minibatches trained per worker this round (the averaging period, or fewer at the end of an epoch)
 * @param samples rows trained by all workers together
 * @param stateBytes bytes of parameters plus updater state broadcast (each worker sends as much back)
 * @param broadcastNanos driver time to publish the broadcast
 * @param fetchNanos slowest worker's time to obtain the broadcast state and load it into its network
 * @param computeNanos slowest worker's time in training steps
 * @param wallNanos driver wall time of the whole round, averaging included
 */
public record RoundStats(int epoch, int round, int workers, int minibatches, long samples, long stateBytes,
                         long broadcastNanos, long fetchNanos, long computeNanos, long wallNanos) {

    /** @return what the round spent outside broadcast and compute: scheduling, result transfer, aggregation, averaging */
    public long aggregateNanos() {
        return Math.max(0, wallNanos - broadcastNanos - fetchNanos - computeNanos);
    }
}
