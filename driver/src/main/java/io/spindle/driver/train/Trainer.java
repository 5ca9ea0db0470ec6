package io.spindle.driver.train;

import io.spindle.driver.data.PreparedData;
import io.spindle.driver.spec.JobSpec;
import io.spindle.driver.spec.Task;
import io.spindle.kernels.Batches;
import io.spindle.kernels.Block;
import io.spindle.kernels.EpochResult;
import io.spindle.kernels.EpochsTask;
import io.spindle.kernels.EvalTask;
import io.spindle.kernels.EvaluationKernel;
import io.spindle.kernels.InputShape;
import io.spindle.kernels.LocalHandoff;
import io.spindle.kernels.ModelState;
import io.spindle.kernels.Networks;
import io.spindle.kernels.PartitionResult;
import io.spindle.kernels.TrainingKernel;
import io.spindle.kernels.WorkerTask;
import io.spindle.kernels.eval.Metrics;
import io.spindle.kernels.eval.MetricsAccumulator;
import io.spindle.kernels.eval.TaskKind;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.function.Consumer;
import org.apache.spark.Partitioner;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import scala.Tuple2;

/**
 * The driver's control loop of data-parallel training by parameter averaging.
 *
 * <p>The train split becomes one shard per worker (every block sliced across the shards, so they
 * are balanced and the same on every run), cached on the executors as minibatches. Each round the
 * driver broadcasts parameters and updater state once; every worker trains {@code averaging_period}
 * minibatches on the network its executor keeps for the trial; the results come back through a
 * tree of fixed shape and order (so that sums never depend on which task finished first) and the
 * driver takes their sample-weighted mean, optionally followed by an outer Nesterov step on the
 * averaged change (DiLoCo, Douillard et al. 2023; SlowMo, Wang et al. ICLR 2020). After every epoch
 * (and every {@code eval_every_rounds} rounds) it evaluates the validation split with mergeable
 * metrics, applies early stopping and the learning-rate schedule, stops diverged runs, and hands a
 * {@link Checkpoint} to the listener. With one worker the result equals plain single-JVM DL4J
 * training on the same minibatches.
 */
public final class Trainer {

    /** Compute one round should hold at least when the spec leaves the averaging period open (seconds). */
    static final double ROUND_SECONDS = 0.1;
    /** Floating-point throughput assumed per worker to size the default averaging period (FLOP/s). */
    static final double ASSUMED_FLOPS = 1e10;
    /**
     * Floating-point operations a round should do per byte of state it moves (broadcast down, one
     * result per worker up). Measured here (bench, local[2]): a worker core ran the MNIST MLPs'
     * minibatches at ~8 (784-256-128, batch 64) and ~46 (784-1024-1024, batch 256) GFLOP/s, and a
     * round's overhead outside compute was ~55 ms for 2.8 MB of state and ~100 ms for 22 MB; at
     * 1,000 FLOP per byte the compute of a round was ~80% of it in both cases.
     */
    static final double FLOPS_PER_STATE_BYTE = 1000;
    /** Test rows whose predictions a regression run keeps for its report. */
    static final int PREDICTIONS = 2000;
    /** Most test windows per partition a forecast keeps for its chart. */
    static final int FORECAST_WINDOWS = 50_000;
    /** Partition results combined per tree node. */
    static final int FAN_IN = 8;

    private final JavaSparkContext sc;
    private final Clock clock;
    private final boolean test;
    private final java.util.function.BooleanSupplier stop;
    private final List<TrialCallback> callbacks;
    /** Whether a one-worker run trains the epochs up to its next checkpoint in one task. */
    private final boolean fused;

    /**
     * @param sc the Spark context
     * @param clock time source for durations
     */
    public Trainer(JavaSparkContext sc, Clock clock) {
        this(sc, clock, true, () -> false, List.of(),
                !"false".equals(System.getProperty("spindle.train.fused-epochs")));
    }

    private Trainer(JavaSparkContext sc, Clock clock, boolean test, java.util.function.BooleanSupplier stop,
                    List<TrialCallback> callbacks, boolean fused) {
        this.sc = sc;
        this.fused = fused;
        this.clock = clock;
        this.test = test;
        this.stop = stop;
        this.callbacks = List.copyOf(callbacks);
    }

    /**
     * @return a trainer that leaves the test split alone (a sweep's trials: the test split is
     *     touched once, by the chosen model, through {@link #test})
     */
    public Trainer withoutTest() {
        return new Trainer(sc, clock, false, stop, callbacks, fused);
    }

    /**
     * @param on whether a one-worker run trains the epochs up to its next checkpoint in one Spark
     *     task, evaluating each on the rows the executor caches (the default; off: a training round
     *     and an evaluation job per epoch, with the same results)
     * @return a trainer that does so or not
     */
    public Trainer withFusedEpochs(boolean on) {
        return new Trainer(sc, clock, test, stop, callbacks, on);
    }

    /**
     * @param stop asked before every averaging round; once it says true, training ends there with
     *     status {@code INTERRUPTED}: no further checkpoint is handed out, so the last one (written
     *     after a whole epoch) is where {@code --resume} continues
     * @return a trainer that stops when asked to
     */
    public Trainer withStop(java.util.function.BooleanSupplier stop) {
        return new Trainer(sc, clock, test, stop, callbacks, fused);
    }

    /**
     * @param more callbacks asked after every evaluation, after the spec's early stopping (a
     *     sweep's pruner, say)
     * @return a trainer that also asks them
     */
    public Trainer withCallbacks(List<TrialCallback> more) {
        List<TrialCallback> all = new ArrayList<>(callbacks);
        all.addAll(more);
        return new Trainer(sc, clock, test, stop, all, fused);
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
        }, Optional.empty());
    }

    /**
     * Trains a spec's network on prepared data, from scratch.
     *
     * @param spec the resolved spec
     * @param data the prepared splits
     * @param conf the network configuration
     * @param listener receives every round's costs, every epoch's record and every checkpoint
     * @return the result, with the kept parameters and test metrics
     */
    public TrainResult train(JobSpec spec, PreparedData data, MultiLayerConfiguration conf, TrainListener listener) {
        return train(spec, data, conf, listener, Optional.empty());
    }

    /**
     * Trains a spec's network on prepared data, from scratch or from a checkpoint of the same spec.
     *
     * @param spec the resolved spec
     * @param data the prepared splits
     * @param conf the network configuration
     * @param listener receives every round's costs, every epoch's record and every checkpoint
     * @param resume the checkpoint to continue from, if any
     * @return the result, with the kept parameters and test metrics
     * @throws io.spindle.driver.spec.SpecException when the checkpoint was written with other workers or averaging period
     */
    public TrainResult train(JobSpec spec, PreparedData data, MultiLayerConfiguration conf, TrainListener listener,
                             Optional<Checkpoint> resume) {
        long start = clock.millis();
        String trialId = spec.name() + "-" + UUID.randomUUID();
        String json = conf.toJson();
        JobSpec.Training t = spec.training();
        JobSpec.Cluster cluster = spec.cluster();
        int workers = workers(spec, sc, listener::onWarning);
        InputShape shape = shape(spec, conf);
        TaskKind kind = TaskKind.valueOf(spec.data().task().name());
        int outputs = outputs(spec, data);

        int firstEpoch = resume.map(Checkpoint::epochsDone).orElse(0);
        ShardPlan plan = new ShardPlan(data, workers, cluster.reshuffleAcross(), t.seed(), firstEpoch);
        RoundExecutor rounds = new RoundExecutor(sc, workers);
        JavaRDD<Block> validation = plan.validation();
        try {
            long[] rows = plan.rowsPerPartition();
            if (Arrays.stream(rows).sum() == 0) {
                throw new io.spindle.driver.data.DataException("the train split of " + spec.data().path() + " holds no rows;"
                        + " check data.split and the data");
            }
            int maxBatches = ShardPlan.maxBatches(rows, t.batchSize());
            MultiLayerNetwork net = Networks.create(conf);
            INDArray view = net.getUpdater().getStateViewArray();
            boolean hasUpdater = view != null && view.length() > 0;
            long stateBytes = 4L * (net.numParams() + (hasUpdater && cluster.averageUpdater() ? view.length() : 0));
            int period = Math.min(maxBatches, cluster.averagingPeriod()
                    .orElseGet(() -> defaultPeriod(net.numParams(), stateBytes, t.batchSize(), maxBatches)));
            int roundsPerEpoch = (maxBatches + period - 1) / period;
            listener.onStart(workers, period, roundsPerEpoch);
            LrSchedule schedule = new LrSchedule(t.schedule(), t.lr(), cluster.lrFactor(workers, t.optimizer()),
                    cluster.lrWarmupEpochs(), t.epochs(), roundsPerEpoch);
            JobSpec.EarlyStopping es = t.earlyStopping();
            JobSpec.OuterOptimizer outer = cluster.outerOptimizer();
            boolean shareUpdater = cluster.averageUpdater();

            LoopState s = resume.map(c -> LoopState.from(c, workers, period))
                    .orElseGet(() -> LoopState.fresh(net.params().toFloatVector(),
                            hasUpdater && shareUpdater ? view.toFloatVector() : new float[0],
                            outer.nesterov() ? new float[(int) net.numParams()] : new float[0], schedule.start()));
            EvalTask valTask = new EvalTask(trialId, plan.validationKey(), json, shape, kind, outputs,
                    data.normalization().labelShift(), data.normalization().labelScale(), 1024);
            EvalTask trainTask = new EvalTask(trialId, plan.trainSampleKey(), json, shape, kind, outputs,
                    data.normalization().labelShift(), data.normalization().labelScale(), 1024);
            // the spec's early stopping and reduce-on-plateau first, then the caller's callbacks; every one
            // hears every evaluation
            List<TrialCallback> deciders = new ArrayList<>();
            deciders.add(TrialCallback.divergence());
            deciders.add(TrialCallback.earlyStopping(es));
            Optional<ReduceOnPlateau> plateau = t.schedule() instanceof JobSpec.Schedule.ReduceOnPlateau r
                    ? Optional.of(new ReduceOnPlateau(r, s.plateau())) : Optional.empty();
            plateau.ifPresent(deciders::add);
            deciders.addAll(callbacks);
            Evaluations evals = new Evaluations(validation, valTask, plan.trainSample(), trainTask, deciders, plateau, data);

            // one worker, one round per epoch, the parameters it ends with are the next ones as they are:
            // the epochs up to the next checkpoint can train in one task, evaluated there
            boolean fuse = fused && workers == 1 && roundsPerEpoch == 1 && !outer.nesterov()
                    && (shareUpdater || !hasUpdater) && !cluster.reshuffleAcross();
            Cadence cadence = new Cadence(cluster.checkpointEveryEpochs(), cluster.checkpointEverySeconds(),
                    s.epochsDone(), clock.millis());
            int maxFused = (int) Math.max(1, Math.min(Integer.MAX_VALUE, FUSED_BYTES / Math.max(1, 2 * stateBytes)));
            for (int epoch = s.epochsDone(); epoch < t.epochs() && s.status() == Status.RUNNING;
                 epoch = Math.max(epoch + 1, s.epochsDone())) {
                if (fuse) {
                    if (stop.getAsBoolean()) {
                        s = s.ended(Status.INTERRUPTED, "");
                        break;
                    }
                    int n = Math.min(t.epochs() - epoch, Math.min(cadence.epochsLeft(epoch), maxFused));
                    for (TrialCallback c : evals.deciders()) {
                        n = Math.min(n, c.horizon(s.epochsDone(), s.sinceBest()));
                    }
                    s = epochsInOneTask(s, new Fused(spec, evals, listener, rounds, plan, schedule, cadence, maxBatches,
                            period, start, resume), Math.max(1, n), new WorkerTask(trialId, plan.dataKey(epoch), json,
                            shape, t.batchSize(), t.seed(), epoch, 0, -1, s.iteration(), Double.NaN, shareUpdater));
                    continue;
                }
                JavaRDD<Block> train = plan.train(epoch);
                String dataKey = plan.dataKey(epoch);
                long e0 = clock.millis();
                long trainNanos = 0;
                long samples = 0;
                double lossSum = 0;
                int round = 0;
                double lr = s.plateau().lr();
                boolean stoppedAfterRound = false;
                for (int first = 0; first < maxBatches; first += period, round++) {
                    if (stop.getAsBoolean()) {
                        s = s.ended(Status.INTERRUPTED, "");
                        break;
                    }
                    lr = schedule.rate(epoch, round, s.plateau());
                    ModelState state = new ModelState(s.params(), s.updater(), s.pendingWorkerUpdaters());
                    long r0 = System.nanoTime();
                    WorkerTask task = new WorkerTask(trialId, dataKey, json, shape, t.batchSize(), t.seed(), epoch, first,
                            period, s.iteration(), schedule.varies() ? lr : Double.NaN, shareUpdater);
                    RoundExecutor.Round done = rounds.run(train, task, state, trialId + "#" + epoch + "#" + round + "#");
                    PartitionResult r = done.result();
                    long broadcastNanos = done.broadcastNanos();
                    int steps = Math.min(period, maxBatches - first);
                    s = s.handedOut().counted(steps);
                    Stepped next = r.finite() ? step(s.params(), s.velocity(), r.params(), outer)
                            : new Stepped(s.params(), s.velocity());
                    long wall = System.nanoTime() - r0;
                    trainNanos += wall;
                    listener.onRound(new RoundStats(epoch + 1, round, workers, steps, r.samples(),
                            4L * (s.params().length + s.updater().length), broadcastNanos, r.fetchNanos(),
                            r.computeNanos(), wall));
                    // the mean of finite parameters is finite; only the outer step can overflow
                    boolean finiteRound = r.finite() && (!outer.nesterov() || finite(next.params()));
                    Optional<Decision.Stop> stopped = afterRound(evals.deciders(),
                            new TrialCallback.Round(epoch + 1, round, lr, finiteRound));
                    if (stopped.isPresent()) {
                        s = s.ended(stopped.get().status(), stopped.get().reason());
                        stoppedAfterRound = true;
                        break;
                    }
                    s = s.stepped(next.params(), shareUpdater ? r.updaterState() : s.updater(), next.velocity());
                    samples += r.samples();
                    lossSum += r.lossSum();
                    boolean last = first + period >= maxBatches;
                    if (!last && cluster.evalEveryRounds() > 0
                            && ((long) epoch * roundsPerEpoch + round + 1) % cluster.evalEveryRounds() == 0) {
                        s = check(s, spec, evals, listener, epoch, round + 1, lr, lossSum / samples,
                                samples / (trainNanos / 1e9), (clock.millis() - e0) / 1000.0, true);
                        if (s.status() != Status.RUNNING) {
                            break;
                        }
                    }
                }
                if (s.status() == Status.INTERRUPTED) {
                    break; // the last checkpoint stands; this epoch runs again on --resume
                }
                if (stoppedAfterRound) {
                    // a callback stopped the trial between rounds (divergence): the kept parameters stand
                    listener.onCheckpoint(s.checkpoint(spec, workers, period, priorSeconds(resume) + since(start)));
                    break;
                }
                if (s.status() == Status.RUNNING) {
                    s = check(s, spec, evals, listener, epoch, round, lr, lossSum / samples,
                            samples / (trainNanos / 1e9), (clock.millis() - e0) / 1000.0, false);
                }
                if (round == roundsPerEpoch) {
                    s = s.epochsDone(epoch + 1);
                }
                if (s.status() == Status.RUNNING && s.epochsDone() == t.epochs()) {
                    s = s.ended(Status.COMPLETED, "");
                }
                if (s.status() != Status.RUNNING || cadence.due(s.epochsDone(), clock.millis())) {
                    // workers that keep their own updater state hand it to the checkpoint (and to the next epoch's tasks)
                    LoopState saved = !shareUpdater && hasUpdater ? s.withWorkerUpdaters(workerUpdaters(train, trialId)) : s;
                    listener.onCheckpoint(saved.checkpoint(spec, workers, period, priorSeconds(resume) + since(start)));
                    cadence.saved(s.epochsDone(), clock.millis());
                }
            }
            if (s.status() == Status.RUNNING) {
                s = s.ended(Status.COMPLETED, ""); // resumed from the last epoch's checkpoint
            }
            if (!es.restoreBest()) {
                s = s.keptLatest();
            }
            boolean interrupted = s.status() == Status.INTERRUPTED;
            Tested tested = test && s.bestEpoch() > 0 && !interrupted ? test(spec, data, conf, s.best())
                    : new Tested(null, List.of());
            return new TrainResult(s.status(), s.history(), s.bestEpoch(), s.bestMetrics().orElse(null), tested.metrics(),
                    s.best(), priorSeconds(resume) + since(start), s.diagnosis(), s.epochsDone(), workers, period,
                    tested.predictions());
        } finally {
            plan.close();
            release(sc, trialId, workers, plan);
        }
    }

    /**
     * Metrics of some parameters on the test split.
     *
     * @param metrics the test metrics
     * @param predictions regression: per test row {actual, predicted} of each output in turn
     *     ({@code [a0, p0, a1, p1, ...]}), for up to 2,000 rows (every window of a forecast, in time
     *     order, up to {@value #FORECAST_WINDOWS} per partition); else empty
     */
    public record Tested(Metrics metrics, List<double[]> predictions) { }

    /**
     * Evaluates parameters once on the test split (what {@link #train} does at its end).
     *
     * @param spec the spec the parameters were trained with
     * @param data the prepared splits
     * @param conf the network configuration
     * @param params the parameters to evaluate
     * @return the test metrics, and regression predictions
     */
    public Tested test(JobSpec spec, PreparedData data, MultiLayerConfiguration conf, float[] params) {
        String id = spec.name() + "-test-" + UUID.randomUUID();
        String json = conf.toJson();
        TaskKind kind = TaskKind.valueOf(spec.data().task().name());
        EvalTask testTask = new EvalTask(id, id + "/test", json, shape(spec, conf), kind, outputs(spec, data),
                data.normalization().labelShift(), data.normalization().labelScale(), 1024);
        try {
            Metrics metrics = forecast(evaluate(data.test(), testTask, params), data);
            if (data.forecast().isPresent()) {
                metrics = io.spindle.driver.data.Windows.withBaselines(metrics, data.forecast().get());
            }
            List<double[]> predictions = List.of();
            if (kind == TaskKind.REGRESSION) {
                // a forecast keeps every test window (in time order, for its chart); others a sample
                int perPartition = data.forecast().isPresent() ? FORECAST_WINDOWS
                        : Math.max(1, PREDICTIONS / Math.max(1, data.test().getNumPartitions()));
                predictions = data.test().mapPartitionsWithIndex((i, it) -> EvaluationKernel.predictions(i, it, testTask,
                        params, perPartition).iterator(), true).collect();
            }
            return new Tested(metrics, predictions);
        } finally {
            release(sc, id, 2);
        }
    }

    /** Validation rows a probe looks at. */
    static final int PROBE_ROWS = 256;

    /**
     * Looks inside trained parameters on up to {@value #PROBE_ROWS} validation rows (on the
     * executor holding the first validation partition): per layer, the share of ReLU units that
     * never activate and the norm of its weights' gradient.
     *
     * @param spec the spec the parameters were trained with
     * @param data the prepared splits
     * @param conf the network configuration
     * @param params the parameters
     * @return one entry per layer (empty without validation rows)
     */
    public List<io.spindle.kernels.Probe.LayerProbe> probe(JobSpec spec, PreparedData data, MultiLayerConfiguration conf,
                                                            float[] params) {
        String id = spec.name() + "-probe-" + UUID.randomUUID();
        EvalTask task = new EvalTask(id, id + "/validation", conf.toJson(), shape(spec, conf),
                TaskKind.valueOf(spec.data().task().name()), outputs(spec, data), data.normalization().labelShift(),
                data.normalization().labelScale(), PROBE_ROWS);
        try {
            return data.validation().mapPartitionsWithIndex((i, it) ->
                    io.spindle.kernels.Probe.run(i, it, task, params, PROBE_ROWS).iterator(), true).collect();
        } finally {
            release(sc, id, 2);
        }
    }

    /** Frees what executors cache for a trial (networks, decoded rows), in at least {@code partitions} tasks. */
    static void release(JavaSparkContext sc, String trialId, int partitions) {
        release(sc, trialId, partitions, (String) null);
    }

    /**
     * Frees what executors cache for a trial and, when its closed plan was the last one on its
     * splits (and the caller did not persist them), the rows cached of them.
     */
    static void release(JavaSparkContext sc, String trialId, int partitions, ShardPlan closed) {
        release(sc, trialId, partitions, closed.freeData() ? closed.dataPrefix() : null);
    }

    private static void release(JavaSparkContext sc, String trialId, int partitions, String dataPrefix) {
        sc.parallelize(List.of(0, 1), Math.max(2, partitions)).foreachPartition(it -> {
            TrainingKernel.release(trialId);
            if (dataPrefix != null) {
                io.spindle.kernels.ExecutorCache.evict(dataPrefix);
            }
        });
    }

    /**
     * Frees the rows executors cache of prepared splits that trials shared (call it when the
     * splits are unpersisted, e.g. at a sweep's end). Executors a task misses drop them once they
     * expire ({@link io.spindle.kernels.ExecutorCache}).
     *
     * @param sc the Spark context
     * @param data the splits
     */
    public static void releaseData(JavaSparkContext sc, PreparedData data) {
        String prefix = ShardPlan.dataPrefix(data);
        sc.parallelize(List.of(0, 1), Math.max(2, sc.defaultParallelism()))
                .foreachPartition(it -> io.spindle.kernels.ExecutorCache.evict(prefix));
    }

    /** What a check evaluates (validation, the fixed train sample) and who decides after it. */
    private record Evaluations(JavaRDD<Block> validation, EvalTask valTask, JavaRDD<Block> trainSample,
                               EvalTask trainTask, List<TrialCallback> deciders, Optional<ReduceOnPlateau> plateau,
                               PreparedData data) { }

    /**
     * Evaluates, records, keeps the best parameters, and asks the callbacks (reduce-on-plateau among them).
     *
     * @return the state after the evaluation
     */
    private LoopState check(LoopState s, JobSpec spec, Evaluations evals, TrainListener listener, int epoch, int rounds,
                            double lr, double trainLoss, double samplesPerSecond, double seconds, boolean partial) {
        return check(s, spec, evals, listener, epoch, rounds, lr, trainLoss, samplesPerSecond, seconds, partial, null);
    }

    /**
     * @param given the validation and train-sample metrics of {@code s.params()} when a task already
     *     evaluated them; null evaluates them here
     */
    private LoopState check(LoopState s, JobSpec spec, Evaluations evals, TrainListener listener, int epoch, int rounds,
                            double lr, double trainLoss, double samplesPerSecond, double seconds, boolean partial,
                            Metrics[] given) {
        JobSpec.Training t = spec.training();
        JobSpec.EarlyStopping es = t.earlyStopping();
        Metrics[] both = given != null ? given : evaluateBoth(evals.validation(), evals.valTask(), evals.trainSample(),
                evals.trainTask(), s.params());
        Metrics val = forecast(both[0], evals.data());
        Metrics onTrain = forecast(both[1], evals.data());
        EpochRecord rec = new EpochRecord(epoch + 1, trainLoss, val.values().getOrDefault("loss", Double.NaN),
                val.values(), lr, samplesPerSecond, seconds, rounds, partial, onTrain.values());
        listener.onEpoch(rec);
        double monitored = monitored(val, es.monitor());
        boolean improved = s.bestEpoch() == 0 || (Double.isFinite(monitored)
                && (es.maximize() ? monitored > s.bestValue() + es.minDelta() : monitored < s.bestValue() - es.minDelta()));
        LoopState after = s.evaluated(rec, val, monitored, improved, !es.restoreBest());
        TrialCallback.Evaluation ev = new TrialCallback.Evaluation(rec, t.epochs(), after.sinceBest(), after.history());
        // every callback hears every evaluation (a pruner keeps its own record); the first stop decides
        Decision decided = Decision.CONTINUE;
        for (TrialCallback c : evals.deciders()) {
            Decision d = c.afterEvaluation(ev);
            if (!(decided instanceof Decision.Stop)) {
                decided = d instanceof Decision.Continue ? decided : d;
            }
        }
        // the rate reduce-on-plateau decided is in its state, which the checkpoint keeps
        if (evals.plateau().isPresent()) {
            after = after.withPlateau(evals.plateau().get().state());
        }
        if (decided instanceof Decision.ChangeRate change && evals.plateau().isEmpty()) {
            throw new IllegalStateException("a callback changed the rate to " + change.lr() + " but the schedule "
                    + spec.training().schedule().type() + " sets every rate itself");
        }
        return decided instanceof Decision.Stop stop ? after.ended(stop.status(), stop.reason()) : after;
    }

    /** Most bytes of parameters and optimizer state the epochs of one task send back (each epoch's). */
    static final long FUSED_BYTES = 64L << 20;

    /** What {@link #epochsInOneTask} works with besides the state. */
    private record Fused(JobSpec spec, Evaluations evals, TrainListener listener, RoundExecutor rounds, ShardPlan plan,
                         LrSchedule schedule, Cadence cadence, int maxBatches, int period, long start,
                         Optional<Checkpoint> resume) { }

    /**
     * Trains a one-worker run's next {@code n} epochs in one task, then goes through them in order
     * as if each had been a round and an evaluation of its own: the same records, callbacks and
     * checkpoints. Epochs after one that stops the run, or after which the rate of the next one
     * changes (reduce-on-plateau), are dropped unrecorded; the next task starts from the state the
     * kept ones ended in, so the results equal those of one round per epoch.
     */
    private LoopState epochsInOneTask(LoopState s, Fused f, int n, WorkerTask first) {
        int epoch = first.epoch();
        boolean varies = f.schedule().varies();
        double[] rates = new double[n];
        for (int k = 0; k < n; k++) {
            rates[k] = varies ? f.schedule().rate(epoch + k, 0, s.plateau()) : Double.NaN;
        }
        Evaluations evals = f.evals();
        // the kernel takes every epoch's rate from rates, the first's too
        EpochsTask epochs = new EpochsTask(first, rates, f.cadence().nanosLeft(clock.millis()), evals.valTask(),
                evals.validation().getNumPartitions(), evals.trainTask(), evals.trainSample().getNumPartitions());
        long c0 = System.nanoTime();
        List<EpochResult> done = f.rounds().runEpochs(f.plan().train(epoch), epochs,
                new ModelState(s.params(), s.updater(), s.pendingWorkerUpdaters()), first.trialId() + "#" + epoch + "#e#");
        long computed = done.stream().mapToLong(e -> e.round().computeNanos()).sum();
        // what the task spent outside training (evaluations, the job itself), shared out evenly
        long besides = Math.max(0, System.nanoTime() - c0 - computed) / done.size();
        JobSpec.Training t = f.spec().training();
        for (int k = 0; k < done.size(); k++) {
            int e = epoch + k;
            PartitionResult r = done.get(k).round();
            double lr = f.schedule().rate(e, 0, s.plateau());
            long wall = r.computeNanos() + besides;
            s = s.handedOut().counted(f.maxBatches());
            f.listener().onRound(new RoundStats(e + 1, 0, 1, f.maxBatches(), r.samples(),
                    4L * (s.params().length + s.updater().length), 0, r.fetchNanos(), r.computeNanos(), wall));
            Optional<Decision.Stop> stopped = afterRound(evals.deciders(), new TrialCallback.Round(e + 1, 0, lr, r.finite()));
            if (stopped.isPresent()) {
                // the kept parameters stand, as after any round a callback stopped
                s = s.ended(stopped.get().status(), stopped.get().reason());
                f.listener().onCheckpoint(s.checkpoint(f.spec(), 1, f.period(), priorSeconds(f.resume()) + since(f.start())));
                return s;
            }
            s = s.stepped(r.params(), first.shareUpdater() ? r.updaterState() : s.updater(), s.velocity());
            EpochResult er = done.get(k);
            Metrics[] given = er.evaluated()
                    ? new Metrics[] {er.validation().result(), er.sample().result()} : null;
            s = check(s, f.spec(), evals, f.listener(), e, 1, lr, r.lossSum() / r.samples(), r.samples() / (wall / 1e9),
                    wall / 1e9, false, given);
            s = s.epochsDone(e + 1);
            if (s.status() == Status.RUNNING && s.epochsDone() == t.epochs()) {
                s = s.ended(Status.COMPLETED, "");
            }
            if (s.status() != Status.RUNNING || f.cadence().due(s.epochsDone(), clock.millis())) {
                f.listener().onCheckpoint(s.checkpoint(f.spec(), 1, f.period(), priorSeconds(f.resume()) + since(f.start())));
                f.cadence().saved(s.epochsDone(), clock.millis());
            }
            if (s.status() != Status.RUNNING) {
                return s;
            }
            if (k + 1 < done.size() && varies && f.schedule().rate(e + 1, 0, s.plateau()) != rates[k + 1]) {
                return s; // the next epoch trained at a rate this one's evaluation changed: train it again
            }
        }
        return s;
    }

    /**
     * When checkpoints are due: once {@code cluster.checkpoint_every_epochs} epochs or
     * {@code checkpoint_every_seconds} seconds have passed since the last one (0: not by that
     * measure).
     */
    static final class Cadence {
        private final int everyEpochs;
        private final double everySeconds;
        private int lastEpochs;
        private long lastMillis;

        /**
         * @param everyEpochs epochs between checkpoints (0: by time only)
         * @param everySeconds seconds between checkpoints (0: by epochs only)
         * @param epochsDone the epochs done when the run starts (a resumed run's checkpoint)
         * @param now the clock's time then, in milliseconds
         */
        Cadence(int everyEpochs, double everySeconds, int epochsDone, long now) {
            this.everyEpochs = everyEpochs;
            this.everySeconds = everySeconds;
            this.lastEpochs = epochsDone;
            this.lastMillis = now;
        }

        /** @return whether a checkpoint is due with this many epochs done at this time */
        boolean due(int epochsDone, long now) {
            return (everyEpochs > 0 && epochsDone - lastEpochs >= everyEpochs)
                    || (everySeconds > 0 && now - lastMillis >= everySeconds * 1000);
        }

        /** Notes a checkpoint written. */
        void saved(int epochsDone, long now) {
            lastEpochs = epochsDone;
            lastMillis = now;
        }

        /** @return epochs until the next checkpoint by count, starting at {@code epoch} (at least 1) */
        int epochsLeft(int epoch) {
            return everyEpochs > 0 ? Math.max(1, everyEpochs - (epoch - lastEpochs)) : Integer.MAX_VALUE;
        }

        /** @return nanoseconds until the next checkpoint by time (at least 1; 0: no limit by time) */
        long nanosLeft(long now) {
            return everySeconds > 0 ? Math.max(1, (long) ((everySeconds * 1000 - (now - lastMillis)) * 1e6)) : 0;
        }
    }

    /**
     * Asks every callback about a round; the first stop ends the trial.
     *
     * @return the stop, if one came (the round's parameters are then not applied)
     */
    private static Optional<Decision.Stop> afterRound(List<TrialCallback> deciders, TrialCallback.Round r) {
        Decision decided = Decision.CONTINUE;
        for (TrialCallback c : deciders) {
            Decision d = c.afterRound(r);
            if (decided instanceof Decision.Continue && d instanceof Decision.Stop) {
                decided = d;
            } else if (d instanceof Decision.ChangeRate) {
                throw new IllegalStateException("a callback changed the rate after a round; rates change after evaluations");
            }
        }
        if (decided instanceof Decision.Stop stop) {
            return Optional.of(stop);
        }
        if (!r.finite()) {
            throw new IllegalStateException("no callback stopped a trial whose round " + r.round() + " of epoch "
                    + r.epoch() + " is not finite");
        }
        return Optional.empty();
    }

    private static double monitored(Metrics val, String monitor) {
        // the loss is a metric like the others: the evaluation reports it as "loss"
        return val.values().getOrDefault(io.spindle.driver.spec.Metric.find(monitor)
                .orElseThrow(() -> new IllegalStateException("the spec parser admitted monitor " + monitor)).spelling(),
                Double.NaN);
    }

    /** Parameters and the outer optimizer's velocity after a round. */
    private record Stepped(float[] params, float[] velocity) { }

    /** Applies the averaged parameters: as they are, or through the outer Nesterov step. */
    private static Stepped step(float[] params, float[] velocity, float[] averaged, JobSpec.OuterOptimizer outer) {
        if (!outer.nesterov()) {
            return new Stepped(averaged, velocity);
        }
        INDArray current = Nd4j.createFromArray(params);
        INDArray delta = Nd4j.createFromArray(averaged).subi(current);
        INDArray v = Nd4j.createFromArray(velocity).muli(outer.momentum()).addi(delta);
        float[] nextVelocity = v.toFloatVector();
        return new Stepped(current.addi(delta.addi(v.muli(outer.momentum())).muli(outer.lr())).toFloatVector(), nextVelocity);
    }

    private static boolean finite(float[] params) {
        return Double.isFinite(Nd4j.createFromArray(params).sumNumber().doubleValue());
    }

    private double since(long start) {
        return (clock.millis() - start) / 1000.0;
    }

    private static double priorSeconds(Optional<Checkpoint> resume) {
        return resume.map(Checkpoint::seconds).orElse(0.0);
    }

    /**
     * Combines one result per partition in partition order: taken from memory when the tasks ran
     * in this JVM (local mode, {@link LocalHandoff}), else collected directly for up to
     * {@link #FAN_IN} workers, otherwise first combined in groups of {@code FAN_IN} consecutive
     * partitions on the executors (the shape of Spark's treeAggregate, with a fixed order).
     */
    static PartitionResult aggregate(JavaRDD<PartitionResult> perPartition, int workers, Optional<String> handedOver) {
        if (handedOver.isPresent()) {
            List<PartitionResult> stubs = perPartition.collect();
            List<PartitionResult> full = new ArrayList<>(stubs.size());
            for (int i = 0; i < stubs.size(); i++) {
                full.add(LocalHandoff.take(handedOver.get() + i, PartitionResult.class));
            }
            return PartitionResult.combine(full);
        }
        if (workers <= FAN_IN) {
            return PartitionResult.combine(perPartition.collect());
        }
        int groups = (workers + FAN_IN - 1) / FAN_IN;
        List<Tuple2<Integer, PartitionResult>> partial = perPartition
                .mapPartitionsWithIndex((i, it) -> {
                    List<Tuple2<Integer, Tuple2<Integer, PartitionResult>>> out = new ArrayList<>();
                    it.forEachRemaining(r -> out.add(new Tuple2<>(i / FAN_IN, new Tuple2<>(i, r))));
                    return out.iterator();
                }, true)
                .mapToPair(x -> x)
                .groupByKey(groups)
                .mapValues(parts -> {
                    List<Tuple2<Integer, PartitionResult>> sorted = new ArrayList<>();
                    parts.forEach(sorted::add);
                    sorted.sort(Comparator.comparingInt(Tuple2::_1));
                    return PartitionResult.combine(sorted.stream().map(Tuple2::_2).toList());
                })
                .collect();
        List<Tuple2<Integer, PartitionResult>> sorted = new ArrayList<>(partial);
        sorted.sort(Comparator.comparingInt(Tuple2::_1));
        return PartitionResult.combine(sorted.stream().map(Tuple2::_2).toList());
    }

    private static float[][] workerUpdaters(JavaRDD<Block> train, String trialId) {
        List<Tuple2<Integer, float[]>> states = train.mapPartitionsWithIndex((i, it) ->
                Collections.singletonList(new Tuple2<>(i, TrainingKernel.updaterState(trialId, i))).iterator(), true)
                .collect();
        float[][] out = new float[states.size()][];
        states.forEach(x -> out[x._1()] = x._2());
        return out;
    }

    /** @return the metrics, with MASE when the rows are windows of a series */
    private static Metrics forecast(Metrics m, PreparedData data) {
        return data.forecast().map(f -> io.spindle.driver.data.Windows.withMase(m, f.maseScale())).orElse(m);
    }

    /**
     * Evaluates the same parameters on two splits in one Spark job (a union of their partitions,
     * each partition evaluated with its own split's task); each split's partition results are
     * merged in partition order, so the metrics never depend on which task finished first.
     *
     * @return the first split's metrics, then the second's
     */
    static Metrics[] evaluateBoth(JavaRDD<Block> a, EvalTask taskA, JavaRDD<Block> b, EvalTask taskB, float[] params) {
        int na = a.getNumPartitions();
        List<Tuple2<Integer, MetricsAccumulator>> parts = a.union(b).mapPartitionsWithIndex((i, it) ->
                Collections.singletonList(new Tuple2<>(i, i < na ? EvaluationKernel.evaluate(i, it, taskA, params)
                        : EvaluationKernel.evaluate(i - na, it, taskB, params))).iterator(), true).collect();
        MetricsAccumulator[] merged = new MetricsAccumulator[2];
        parts.stream().sorted(Comparator.comparingInt(Tuple2::_1)).forEach(p -> {
            int side = p._1() < na ? 0 : 1;
            merged[side] = merged[side] == null ? p._2() : merged[side].merge(p._2());
        });
        if (merged[0] == null || merged[1] == null) {
            throw new IllegalStateException("an evaluation had no partition: " + a.getNumPartitions() + " + "
                    + b.getNumPartitions());
        }
        return new Metrics[] {merged[0].result(), merged[1].result()};
    }

    private static Metrics evaluate(JavaRDD<Block> rows, EvalTask task, float[] params) {
        return rows.mapPartitionsWithIndex((i, it) ->
                Collections.singletonList(EvaluationKernel.evaluate(i, it, task, params)).iterator(), true)
                .reduce(MetricsAccumulator::merge).result();
    }

    /**
     * The workers a spec trains on: {@code cluster.workers}, by default the executor cores; in
     * local mode never more than its cores (more would queue tasks behind each other every round).
     *
     * @param spec the spec
     * @param sc the Spark context
     * @param warn receives a message when the spec's count is lowered
     * @return the number of workers
     */
    public static int workers(JobSpec spec, JavaSparkContext sc, Consumer<String> warn) {
        int cores = sc.defaultParallelism();
        int wanted = spec.cluster().workers().orElse(cores);
        String master = sc.master();
        if (master.startsWith("local") && wanted > cores) {
            warn.accept("cluster.workers " + wanted + " is more than the " + cores + " cores of " + master
                    + "; training with " + cores + " workers (set cluster.workers <= " + cores + ", or run on a cluster)");
            return cores;
        }
        return wanted;
    }

    /**
     * The default averaging period: enough minibatches for at least {@link #ROUND_SECONDS} of
     * compute per round at {@link #ASSUMED_FLOPS}, and for {@link #FLOPS_PER_STATE_BYTE} operations
     * per byte of state the round moves. A minibatch's operations are estimated from the parameter
     * count (about 6 per parameter and row for a forward and backward pass). It derives from the
     * model only, never from timings, so runs with the same spec average at the same points.
     *
     * @param numParams parameters of the network
     * @param stateBytes bytes of parameters and shared updater state
     * @param batchSize rows per minibatch
     * @param maxBatches minibatches in the largest shard's epoch
     * @return minibatches per round, between 1 and an epoch
     */
    static int defaultPeriod(long numParams, long stateBytes, int batchSize, int maxBatches) {
        double flopsPerBatch = 6.0 * numParams * batchSize;
        double k = Math.max(ROUND_SECONDS * ASSUMED_FLOPS, FLOPS_PER_STATE_BYTE * stateBytes) / flopsPerBatch;
        return (int) Math.max(1, Math.min(Math.ceil(k), maxBatches));
    }

    /**
     * Splits the train split into one shard per worker: every block is cut into {@code workers}
     * contiguous slices, slice {@code s} of block {@code g} going to shard {@code (g + s) % workers},
     * and each shard keeps its slices in block order. Shards differ by at most a row per block,
     * and are the same on every run. With a deal seed, each block's rows are first permuted by a
     * permutation drawn from the seed and the block, so the rows are dealt to the shards anew
     * while every shard keeps its size.
     *
     * @param rows the train split
     * @param workers shards wanted
     * @param deal seed of the deal of rows to shards; empty: rows stay in block order
     * @return an RDD with one partition per shard
     */
    static JavaRDD<Block> shard(JavaRDD<Block> rows, int workers, OptionalLong deal) {
        if (workers == 1 && deal.isEmpty()) {
            return rows.getNumPartitions() == 1 ? rows : rows.coalesce(1, false);
        }
        boolean dealt = deal.isPresent(); // OptionalLong is not serializable: the closure takes plain values
        long dealSeed = deal.orElse(0);
        return rows.zipWithIndex().flatMapToPair(x -> {
            long g = x._2();
            Block b = dealt ? permuted(x._1(), Batches.mix(dealSeed, g, 0)) : x._1();
            List<Tuple2<Long, Block>> out = new ArrayList<>(workers);
            int fw = b.featureWidth();
            int lw = b.labelWidth();
            for (int s = 0; s < workers; s++) {
                int from = (int) ((long) b.rows() * s / workers);
                int to = (int) ((long) b.rows() * (s + 1) / workers);
                if (to > from) {
                    Block slice = new Block(Arrays.copyOfRange(b.features(), from * fw, to * fw),
                            Arrays.copyOfRange(b.labels(), from * lw, to * lw), to - from,
                            b.offsets().length == 0 ? b.offsets() : Arrays.copyOfRange(b.offsets(), from * lw, to * lw));
                    out.add(new Tuple2<>(((g + s) % workers) << 40 | g, slice));
                }
            }
            return out.iterator();
        }).repartitionAndSortWithinPartitions(new ShardPartitioner(workers)).values();
    }

    /** @return the block with its rows in a seeded random order (whole rows move; the values are untouched) */
    private static Block permuted(Block b, long seed) {
        int[] order = Batches.epochOrder(b.rows(), seed, 0, 0);
        int fw = b.featureWidth();
        int lw = b.labelWidth();
        float[] f = new float[b.features().length];
        float[] l = new float[b.labels().length];
        float[] o = new float[b.offsets().length];
        for (int i = 0; i < order.length; i++) {
            System.arraycopy(b.features(), order[i] * fw, f, i * fw, fw);
            System.arraycopy(b.labels(), order[i] * lw, l, i * lw, lw);
            if (o.length > 0) {
                System.arraycopy(b.offsets(), order[i] * lw, o, i * lw, lw);
            }
        }
        return new Block(f, l, b.rows(), o);
    }

    /** Sends key {@code shard << 40 | block} to partition {@code shard}. */
    static final class ShardPartitioner extends Partitioner {
        private static final long serialVersionUID = 1L;
        private final int shards;

        ShardPartitioner(int shards) {
            this.shards = shards;
        }

        @Override
        public int numPartitions() {
            return shards;
        }

        @Override
        public int getPartition(Object key) {
            return (int) ((Long) key >>> 40);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof ShardPartitioner p && p.shards == shards;
        }

        @Override
        public int hashCode() {
            return shards;
        }
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
