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
 *
 * <p>Executors cache the decoded rows under keys of the data, not of the trial
 * ({@link #dataKey}, {@link #validationKey}, {@link #trainSampleKey}): concurrent trials on the
 * same prepared splits with the same worker count (and deal) share one copy of each partition's
 * arrays. The keys start with {@link #dataPrefix}; which plans use it is counted here, on the
 * driver, so that the last one to close can free the executors' copy when the caller did not
 * persist the splits itself (a caller that did, a sweep, frees it with
 * {@link Trainer#releaseData} when it unpersists them).
 */
final class ShardPlan implements AutoCloseable {

    /** Train rows (at most) whose metrics are evaluated after every evaluation, next to validation. */
    static final int TRAIN_SAMPLE = 2000;

    /** Open plans per data prefix (driver side). */
    private static final java.util.Map<String, Integer> USERS = new java.util.HashMap<>();

    private final int workers;
    private final boolean across;
    private final String prefix;
    private final long validationId;
    private final boolean callerShares;
    private boolean freeData;
    private final long seed;
    private final boolean ownBase;
    private final boolean ownValidation;
    private final JavaRDD<Block> base;
    private final JavaRDD<Block> validation;
    private final JavaRDD<Block> trainSample;
    private JavaRDD<Block> shards;
    private boolean ownShards;
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
        this.prefix = dataPrefix(data);
        this.validationId = data.validation().id();
        this.callerShares = !data.train().getStorageLevel().equals(StorageLevel.NONE());
        synchronized (USERS) {
            USERS.merge(prefix, 1, Integer::sum);
        }
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
        JavaRDD<Block> dealt = Trainer.shard(base, workers, across ? OptionalLong.of(Batches.mix(seed, epoch, -1))
                : OptionalLong.empty());
        // one worker on a one-partition split: the shards are the split itself, which a caller that
        // persisted it (a sweep, for every trial) keeps; unpersisting it would pull it from under them
        ownShards = dealt.id() != base.id() || base.getStorageLevel().equals(StorageLevel.NONE());
        return ownShards ? dealt.persist(StorageLevel.MEMORY_AND_DISK()) : dealt;
    }

    /**
     * @param epoch a 0-based epoch
     * @return its shards, one partition per worker (dealt anew when rows are re-dealt every epoch)
     */
    JavaRDD<Block> train(int epoch) {
        if (across && shardsEpoch != epoch) {
            JavaRDD<Block> old = shards;
            boolean ownedOld = ownShards;
            JavaRDD<Block> next = deal(epoch);
            if (ownedOld) {
                old.unpersist(false);
            }
            shards = next;
            shardsEpoch = epoch;
        }
        return shards;
    }

    /**
     * @param data prepared splits
     * @return the prefix of the executor cache keys of their rows: the Spark application and the
     *     train split's RDD, so splits loaded once (a sweep's) have one prefix and nothing else shares it
     */
    static String dataPrefix(PreparedData data) {
        return "data:" + data.train().context().applicationId() + ":" + data.train().id();
    }

    /** @return the prefix of this plan's cache keys */
    String dataPrefix() {
        return prefix;
    }

    /**
     * @param epoch a 0-based epoch
     * @return the key executors cache that epoch's shards under: the same for every trial with
     *     the same splits, workers and deal
     */
    String dataKey(int epoch) {
        return prefix + "/train/w" + workers + (across ? "/deal" + Batches.mix(seed, epoch, -1) : "");
    }

    /** @return the key executors cache the validation split under */
    String validationKey() {
        return prefix + "/validation/" + validationId;
    }

    /** @return the key executors cache the fixed train sample under (it depends on the seed) */
    String trainSampleKey() {
        return prefix + "/train-sample/" + seed;
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

    /**
     * @return after {@link #close}: whether the executors' cached rows of these splits should be
     *     freed now: this was the last open plan on them and the caller did not persist them (then
     *     nobody else will use them)
     */
    boolean freeData() {
        return freeData;
    }

    /** Unpersists what the plan persisted, and counts it off the users of its data. */
    @Override
    public void close() {
        synchronized (USERS) {
            Integer left = USERS.computeIfPresent(prefix, (k, n) -> n > 1 ? n - 1 : null);
            freeData = left == null && !callerShares;
        }
        if (ownShards) {
            shards.unpersist(false);
        }
        trainSample.unpersist(false);
        if (ownBase) {
            base.unpersist(false);
        }
        if (ownValidation) {
            validation.unpersist(false);
        }
    }
}
