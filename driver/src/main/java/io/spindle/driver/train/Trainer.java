package io.spindle.driver.train;

import io.spindle.driver.data.PreparedData;
import io.spindle.driver.spec.JobSpec;
import io.spindle.driver.spec.Task;
import io.spindle.kernels.Block;
import io.spindle.kernels.EvalTask;
import io.spindle.kernels.EvaluationKernel;
import io.spindle.kernels.InputShape;
import io.spindle.kernels.ModelState;
import io.spindle.kernels.PartitionResult;
import io.spindle.kernels.TrainingKernel;
import io.spindle.kernels.WorkerTask;
import io.spindle.kernels.eval.Metrics;
import io.spindle.kernels.eval.MetricsAccumulator;
import io.spindle.kernels.eval.TaskKind;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.storage.StorageLevel;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The driver's epoch loop: each round broadcasts the parameters and updater state once, trains
 * every partition of the cached train split on the executors, averages the sample-weighted
 * results, evaluates the validation split with mergeable metrics and applies early stopping.
 * With one worker the train split is one Spark task and the result equals plain single-JVM
 * DL4J training on the same minibatches.
 */
public final class Trainer {

    private final JavaSparkContext sc;
    private final Clock clock;

    /**
     * @param sc the Spark context
     * @param clock time source for durations
     */
    public Trainer(JavaSparkContext sc, Clock clock) {
        this.sc = sc;
        this.clock = clock;
    }

    /**
     * Trains a spec's network on prepared data.
     *
     * @param spec the resolved spec
     * @param data the prepared splits
     * @param conf the network configuration
     * @param onEpoch called after every epoch (progress printing)
     * @return the result, with the kept parameters and test metrics
     */
    public TrainResult train(JobSpec spec, PreparedData data, MultiLayerConfiguration conf, Consumer<EpochRecord> onEpoch) {
        return train(spec, data, conf, new TrainListener() {
            @Override
            public void onEpoch(EpochRecord epoch) {
                onEpoch.accept(epoch);
            }
        });
    }

    /**
     * Trains a spec's network on prepared data.
     *
     * @param spec the resolved spec
     * @param data the prepared splits
     * @param conf the network configuration
     * @param listener receives every round's costs and every epoch's record
     * @return the result, with the kept parameters and test metrics
     */
    public TrainResult train(JobSpec spec, PreparedData data, MultiLayerConfiguration conf, TrainListener listener) {
        long start = clock.millis();
        String trialId = spec.name() + "-" + UUID.randomUUID();
        String json = conf.toJson();
        int workers = spec.cluster().workers();
        JobSpec.Training t = spec.training();
        InputShape shape = shape(spec, conf);
        TaskKind kind = TaskKind.valueOf(spec.data().task().name());
        int outputs = outputs(spec, data);

        JavaRDD<Block> train = partitions(data.train(), workers).persist(StorageLevel.MEMORY_AND_DISK());
        JavaRDD<Block> validation = data.validation().persist(StorageLevel.MEMORY_AND_DISK());
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        INDArray updater = net.getUpdater().getStateViewArray();
        ModelState state = new ModelState(net.params().toFloatVector(),
                updater == null ? new float[0] : updater.toFloatVector());

        JobSpec.EarlyStopping es = t.earlyStopping();
        List<EpochRecord> epochs = new ArrayList<>();
        float[] best = state.params();
        Metrics bestMetrics = null;
        double bestValue = Double.NaN;
        int bestEpoch = 0;
        int sinceBest = 0;
        int iteration = 0;
        String status = "COMPLETED";
        String diagnosis = "";
        String valKey = trialId + "/validation";
        EvalTask valTask = new EvalTask(trialId, valKey, json, shape, kind, outputs,
                data.normalization().labelShift(), data.normalization().labelScale(), 1024);
        try {
            int maxBatches = maxBatches(train, t.batchSize());
            int period = spec.cluster().averagingPeriod().orElse(maxBatches);
            for (int epoch = 0; epoch < t.epochs(); epoch++) {
                long e0 = clock.millis();
                long samples = 0;
                double lossSum = 0;
                boolean finite = true;
                for (int first = 0, round = 0; first < maxBatches && finite; first += period, round++) {
                    long r0 = System.nanoTime();
                    Broadcast<ModelState> b = sc.broadcast(state);
                    long broadcastNanos = System.nanoTime() - r0;
                    WorkerTask task = new WorkerTask(trialId, trialId + "/train", json, shape, t.batchSize(), t.seed(),
                            epoch, first, period, iteration, Double.NaN);
                    PartitionResult r = train.mapPartitionsWithIndex((i, it) -> {
                        long f0 = System.nanoTime();
                        ModelState s = b.value();
                        long fetch = System.nanoTime() - f0;
                        return Collections.singletonList(TrainingKernel.train(i, it, task, s).plusFetch(fetch)).iterator();
                    }, true).reduce(PartitionResult::plus);
                    b.destroy();
                    iteration += Math.min(period, maxBatches - first);
                    finite = r.finite() && r.samples() > 0;
                    if (finite) {
                        samples += r.samples();
                        lossSum += r.lossSum();
                        state = new ModelState(r.weightedParams().div(r.samples()).toFloatVector(),
                                r.weightedUpdaterState().isEmpty() ? new float[0]
                                        : r.weightedUpdaterState().div(r.samples()).toFloatVector());
                    }
                    long stateBytes = 4L * (state.params().length + state.updaterState().length);
                    listener.onRound(new RoundStats(epoch + 1, round, workers, Math.min(period, maxBatches - first),
                            r.samples(), stateBytes, broadcastNanos, r.fetchNanos(), r.computeNanos(),
                            System.nanoTime() - r0));
                }
                long trainMs = clock.millis() - e0;
                if (!finite) {
                    status = "DIVERGED";
                    diagnosis = "loss became NaN or infinite in epoch " + (epoch + 1) + ": learning rate too high"
                            + " (training.lr " + t.lr() + "): divide it by 10 (seed 001)";
                    break;
                }
                float[] params = state.params();
                Metrics val = evaluate(validation, valTask, params);
                double monitored = es.monitor().equals("val_loss") ? val.values().getOrDefault("loss", Double.NaN)
                        : val.values().getOrDefault(es.monitor().substring(4), Double.NaN);
                double seconds = (clock.millis() - e0) / 1000.0;
                EpochRecord rec = new EpochRecord(epoch + 1, lossSum / samples,
                        val.values().getOrDefault("loss", Double.NaN), val.values(), t.lr(),
                        samples / Math.max(1e-3, trainMs / 1000.0), seconds);
                epochs.add(rec);
                listener.onEpoch(rec);
                boolean improved = bestEpoch == 0 || (Double.isFinite(monitored)
                        && (es.maximize() ? monitored > bestValue + es.minDelta() : monitored < bestValue - es.minDelta()));
                if (improved) {
                    bestValue = monitored;
                    bestEpoch = epoch + 1;
                    best = params;
                    bestMetrics = val;
                    sinceBest = 0;
                } else {
                    sinceBest++;
                }
                if (!es.restoreBest()) {
                    best = params;
                    bestMetrics = val;
                }
                if (es.enabled() && sinceBest >= es.patience()) {
                    status = "EARLY_STOPPED";
                    break;
                }
            }
            if (!es.restoreBest() && !epochs.isEmpty()) {
                bestEpoch = epochs.size();
            }
            Metrics test = null;
            if (bestEpoch > 0) {
                EvalTask testTask = new EvalTask(trialId, trialId + "/test", json, shape, kind, outputs,
                        data.normalization().labelShift(), data.normalization().labelScale(), 1024);
                test = evaluate(data.test(), testTask, best);
            }
            return new TrainResult(status, epochs, bestEpoch, bestMetrics, test, best,
                    (clock.millis() - start) / 1000.0, diagnosis);
        } finally {
            train.unpersist(false);
            validation.unpersist(false);
            String id = trialId;
            sc.parallelize(List.of(0, 1), Math.max(2, workers)).foreachPartition(it -> TrainingKernel.release(id));
        }
    }

    private static Metrics evaluate(JavaRDD<Block> rows, EvalTask task, float[] params) {
        return rows.mapPartitionsWithIndex((i, it) ->
                Collections.singletonList(EvaluationKernel.evaluate(i, it, task, params)).iterator(), true)
                .reduce(MetricsAccumulator::merge).result();
    }

    /** @return the most minibatches any partition of the train split holds per epoch */
    private static int maxBatches(JavaRDD<Block> train, int batchSize) {
        long most = train.mapPartitions(it -> {
            long rows = 0;
            while (it.hasNext()) {
                rows += it.next().rows();
            }
            return Collections.singletonList(rows).iterator();
        }).reduce(Math::max);
        return (int) Math.max(1, (most + batchSize - 1) / batchSize);
    }

    private static JavaRDD<Block> partitions(JavaRDD<Block> rows, int workers) {
        int n = rows.getNumPartitions();
        return n == workers ? rows : n > workers ? rows.coalesce(workers, false) : rows.repartition(workers);
    }

    /**
     * @param spec the spec
     * @param conf the network configuration
     * @return how rows feed this network
     */
    public static InputShape shape(JobSpec spec, MultiLayerConfiguration conf) {
        int steps = spec.data().sequence().map(s -> s.steps()).orElse(0);
        boolean twoColumns = spec.data().task() == Task.BINARY && spec.model().output().units() == 2;
        return new InputShape(steps, twoColumns);
    }

    private static int outputs(JobSpec spec, PreparedData data) {
        return switch (spec.data().task()) {
            case MULTICLASS -> data.layout().classes().size();
            case BINARY -> 1;
            case MULTILABEL, REGRESSION -> data.layout().labelWidth();
        };
    }
}
