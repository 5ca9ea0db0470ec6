package io.spindle.bench;

import io.spindle.kernels.Batches;
import io.spindle.kernels.ExecutorCache;
import io.spindle.kernels.Networks;
import io.spindle.kernels.nn.OneDnn;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.dataset.DataSet;

/**
 * System (a): plain DL4J in the driver JVM, {@code MultiLayerNetwork.fit} per minibatch. Every
 * epoch shuffles the train rows with the same seeded permutation Spindle's kernel uses for one
 * partition ({@link Batches#epochOrder}), and shapes rows as Spindle's trainer does (flat for the
 * MLPs, {@code [batch, features, steps]} for the sequence case), so this is exactly Spindle's
 * one-worker computation without Spark. After every epoch, off the clock, the network is scored
 * on the test rows by {@link BenchData#score}.
 */
final class SingleJvmRunner {

    private SingleJvmRunner() {
    }

    /**
     * @param caseName the case
     * @param conf the network configuration (copied, not modified)
     * @param data the benchmark data
     * @param batchSize minibatch size
     * @param budget epochs and time budget
     * @param threads the ND4J / BLAS threads in use, for the note
     * @return the run
     */
    static SystemRun run(String caseName, MultiLayerConfiguration conf, BenchData data, int batchSize, Budget budget,
                         int threads) {
        return run(caseName, Systems.SINGLE_JVM, conf, data, batchSize, budget, threads);
    }

    /**
     * @param caseName the case
     * @param system {@link Systems#SINGLE_JVM}: the network as Spindle builds it ({@link Networks},
     *     oneDNN helpers where they apply); {@link Systems#SINGLE_JVM_BUILTIN}: as DL4J builds it by
     *     itself, on its built-in layer path
     * @param conf the network configuration (copied, not modified)
     * @param data the benchmark data
     * @param batchSize minibatch size
     * @param budget epochs and time budget
     * @param threads the ND4J / BLAS threads in use, for the note
     * @return the run
     */
    static SystemRun run(String caseName, String system, MultiLayerConfiguration conf, BenchData data, int batchSize,
                         Budget budget, int threads) {
        MultiLayerNetwork net;
        if (system.equals(Systems.SINGLE_JVM_BUILTIN)) {
            net = new MultiLayerNetwork(conf.clone());
            net.init();
        } else if (system.equals(Systems.SINGLE_JVM)) {
            net = Networks.create(conf.clone());
        } else {
            throw new IllegalArgumentException("not a single-JVM system: " + system);
        }
        String kernels = OneDnn.describe(net);
        ExecutorCache.PartitionData train = data.train();
        List<EpochPoint> points = new ArrayList<>();
        double seconds = 0;
        long samples = 0;
        int epoch = 0;
        String evalId = "bench-" + caseName + "-" + system + "-" + UUID.randomUUID();
        try {
            while (budget.allowsAnother(epoch, seconds)) {
                long t0 = System.nanoTime();
                int[] order = Batches.epochOrder((int) train.rows(), CaseSpec.SEED, epoch, 0);
                for (DataSet ds : Batches.epoch(train, order, batchSize, data.shape())) {
                    net.fit(ds);
                    samples += ds.numExamples();
                }
                seconds += (System.nanoTime() - t0) / 1e9;
                epoch++;
                points.add(new EpochPoint(epoch, seconds, samples, data.score(net, evalId), data.quality()));
            }
        } finally {
            BenchData.forget(evalId);
        }
        return new SystemRun(caseName, system, points, "MultiLayerNetwork.fit per minibatch of " + batchSize
                + " in the driver JVM, " + threads + " ND4J/BLAS thread(s), minibatches shuffled per epoch with seed "
                + CaseSpec.SEED + (kernels.equals("none") ? "" : ", layer kernels: " + kernels) + "; "
                + budget.stopReason(epoch, seconds));
    }
}
