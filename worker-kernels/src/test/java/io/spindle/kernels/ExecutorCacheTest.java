package io.spindle.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/**
 * {@link ExecutorCache}'s bounds (weight, expiry, kept networks), rebuilding after an eviction,
 * and trials sharing one cached copy of their data through {@link TrainingKernel}.
 */
@Tag("fast")
class ExecutorCacheTest {

    /** A clock the test moves. */
    private static final class FakeTicker implements Ticker {
        final AtomicLong nanos = new AtomicLong();

        @Override
        public long read() {
            return nanos.get();
        }

        void advance(Duration d) {
            nanos.addAndGet(d.toNanos());
        }
    }

    private final FakeTicker ticker = new FakeTicker();

    @BeforeEach
    void smallCaches() {
        // room for two 40x10 partitions of floats (1,760 bytes each with labels), and networks of ~1 KB
        ExecutorCache.configure(new ExecutorCache.Limits(4_000, 8_000, Duration.ofMinutes(10), Duration.ofMinutes(60)),
                ticker);
    }

    @AfterEach
    void defaults() {
        ExecutorCache.configure(ExecutorCache.Limits.fromSystem(), Ticker.systemTicker());
    }

    static final String CONFIG = new NeuralNetConfiguration.Builder().seed(3).updater(new Adam(0.01)).list()
            .layer(new DenseLayer.Builder().nIn(10).nOut(8).activation(Activation.RELU).build())
            .layer(new OutputLayer.Builder(LossFunction.MCXENT).nIn(8).nOut(3).activation(Activation.SOFTMAX).build())
            .build().toJson();

    /** 40 rows of 10 features and 3 one-hot labels, drawn from the seed. */
    static Block block(long seed) {
        java.util.Random r = new java.util.Random(seed);
        float[] f = new float[40 * 10];
        float[] l = new float[40 * 3];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) r.nextGaussian();
        }
        for (int i = 0; i < 40; i++) {
            l[i * 3 + r.nextInt(3)] = 1;
        }
        return new Block(f, l, 40);
    }

    static Iterator<Block> rows(long seed) {
        return List.of(block(seed)).iterator();
    }

    @Test
    void theWeightLimitEvictsAndTheLoaderRebuildsTheSameArrays() {
        AtomicInteger loads = new AtomicInteger();
        ExecutorCache.PartitionData first = ExecutorCache.data("d", 0, () -> {
            loads.incrementAndGet();
            return Batches.stack(rows(1));
        });
        INDArray copy = first.features().dup();
        for (int p = 1; p <= 3; p++) {
            long seed = p + 1;
            ExecutorCache.data("d", p, () -> Batches.stack(rows(seed)));
        }
        ExecutorCache.Stats s = ExecutorCache.stats();
        assertTrue(s.dataBytes() <= 4_000, "held within the limit: " + s);
        assertTrue(s.dataEntries() < 4, "some partitions were evicted: " + s);
        // partition 0 again: kept or evicted, the same arrays come back
        ExecutorCache.PartitionData again = ExecutorCache.data("d", 0, () -> {
            loads.incrementAndGet();
            return Batches.stack(rows(1));
        });
        assertEquals(copy, again.features(), "the same rows, decoded again or kept");
        assertEquals(first.labels(), again.labels());
        assertTrue(ExecutorCache.stats().dataBytes() <= 4_000);
    }

    @Test
    void unusedEntriesExpireAndComeBackTheSame() {
        AtomicInteger loads = new AtomicInteger();
        ExecutorCache.PartitionData d = ExecutorCache.data("e", 0, () -> {
            loads.incrementAndGet();
            return Batches.stack(rows(5));
        });
        MultiLayerNetwork net = ExecutorCache.network("t1", "eval#0", CONFIG);
        INDArray params = net.params().dup();
        ticker.advance(Duration.ofMinutes(5));
        assertSame(d, ExecutorCache.data("e", 0, () -> Batches.stack(rows(5))), "used within the expiry: kept");
        ticker.advance(Duration.ofMinutes(11));
        ExecutorCache.Stats s = ExecutorCache.stats();
        assertEquals(0, s.dataEntries(), "expired: " + s);
        assertEquals(0, s.networkEntries(), "expired: " + s);
        assertTrue(ExecutorCache.cached("t1", "eval#0").isEmpty());
        ExecutorCache.PartitionData again = ExecutorCache.data("e", 0, () -> {
            loads.incrementAndGet();
            return Batches.stack(rows(5));
        });
        assertEquals(2, loads.get(), "decoded again after it expired");
        assertNotSame(d, again);
        assertEquals(d.features(), again.features());
        MultiLayerNetwork rebuilt = ExecutorCache.network("t1", "eval#0", CONFIG);
        assertNotSame(net, rebuilt);
        assertEquals(params, rebuilt.params(), "built again from the configuration's seed");
    }

    @Test
    void networksAreBoundedByWeightButKeptOnesOnlyExpire() {
        // ~2 KB each (10*8+8+8*3+3 = 115 parameters, Adam's 230 of state): the 8 KB limit holds three
        for (int t = 0; t < 6; t++) {
            ExecutorCache.held("w" + t, "train#0", CONFIG, false);
            ExecutorCache.held("k" + t, "train#0", CONFIG, true);
        }
        ExecutorCache.Stats s = ExecutorCache.stats();
        assertTrue(s.networkBytes() <= 8_000 && s.networkEntries() < 6, "rebuildable networks bounded: " + s);
        assertEquals(6, s.keptEntries(), "kept networks are not evicted by weight: " + s);
        ticker.advance(Duration.ofMinutes(61));
        assertEquals(0, ExecutorCache.stats().keptEntries(), "but do expire");
    }

    static WorkerTask task(String trial, String dataKey, int firstBatch, int iteration, boolean shareUpdater) {
        return new WorkerTask(trial, dataKey, CONFIG, InputShape.FLAT, 8, 11, 0, firstBatch, 2, iteration, Double.NaN,
                shareUpdater);
    }

    static ModelState start(boolean withUpdater) {
        MultiLayerNetwork net = Networks.create(org.deeplearning4j.nn.conf.MultiLayerConfiguration.fromJson(CONFIG));
        return new ModelState(net.params().toFloatVector(),
                withUpdater ? net.getUpdater().getStateViewArray().toFloatVector() : new float[0]);
    }

    @Test
    void twoTrialsOnTheSameDataShareOneCopyAndLeaveItUnchanged() {
        long before = ExecutorCache.stats().dataLoads();
        PartitionResult a = TrainingKernel.train(0, rows(9), task("trial-a", "shared/train", 0, 0, true), start(true));
        ExecutorCache.PartitionData cached = ExecutorCache.data("shared/train", 0, () -> {
            throw new AssertionError("trial a's copy is cached");
        });
        INDArray features = cached.features().dup();
        // trial b's rows are never read: it trains on trial a's copy
        Iterator<Block> none = List.<Block>of().iterator();
        PartitionResult b = TrainingKernel.train(0, none, task("trial-b", "shared/train", 0, 0, true), start(true));
        assertEquals(1, ExecutorCache.stats().dataLoads() - before, "one decode for both trials");
        assertSame(cached, ExecutorCache.data("shared/train", 0, () -> null));
        assertEquals(features, cached.features(), "training shuffles an index, never the shared rows");
        assertArrayEquals(a.params(), b.params(), "same start, same rows, same result");
    }

    @Test
    void aRebuiltTrainingNetworkGivesTheSameRound() {
        ModelState s0 = start(true);
        PartitionResult r1 = TrainingKernel.train(0, rows(4), task("kept", "k/train", 0, 0, true), s0);
        ModelState s1 = new ModelState(r1.params(), r1.updaterState());
        PartitionResult cachedRound = TrainingKernel.train(0, rows(4), task("kept", "k/train", 2, 2, true), s1);

        TrainingKernel.train(0, rows(4), task("evicted", "k/train", 0, 0, true), s0);
        ExecutorCache.evict("evicted"); // the network (and its epoch order) go; the data stays
        ExecutorCache.evictData("k/train", 0); // and the rows too
        PartitionResult rebuiltRound = TrainingKernel.train(0, rows(4), task("evicted", "k/train", 2, 2, true), s1);
        assertArrayEquals(cachedRound.params(), rebuiltRound.params(), 0f, "parameters after the round");
        assertArrayEquals(cachedRound.updaterState(), rebuiltRound.updaterState(), 0f, "optimizer state after it");
        assertEquals(cachedRound.lossSum(), rebuiltRound.lossSum(), 0.0);
    }

    @Test
    void aLostWorkerOwnOptimizerStateIsReportedNotReplaced() {
        ModelState s0 = start(false);
        PartitionResult r1 = TrainingKernel.train(0, rows(4), task("own", "o/train", 0, 0, false), s0);
        assertEquals(0, r1.updaterState().length, "workers keep their own optimizer state");
        ExecutorCache.Stats s = ExecutorCache.stats();
        assertEquals(1, s.keptEntries(), "kept, out of the weight bound: " + s);
        ModelState s1 = new ModelState(r1.params(), new float[0]);
        TrainingKernel.train(0, rows(4), task("own", "o/train", 2, 2, false), s1); // still held: fine
        ticker.advance(Duration.ofMinutes(61));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> TrainingKernel.train(0, rows(4), task("own", "o/train", 4, 4, false), s1));
        assertTrue(e.getMessage().contains("--resume"), e.getMessage());
    }
}
