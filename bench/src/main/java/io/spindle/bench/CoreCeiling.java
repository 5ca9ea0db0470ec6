package io.spindle.bench;

import io.spindle.kernels.Batches;
import io.spindle.kernels.ExecutorCache;
import io.spindle.kernels.Networks;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * What this machine's cores can give a case, measured rather than assumed: plain DL4J training
 * on one thread alone, and two independent trainings at once (two networks, each on its own
 * thread with one BLAS thread, no averaging, no Spark). The second is the most any data-parallel
 * trainer with two workers can reach here; their ratio is the cores' real scaling for the case
 * (shared caches, memory bandwidth and the host's scheduling make it less than 2).
 *
 * <p>Each measurement trains for a fixed time after a warm-up (one alone, then two at once, each
 * for that time); one thread alone and two at once alternate {@link #REPEATS} times and each
 * side's median is kept.
 *
 * @param oneThread samples/s of one training on one thread (median)
 * @param twoAtOnce samples/s of two trainings at once, together (median)
 * @param oneThreadRuns every measurement of one thread alone
 * @param twoAtOnceRuns every measurement of two at once
 */
record CoreCeiling(double oneThread, double twoAtOnce, double[] oneThreadRuns, double[] twoAtOnceRuns) {

    /** Alternations of the two measurements. */
    static final int REPEATS = 3;

    /** @return two at once over one alone: the cores' scaling for the case */
    double scaling() {
        return twoAtOnce / oneThread;
    }

    /** @return the measurements in words */
    String describe() {
        return String.format(Locale.ROOT, "one thread alone %,.0f samples/s (%s), two independent trainings at once "
                + "%,.0f samples/s together (%s): %.2fx", oneThread, runs(oneThreadRuns), twoAtOnce, runs(twoAtOnceRuns),
                scaling());
    }

    private static String runs(double[] v) {
        return String.join(" / ", Arrays.stream(v).mapToObj(x -> String.format(Locale.ROOT, "%,.0f", x)).toList());
    }

    /**
     * @param conf the case's network
     * @param data the case's data (every training cycles through the train rows in its own order)
     * @param batchSize minibatch rows
     * @param seconds training time of each measurement
     * @return the medians and every measurement
     * @throws IllegalStateException when a training thread fails
     */
    static CoreCeiling measure(MultiLayerConfiguration conf, BenchData data, int batchSize, double seconds) {
        int before = Threads.current();
        Threads.set(1);
        ExecutorService pool = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "core-ceiling");
            t.setDaemon(true);
            return t;
        });
        try {
            List<MultiLayerNetwork> nets = List.of(Networks.create(conf.clone()), Networks.create(conf.clone()));
            // warm-up: each network alone, then both at once, so that the JIT compiler and ND4J's workspaces are
            // ready before anything is measured (the first training of a case in a fresh JVM runs well below
            // its steady speed)
            train(pool, nets.subList(0, 1), data, batchSize, seconds);
            train(pool, nets, data, batchSize, seconds);
            double[] one = new double[REPEATS];
            double[] two = new double[REPEATS];
            for (int i = 0; i < REPEATS; i++) {
                one[i] = train(pool, nets.subList(0, 1), data, batchSize, seconds);
                two[i] = train(pool, nets, data, batchSize, seconds);
            }
            return new CoreCeiling(median(one), median(two), one, two);
        } finally {
            pool.shutdownNow();
            Threads.set(before);
        }
    }

    /** Trains every network on its own thread for about {@code seconds}; returns their samples/s together. */
    private static double train(ExecutorService pool, List<MultiLayerNetwork> nets, BenchData data, int batchSize,
                                double seconds) {
        ExecutorCache.PartitionData rows = data.train();
        int batches = Batches.count((int) rows.rows(), batchSize);
        CyclicBarrier start = new CyclicBarrier(nets.size());
        List<Future<double[]>> done = new ArrayList<>();
        for (int n = 0; n < nets.size(); n++) {
            MultiLayerNetwork net = nets.get(n);
            int worker = n;
            done.add(pool.submit(() -> {
                Threads.set(1);
                start.await();
                long samples = 0;
                long t0 = System.nanoTime();
                long end = t0 + (long) (seconds * 1e9);
                int[] order = Batches.epochOrder((int) rows.rows(), CaseSpec.SEED, 0, worker);
                for (int b = 0; System.nanoTime() < end; b++) {
                    if (b == batches) {
                        b = 0;
                    }
                    var ds = Batches.batch(rows, order, b, batchSize, data.shape());
                    net.fit(ds);
                    samples += ds.numExamples();
                }
                return new double[] {samples, (System.nanoTime() - t0) / 1e9};
            }));
        }
        double total = 0;
        for (Future<double[]> f : done) {
            try {
                double[] r = f.get();
                total += r[0] / r[1];
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while measuring the cores", ex);
            } catch (java.util.concurrent.ExecutionException ex) {
                throw new IllegalStateException("a training thread failed: " + ex.getCause(), ex.getCause());
            }
        }
        return total;
    }

    /**
     * @param v numbers (at least one)
     * @return the median (the mean of the two middle values for an even count)
     */
    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
