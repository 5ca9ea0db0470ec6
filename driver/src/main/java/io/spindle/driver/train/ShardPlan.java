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

    /** Train rows (at most) whose metrics are evaluated after every evaluation, next to validation. */
    static final int TRAIN_SAMPLE = 2000;

    private final int workers;
    private final boolean across;
    private final long seed;
    private final boolean ownBase;
    private final boolean ownValidation;
    private final JavaRDD<Block> base;
    private final JavaRDD<Block> validation;
    private final JavaRDD<Block> trainSample;
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
        this.trainSample = sample(data.train(), data.report().trainRows(), seed)
                .persist(StorageLevel.MEMORY_AND_DISK());
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

    /** @return the fixed train sample: every row of the train split kept with the same seeded chance */
    JavaRDD<Block> trainSample() {
        return trainSample;
    }

    /**
     * A seeded Bernoulli sample of rows at one rate for every row, so each class keeps its share in
     * expectation (stratified in expectation): a row is kept when a hash of the seed, its block's
     * position and its row within the block falls below {@code TRAIN_SAMPLE / rows}.
     */
    static JavaRDD<Block> sample(JavaRDD<Block> train, long rows, long seed) {
        double rate = Math.min(1.0, TRAIN_SAMPLE / (double) Math.max(1, rows));
        long sampleSeed = Batches.mix(seed, -7, -7);
        return train.zipWithIndex().map(x -> {
            Block b = x._1();
            if (rate >= 1.0) {
                return b;
            }
            int fw = b.featureWidth();
            int lw = b.labelWidth();
            int[] keep = new int[b.rows()];
            int n = 0;
            for (int r = 0; r < b.rows(); r++) {
                if ((Batches.mix(sampleSeed, x._2(), r) >>> 11) * 0x1.0p-53 < rate) {
                    keep[n++] = r;
                }
            }
            float[] f = new float[n * fw];
            float[] l = new float[n * lw];
            float[] o = new float[b.offsets().length == 0 ? 0 : n * lw];
            for (int i = 0; i < n; i++) {
                System.arraycopy(b.features(), keep[i] * fw, f, i * fw, fw);
                System.arraycopy(b.labels(), keep[i] * lw, l, i * lw, lw);
                if (o.length > 0) {
                    System.arraycopy(b.offsets(), keep[i] * lw, o, i * lw, lw);
                }
            }
            return new Block(f, l, n, o);
        }).filter(b -> b.rows() > 0);
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
        trainSample.unpersist(false);
        if (ownBase) {
            base.unpersist(false);
        }
        if (ownValidation) {
            validation.unpersist(false);
        }
    }
}
