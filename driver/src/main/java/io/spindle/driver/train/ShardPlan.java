package io.spindle.driver.train;

import io.spindle.driver.data.PreparedData;
import io.spindle.kernels.Batches;
import io.spindle.kernels.Block;
import java.util.Arrays;
import java.util.Collections;
import java.util.OptionalLong;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.storage.StorageLevel;

/**
 * Where a trial's rows live while it trains: the train split dealt into one shard per worker
 * (once, or anew every epoch with {@code cluster.reshuffle: across}) and the validation split,
 * persisted on the executors for as long as the trial runs. RDDs the caller persisted (a sweep
 * shares them between concurrent trials) are left as they are; {@link #close} unpersists only
 * what the plan persisted itself.
 */
final class ShardPlan implements AutoCloseable {

    private final int workers;
    private final boolean across;
    private final long seed;
    private final boolean ownBase;
    private final boolean ownValidation;
    private final JavaRDD<Block> base;
    private final JavaRDD<Block> validation;
    private JavaRDD<Block> shards;
    private int shardsEpoch;

    /**
     * @param data the prepared splits
     * @param workers shards to deal the train split into
     * @param across deal rows anew every epoch
     * @param seed the run's seed (the deal of every epoch derives from it)
     * @param firstEpoch the 0-based epoch training starts at (a resumed run's)
     */
    ShardPlan(PreparedData data, int workers, boolean across, long seed, int firstEpoch) {
        this.workers = workers;
        this.across = across;
        this.seed = seed;
        this.ownBase = across && data.train().getStorageLevel().equals(StorageLevel.NONE());
        this.ownValidation = data.validation().getStorageLevel().equals(StorageLevel.NONE());
        this.base = ownBase ? data.train().persist(StorageLevel.MEMORY_AND_DISK()) : data.train();
        this.validation = ownValidation ? data.validation().persist(StorageLevel.MEMORY_AND_DISK()) : data.validation();
        this.shards = deal(firstEpoch);
        this.shardsEpoch = firstEpoch;
    }

    private JavaRDD<Block> deal(int epoch) {
        return Trainer.shard(base, workers, across ? OptionalLong.of(Batches.mix(seed, epoch, -1)) : OptionalLong.empty())
                .persist(StorageLevel.MEMORY_AND_DISK());
    }

    /**
     * @param epoch a 0-based epoch
     * @return its shards, one partition per worker (dealt anew when rows are re-dealt every epoch)
     */
    JavaRDD<Block> train(int epoch) {
        if (across && shardsEpoch != epoch) {
            JavaRDD<Block> next = deal(epoch);
            shards.unpersist(false);
            shards = next;
            shardsEpoch = epoch;
        }
        return shards;
    }

    /**
     * @param prefix the trial's data prefix
     * @param epoch a 0-based epoch
     * @return the key executors cache that epoch's decoded minibatches under
     */
    String dataKey(String prefix, int epoch) {
        return prefix + (across ? epoch : 0);
    }

    /** @return the validation split */
    JavaRDD<Block> validation() {
        return validation;
    }

    /** @return the train rows of each shard of the current deal */
    long[] rowsPerPartition() {
        return shards.mapPartitions(it -> {
            long rows = 0;
            while (it.hasNext()) {
                rows += it.next().rows();
            }
            return Collections.singletonList(rows).iterator();
        }).collect().stream().mapToLong(Long::longValue).toArray();
    }

    /**
     * @param rows train rows per shard
     * @param batchSize rows per minibatch
     * @return minibatches in the largest shard's epoch
     */
    static int maxBatches(long[] rows, int batchSize) {
        return (int) Arrays.stream(rows).map(r -> (r + batchSize - 1) / batchSize).max().orElse(1);
    }

    /** Unpersists what the plan persisted. */
    @Override
    public void close() {
        shards.unpersist(false);
        if (ownBase) {
            base.unpersist(false);
        }
        if (ownValidation) {
            validation.unpersist(false);
        }
    }
}
