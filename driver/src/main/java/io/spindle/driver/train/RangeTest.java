package io.spindle.driver.train;

import io.spindle.driver.data.PreparedData;
import io.spindle.driver.spec.JobSpec;
import io.spindle.driver.spec.SpecException;
import io.spindle.kernels.Block;
import io.spindle.kernels.ModelState;
import io.spindle.kernels.Networks;
import io.spindle.kernels.PartitionResult;
import io.spindle.kernels.TrainingKernel;
import io.spindle.kernels.WorkerTask;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.function.Consumer;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The learning-rate range test (Smith, "Cyclical Learning Rates for Training Neural Networks",
 * WACV 2017): starting from the spec's freshly initialized network, the rate grows exponentially
 * from {@code min} to {@code max} over {@code steps} rounds while the loss is recorded. Every round
 * is one data-parallel round of the trainer with one minibatch per worker (averaging period 1), on
 * the spec's workers; the rounds walk through the train shards and start a new pass (a new
 * minibatch order) when a shard runs out. The loss is smoothed by an exponential moving average
 * (factor {@value #BETA}, bias-corrected) and the test stops once the smoothed loss exceeds
 * {@value #BLOW_UP} times its lowest value, or turns NaN. The suggestion is one tenth of the rate
 * at which the smoothed loss was lowest, divided by the workers: the lowest point is already past
 * the best rate (the loss is about to blow up there) and a tenth of it sits on the steep, still
 * falling part of the curve; every round of the test averages the workers' steps, a batch
 * {@code workers} times larger than the one each worker steps on alone between the averaging
 * points of training, and the rate scales with the batch (Goyal et al., "Accurate, Large Minibatch
 * SGD", 2017). Nothing trained is kept.
 */
public final class RangeTest {

    /** Smoothing factor of the loss's moving average. */
    static final double BETA = 0.9;
    /** The test stops once the smoothed loss exceeds this multiple of its lowest value. */
    static final double BLOW_UP = 4.0;
    /** Rounds the test ignores before it may stop (the first losses of a fresh network swing). */
    static final int SETTLE = 5;

    private RangeTest() {
    }

    /**
     * What the test sweeps.
     *
     * @param min the first rate
     * @param max the last rate
     * @param steps rounds from min to max
     */
    public record Settings(double min, double max, int steps) {
        /** The defaults: 1e-7 to 10 in 100 rounds. */
        public static final Settings DEFAULT = new Settings(1e-7, 10, 100);

        public Settings {
            if (!(min > 0) || !Double.isFinite(min)) {
                throw new SpecException("--min must be a positive number, got " + min);
            }
            if (!(max > min) || !Double.isFinite(max)) {
                throw new SpecException("--min " + fmt(min) + " must be below --max " + fmt(max)
                        + ": the rate grows from min to max (e.g. --min 1e-7 --max 10)");
            }
            if (steps < 10) {
                throw new SpecException("--steps must be at least 10, got " + steps + ": fewer rounds cannot show where"
                        + " the loss falls and where it blows up (100 is usual)");
            }
        }

        /**
         * @param step 0-based round
         * @return the rate of that round
         */
        public double rate(int step) {
            return min * Math.pow(max / min, step / (double) (steps - 1));
        }
    }

    /**
     * One round of the test.
     *
     * @param step 0-based round
     * @param lr its rate
     * @param loss the mean minibatch loss of the round (over every worker's minibatch)
     * @param smoothed the bias-corrected moving average of the loss so far
     */
    public record Point(int step, double lr, double loss, double smoothed) { }

    /**
     * @param points every round run
     * @param lowestLr the rate at which the smoothed loss was lowest
     * @param suggested the suggestion: {@code lowestLr / (10 x workers)}
     * @param blewUp whether the loss blew up (exceeded {@value #BLOW_UP} x its lowest, or NaN) before {@code max}
     * @param workers the workers the rounds ran on
     */
    public record Result(List<Point> points, double lowestLr, double suggested, boolean blewUp, int workers) {
        /** @return the rule the suggestion follows, as a user reads it */
        public static String rule() {
            return "one tenth of the rate at the lowest smoothed loss, divided by the workers";
        }
    }

    /**
     * The rows the test needs: one full minibatch per worker.
     *
     * @param workers the workers
     * @param batchSize training.batch_size
     * @return train rows needed
     */
    public static long rowsNeeded(int workers, int batchSize) {
        return (long) workers * batchSize;
    }

    /**
     * Runs the test.
     *
     * @param sc the Spark context
     * @param spec the spec (its network, optimizer, batch size, workers and seed)
     * @param data the prepared splits (only the train split is read)
     * @param conf the network configuration
     * @param settings the rates and rounds
     * @param warn receives warnings (workers lowered to the cores)
     * @return every round and the suggestion
     * @throws SpecException when the train split holds less than one minibatch per worker
     */
    public static Result run(JavaSparkContext sc, JobSpec spec, PreparedData data, MultiLayerConfiguration conf,
                             Settings settings, Consumer<String> warn) {
        JobSpec.Training t = spec.training();
        int workers = Trainer.workers(spec, sc, warn);
        long trainRows = data.report().trainRows();
        long needed = rowsNeeded(workers, t.batchSize());
        if (trainRows < needed) {
            throw new SpecException("the learning-rate range test needs at least " + needed + " train rows (one minibatch of"
                    + " training.batch_size " + t.batchSize() + " on each of " + workers + " workers); the train split of "
                    + spec.data().path() + " holds " + trainRows + ": lower training.batch_size or cluster.workers");
        }
        String trialId = spec.name() + "-lr-find-" + UUID.randomUUID();
        String json = conf.toJson();
        ShardPlan plan = new ShardPlan(data, workers, false, t.seed(), 0);
        RoundExecutor rounds = new RoundExecutor(sc, workers);
        try {
            long[] rows = plan.rowsPerPartition();
            // whole minibatches of the smallest shard: every round trains one on every worker
            int perPass = (int) Math.max(1, Arrays.stream(rows).min().orElse(0) / t.batchSize());
            MultiLayerNetwork net = Networks.create(conf);
            float[] params = net.params().toFloatVector();
            INDArray view = net.getUpdater().getStateViewArray();
            float[] updater = view != null && view.length() > 0 ? view.toFloatVector() : new float[0];
            List<Point> points = new ArrayList<>();
            double average = 0;
            double lowest = Double.POSITIVE_INFINITY;
            double lowestLr = settings.min();
            boolean blewUp = false;
            JavaRDD<Block> shards = plan.train(0);
            for (int step = 0; step < settings.steps(); step++) {
                double lr = settings.rate(step);
                int pass = step / perPass;
                WorkerTask task = new WorkerTask(trialId, plan.dataKey(0), json,
                        Trainer.shape(spec, conf), t.batchSize(), t.seed(), pass, step % perPass, 1, step, lr, true);
                PartitionResult r = rounds.run(shards, task, new ModelState(params, updater, new float[0][]),
                        trialId + "#" + step + "#").result();
                double loss = r.samples() == 0 ? Double.NaN : r.lossSum() / r.samples();
                if (!r.finite() || !Double.isFinite(loss)) {
                    points.add(new Point(step, lr, Double.NaN, Double.NaN));
                    blewUp = true;
                    break;
                }
                average = BETA * average + (1 - BETA) * loss;
                double smoothed = average / (1 - Math.pow(BETA, step + 1));
                points.add(new Point(step, lr, loss, smoothed));
                if (smoothed < lowest) {
                    lowest = smoothed;
                    lowestLr = lr;
                }
                if (step >= SETTLE && smoothed > BLOW_UP * lowest) {
                    blewUp = true;
                    break;
                }
                params = r.params();
                updater = r.updaterState();
            }
            return new Result(points, lowestLr, lowestLr / (10.0 * workers), blewUp, workers);
        } finally {
            plan.close();
            Trainer.release(sc, trialId, workers, plan);
        }
    }

    private static String fmt(double x) {
        return String.format(Locale.ROOT, "%.3g", x);
    }
}
