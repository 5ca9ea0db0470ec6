package io.spindle.driver.train;

import io.spindle.kernels.Block;
import io.spindle.kernels.EpochResult;
import io.spindle.kernels.EpochsTask;
import io.spindle.kernels.LocalHandoff;
import io.spindle.kernels.ModelState;
import io.spindle.kernels.PartitionResult;
import io.spindle.kernels.TrainingKernel;
import io.spindle.kernels.WorkerTask;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * Runs one parameter-averaging round, one Spark job: hands every worker the round's starting state
 * (a broadcast; in local mode an in-memory hand-over), trains {@code averaging_period} minibatches
 * per shard on the network each executor keeps for the trial, and combines the partition results
 * in partition order (a tree of fixed shape, so the sum never depends on which task finished
 * first).
 */
final class RoundExecutor {

    private final JavaSparkContext sc;
    private final int workers;
    /** Local mode: executors share this JVM, so state and results skip serialization. */
    private final boolean handoff;

    /**
     * @param sc the Spark context
     * @param workers shards (partitions) per round
     */
    RoundExecutor(JavaSparkContext sc, int workers) {
        this.sc = sc;
        this.workers = workers;
        this.handoff = sc.isLocal();
    }

    /**
     * A round's combined result and what handing out its state cost.
     *
     * @param result the partition results, combined
     * @param broadcastNanos time to hand out the starting state
     */
    record Round(PartitionResult result, long broadcastNanos) { }

    /**
     * @param shards the epoch's shards, one partition per worker
     * @param task what every worker trains
     * @param state the round's starting state
     * @param roundKey a key unique to the trial, epoch and round
     * @return the combined result
     */
    Round run(JavaRDD<Block> shards, WorkerTask task, ModelState state, String roundKey) {
        long r0 = System.nanoTime();
        StateSource source = handOut(state, roundKey);
        long broadcastNanos = System.nanoTime() - r0;
        try {
            PartitionResult r = Trainer.aggregate(shards.mapPartitionsWithIndex((i, it) -> {
                long f0 = System.nanoTime();
                ModelState m = source.state();
                long fetch = System.nanoTime() - f0;
                return Collections.singletonList(source.reply(i,
                        TrainingKernel.train(i, it, task, m).plusFetch(fetch))).iterator();
            }, true), workers, handoff ? Optional.of(roundKey + "result#") : Optional.empty());
            return new Round(r, broadcastNanos);
        } finally {
            source.release();
        }
    }

    /**
     * Trains a one-worker trial's next epochs in one task ({@link TrainingKernel#trainEpochs}), one Spark job.
     *
     * @param shard the epoch's one shard
     * @param task the epochs and their evaluations
     * @param state the first epoch's starting state
     * @param key a key unique to the trial and first epoch
     * @return one result per epoch trained, in order
     */
    List<EpochResult> runEpochs(JavaRDD<Block> shard, EpochsTask task, ModelState state, String key) {
        if (shard.getNumPartitions() != 1) {
            throw new IllegalStateException("epochs in one task need one shard, got " + shard.getNumPartitions());
        }
        StateSource source = handOut(state, key);
        boolean inMemory = handoff; // the task must not capture this executor
        try {
            List<EpochResult> back = shard.mapPartitionsWithIndex((i, it) -> {
                long f0 = System.nanoTime();
                ModelState m = source.state();
                long fetch = System.nanoTime() - f0;
                List<EpochResult> out = new java.util.ArrayList<>(TrainingKernel.trainEpochs(i, it, task, m));
                EpochResult first = out.get(0);
                out.set(0, new EpochResult(first.round().plusFetch(fetch), first.validation(), first.sample()));
                if (!inMemory) {
                    return out.iterator();
                }
                LocalHandoff.put(key + "epochs", out);
                return java.util.Collections.<EpochResult>emptyIterator();
            }, true).collect();
            if (!handoff) {
                return back;
            }
            @SuppressWarnings("unchecked")
            List<EpochResult> handed = LocalHandoff.take(key + "epochs", List.class);
            return handed;
        } finally {
            source.release();
        }
    }

    /**
     * @param state the starting state
     * @param key a key unique to the trial, epoch and round
     * @return where the tasks get it: in local mode this JVM's memory, else a broadcast
     */
    private StateSource handOut(ModelState state, String key) {
        if (handoff) {
            LocalHandoff.put(key + "state", state);
            return new HandedOver(key);
        }
        return new Broadcasted(sc.broadcast(state));
    }

    /** Where a round's tasks get their starting state and how they send their results back. */
    private interface StateSource extends java.io.Serializable {
        /** @return the round's starting state (on the executor) */
        ModelState state();

        /**
         * @param partition the task's partition
         * @param result its result
         * @return what the task returns to the driver
         */
        PartitionResult reply(int partition, PartitionResult result);

        /** Frees the round's state (on the driver). */
        void release();
    }

    /** The general case: one broadcast per round, results serialized back with the tasks. */
    private record Broadcasted(org.apache.spark.broadcast.Broadcast<ModelState> broadcast) implements StateSource {
        @Override
        public ModelState state() {
            return broadcast.value();
        }

        @Override
        public PartitionResult reply(int partition, PartitionResult result) {
            return result;
        }

        @Override
        public void release() {
            broadcast.destroy();
        }
    }

    /** Local mode: state and results stay in this JVM's memory; tasks carry the round's key. */
    private record HandedOver(String roundKey) implements StateSource {
        @Override
        public ModelState state() {
            return LocalHandoff.get(roundKey + "state", ModelState.class);
        }

        @Override
        public PartitionResult reply(int partition, PartitionResult result) {
            LocalHandoff.put(roundKey + "result#" + partition, result);
            return result.withoutArrays();
        }

        @Override
        public void release() {
            LocalHandoff.clear(roundKey);
        }
    }
}
