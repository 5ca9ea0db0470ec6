package io.spindle.driver.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.spindle.driver.data.DataLoader;
import io.spindle.driver.data.PreparedData;
import io.spindle.driver.model.ModelBuilder;
import io.spindle.driver.results.DeltaResultStore;
import io.spindle.driver.results.ResultRows;
import io.spindle.driver.results.TableWriter;
import io.spindle.driver.spec.JobSpec;
import io.spindle.driver.spec.SpecTrees;
import io.spindle.driver.sweep.Config;
import io.spindle.driver.sweep.Decision;
import io.spindle.driver.sweep.Limited;
import io.spindle.driver.sweep.Outcome;
import io.spindle.driver.sweep.Proposal;
import io.spindle.driver.sweep.SearchStrategies;
import io.spindle.driver.sweep.SweepSpec;
import io.spindle.driver.sweep.TrialHistory;
import io.spindle.driver.sweep.TrialScheduler;
import io.spindle.driver.sweep.TrialSchedulers;
import io.spindle.driver.train.Checkpoint;
import io.spindle.driver.train.EpochRecord;
import io.spindle.driver.train.TrainListener;
import io.spindle.driver.train.TrainResult;
import io.spindle.driver.train.Status;
import io.spindle.driver.train.Trainer;
import io.spindle.driver.train.TrialCallback;
import io.spindle.kernels.eval.Metrics;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;

/**
 * {@code spindle sweep}: the search-strategy loop on Spark. Keeps {@code parallel_trials} trials
 * training at once, each from its own thread and FAIR scheduler pool (so their Spark jobs run side
 * by side), asks the search strategy for a new trial whenever one ends, feeds every finished epoch
 * to the trial scheduler (which may prune the trial), writes each trial's rows as they come, and
 * never lets a failing or diverging trial stop the sweep. Nothing is retrained at the end: the best
 * trial's parameters at its best epoch go to {@code DIR/best/} and are evaluated once on the test
 * split, so the test metrics stay an unbiased estimate.
 *
 * <p>The folder: {@code sweep.json} (the resolved sweep, to check a resume against),
 * {@code sweep-state.json} (strategy and scheduler snapshots and every trial's config and status,
 * rewritten whenever a trial starts or ends), {@code trials/<id>/checkpoint.bin},
 * {@code tables/}, {@code best/} and {@code summary.json}. After a crash, {@code --resume} restores
 * the strategy and scheduler, re-runs no finished trial, and restarts the running ones from their
 * last checkpoint.
 */
public final class SweepJob {

    /** The resolved sweep a folder was made by. */
    public static final String SWEEP = "sweep.json";
    /** The sweep's state: strategy, scheduler and trials. */
    public static final String STATE = "sweep-state.json";
    /** The best trial's model, summary and test predictions. */
    public static final String BEST = "best";
    /** Per-trial folders (checkpoints). */
    public static final String TRIALS = "trials";

    /**
     * How {@code spindle sweep} treats its output folder and how often it prints the sweep's status.
     *
     * @param overwrite replace an existing output folder
     * @param resume continue the sweep in the output folder
     * @param progressEvery least time between two status lines (zero: after every trial)
     */
    public record Options(boolean overwrite, boolean resume, Duration progressEvery) { }

    /** What the output folder's lock names as its holder. */
    static final String COMMAND = "spindle sweep";

    private final SparkSession spark;
    private final JavaSparkContext sc;
    private final SweepSpec sweep;
    private final OutputDir dir;
    private final PrintWriter out;
    private final Options options;
    private final String sweepId;
    private final TableWriter tables;
    private final Limited strategy;
    private final Optional<TrialScheduler> scheduler;
    /** Every trial asked for, in order. */
    private final Map<String, Trial> trials;
    private final double priorSeconds;
    private final long started = System.nanoTime();
    private final Map<String, Prepared> data = new HashMap<>();
    private long lastStatus = Long.MIN_VALUE;
    private final java.util.concurrent.atomic.AtomicBoolean warned = new java.util.concurrent.atomic.AtomicBoolean();

    /** One trial's bookkeeping, as {@code sweep-state.json} keeps it. */
    private static final class Trial {
        final String id;
        final Config config;
        Status status = Status.RUNNING;
        double value = Double.NaN;
        int epochs;
        int bestEpoch;
        String diagnosis = "";
        /** The epoch a trial promoted in this run continues after (0: not promoted in this run). */
        int promotedAfter;

        Trial(String id, Config config) {
            this.id = id;
            this.config = config;
        }

        /** @return whether the trial ended (a trial a signal stopped is not: --resume continues it) */
        boolean finished() {
            return status.finished();
        }
    }

    /** Data loaded once per distinct data section, with its class counts. */
    private record Prepared(PreparedData data, long[] counts) { }

    private SweepJob(SparkSession spark, SweepSpec sweep, OutputDir dir, PrintWriter out, Options options, String sweepId,
                     Limited strategy, Optional<TrialScheduler> scheduler, Map<String, Trial> trials, double priorSeconds) {
        this.spark = spark;
        this.sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        this.sweep = sweep;
        this.dir = dir;
        this.out = out;
        this.options = options;
        this.sweepId = sweepId;
        this.strategy = strategy;
        this.scheduler = scheduler;
        this.trials = trials;
        this.priorSeconds = priorSeconds;
        this.tables = new TableWriter(new DeltaResultStore(spark, dir.path()));
    }

    /**
     * Runs (or resumes) a sweep.
     *
     * @param spark the session
     * @param sweep the resolved sweep
     * @param output output folder (path or Hadoop FS URI)
     * @param options output folder handling and progress
     * @param out where progress lines go
     * @return the sweep's summary (also written to {@code summary.json})
     * @throws OutputDir.OutputException when the folder cannot be used or another process holds it
     *     (nothing is written then)
     */
    public static ObjectNode run(SparkSession spark, SweepSpec sweep, String output, Options options, PrintWriter out) {
        if (options.resume() && options.overwrite()) {
            throw new OutputDir.OutputException("--resume continues the sweep in " + output + " and --overwrite replaces"
                    + " it; pass one of them");
        }
        OutputLock lock = null; // held from the moment the folder is claimed until the sweep ends
        try {
            org.apache.hadoop.conf.Configuration hadoop = spark.sparkContext().hadoopConfiguration();
            ObjectNode identity = identity(sweep);
            OutputDir dir;
            String sweepId;
            Limited strategy = sweep.newStrategy();
            Optional<TrialScheduler> scheduler = sweep.newScheduler();
            Map<String, Trial> trials = new LinkedHashMap<>();
            double prior = 0;
            if (options.resume()) {
                dir = OutputDir.existing(output, hadoop);
                lock = dir.lock(COMMAND);
                JsonNode before = TrainJob.resumable(dir, output, SWEEP, "sweep", "sweep_spec", "sweep spec", identity);
                sweepId = before.path("sweep_id").asText();
                if (dir.exists("summary.json")) {
                    out.println(sweepId + ": the sweep in " + dir.path() + " has already finished; nothing to resume");
                    out.flush();
                    return dir.read("summary.json", in -> (ObjectNode) SpecTrees.MAPPER.readTree(in));
                }
                if (dir.exists(STATE)) {
                    JsonNode state = dir.read(STATE, in -> SpecTrees.MAPPER.readTree(in));
                    try {
                        strategy = (Limited) SearchStrategies.restore(sweep.space(), state.get("strategy"));
                        if (scheduler.isPresent()) {
                            scheduler = Optional.of(TrialSchedulers.restore(state.get("scheduler")));
                        }
                        for (JsonNode t : state.get("trials")) {
                            Trial trial = new Trial(t.get("id").asText(), Config.fromJson(t.get("config")));
                            trial.status = Status.valueOf(t.get("status").asText());
                            trial.value = t.get("value").isNumber() ? t.get("value").asDouble() : Double.NaN;
                            trial.epochs = t.get("epochs").asInt();
                            trial.bestEpoch = t.get("best_epoch").asInt();
                            trial.diagnosis = t.path("diagnosis").asText("");
                            trials.put(trial.id, trial);
                        }
                        prior = state.path("seconds").asDouble();
                    } catch (RuntimeException e) {
                        throw new OutputDir.OutputException("--resume: " + dir.path() + "/" + STATE + " cannot be read ("
                                + e.getMessage() + "); start the sweep afresh with --overwrite");
                    }
                }
            } else {
                dir = OutputDir.check(output, options.overwrite(), hadoop);
                lock = dir.create(COMMAND);
                sweepId = TrainJob.runId(sweep.base().name());
                ObjectNode provenance = Provenance.of(sweep.base(), sweepId);
                provenance.put("sweep_id", sweepId);
                provenance.set("sweep_spec", identity);
                dir.write(SWEEP, o -> SpecTrees.MAPPER.writerWithDefaultPrettyPrinter().writeValue(o, provenance));
            }
            SweepJob job = new SweepJob(spark, sweep, dir, out, options, sweepId, strategy, scheduler, trials, prior);
            return job.run();
        } finally {
            if (lock != null) {
                lock.close();
            }
        }
    }

    /** What a resumed sweep must match: the job spec every trial starts from, and the sweep settings. */
    private static ObjectNode identity(SweepSpec sweep) {
        ObjectNode o = SpecTrees.MAPPER.createObjectNode();
        o.set("spec", sweep.base().resolved());
        o.set("sweep", sweep.toJson());
        return o;
    }

    private ObjectNode run() {
        ExecutorService pool = Executors.newFixedThreadPool(sweep.parallelTrials(), new java.util.concurrent.ThreadFactory() {
            private final AtomicInteger n = new AtomicInteger();

            @Override
            public Thread newThread(Runnable r) {
                Thread t = new Thread(r, "spindle-trial-" + n.getAndIncrement());
                t.setDaemon(true);
                return t;
            }
        });
        ExecutorCompletionService<String> done = new ExecutorCompletionService<>(pool);
        try {
            out.printf(Locale.ROOT, "%s: %s search, up to %s trials, %d at once, %d worker%s each; metric val_%s (%s)%s%n",
                    sweepId, sweep.strategy(), sweep.trials() == Integer.MAX_VALUE ? "all grid" : String.valueOf(sweep.trials()),
                    sweep.parallelTrials(), sweep.workersPerTrial(), sweep.workersPerTrial() == 1 ? "" : "s",
                    sweep.metric(), sweep.mode().name().toLowerCase(Locale.ROOT),
                    sweep.scheduler().type().equals("none") ? "" : "; " + sweep.scheduler().type() + " pruning from epoch "
                            + sweep.scheduler().minEpochs());
            sweep.base().warnings().forEach(w -> out.println("warning: " + w));
            int cores = sc.defaultParallelism();
            if (sweep.parallelTrials() * sweep.workersPerTrial() > cores) {
                out.printf(Locale.ROOT, "warning: sweep.parallel_trials %d x workers_per_trial %d is more than the %d cores"
                        + " of %s: trials wait for each other's tasks and each runs slower (set sweep.parallel_trials"
                        + " <= %d, or run on a cluster)%n", sweep.parallelTrials(), sweep.workersPerTrial(), cores,
                        sc.master(), Math.max(1, cores / sweep.workersPerTrial()));
            }
            out.flush();
            int running = 0;
            synchronized (this) {
                rewriteFinishedRows();
                for (Trial t : trials.values()) {
                    if (!t.finished()) {
                        t.status = Status.RUNNING;
                        submit(done, t, true);
                        running++;
                    }
                }
            }
            boolean exhausted = false;
            boolean spent = false;
            while (true) {
                synchronized (this) {
                    while (!spent && running < sweep.parallelTrials() && !Shutdown.requested()) {
                        // the first trial always runs: a budget smaller than the setup still gives a result
                        if (!trials.isEmpty() && seconds() >= sweep.timeBudgetSeconds().orElse(Double.POSITIVE_INFINITY)) {
                            out.printf(Locale.ROOT, "time budget of %s s spent: no new trials%n",
                                    plain(sweep.timeBudgetSeconds().getAsDouble()));
                            spent = true;
                            break;
                        }
                        // a paused trial the scheduler promotes goes before a new one (ASHA's promotion form)
                        Optional<Trial> promoted = promoted();
                        if (promoted.isPresent()) {
                            submit(done, promoted.get(), true);
                            running++;
                            continue;
                        }
                        if (exhausted || !strategy.hasCapacity()) {
                            break;
                        }
                        Optional<Proposal> p = strategy.ask();
                        if (p.isEmpty()) {
                            exhausted = true;
                            break;
                        }
                        Trial t = new Trial(p.get().trialId(), p.get().config());
                        trials.put(t.id, t);
                        saveState();
                        out.println(t.id + " starts: " + describe(t.config));
                        out.flush();
                        submit(done, t, false);
                        running++;
                    }
                }
                if (running == 0) {
                    break;
                }
                try {
                    done.take().get();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while trials were running", e);
                } catch (ExecutionException e) {
                    // a trial's own failures are caught in it; this is a bug in the runner
                    throw new IllegalStateException("sweep runner: " + e.getCause(), e.getCause());
                }
                running--;
            }
        } finally {
            pool.shutdownNow();
        }
        try {
            long stopped = trials.values().stream().filter(t -> !t.finished()).count();
            if (stopped > 0) {
                // a signal stopped these trials: their rows are committed, their checkpoints kept
                synchronized (this) {
                    saveState();
                }
                tables.close();
                ObjectNode s = SpecTrees.MAPPER.createObjectNode();
                s.put("sweep_id", sweepId);
                s.put("status", Status.INTERRUPTED.name());
                s.put("interrupted_trials", stopped);
                s.put("finished_trials", trials.size() - stopped);
                return s;
            }
            return finish();
        } finally {
            synchronized (data) {
                data.values().forEach(d -> {
                    d.data().train().unpersist(false);
                    d.data().validation().unpersist(false);
                    releaseCached(sc, d.data());
                });
            }
        }
    }

    /**
     * @return a trial the scheduler paused at a rung and now promotes, marked running (its state
     *     saved), or empty when it promotes none
     */
    private Optional<Trial> promoted() {
        if (scheduler.isEmpty()) {
            return Optional.empty();
        }
        while (true) {
            Optional<String> id = scheduler.get().promote();
            if (id.isEmpty()) {
                return Optional.empty();
            }
            Trial t = trials.get(id.get());
            // a trial that ended otherwise at the rung (failed, diverged, early stopping) stays ended
            if (t != null && t.status == Status.PRUNED) {
                t.status = Status.RUNNING;
                t.promotedAfter = t.epochs;
                saveState();
                return Optional.of(t);
            }
        }
    }

    private void submit(ExecutorCompletionService<String> done, Trial t, boolean resume) {
        done.submit(() -> {
            train(t, resume);
            return t.id;
        });
    }

    /** Trains one trial in the calling thread; every failure ends as the trial's status. */
    private void train(Trial t, boolean resume) {
        // each trial's jobs in their own FAIR pool: a trial's short jobs never wait behind another's
        sc.setLocalProperty("spark.scheduler.pool", Thread.currentThread().getName());
        JobSpec spec = sweep.base();
        OutputDir tdir = dir.child(TRIALS + "/" + t.id);
        try {
            spec = trialSpec(t.config);
            Prepared d = prepared(spec);
            MultiLayerConfiguration conf = ModelBuilder.build(spec, d.data().layout(), d.counts());
            Optional<Checkpoint> checkpoint = resume ? TrainJob.readCheckpoint(tdir) : Optional.empty();
            // a trial paused at a rung and promoted since goes on from that rung's checkpoint
            checkpoint = checkpoint.map(c -> c.status() == Status.PRUNED && promoted(t.id, c.epochsDone()) ? c.reopened() : c);
            if (t.promotedAfter > 0) {
                out.println(t.id + " promoted: goes on from epoch " + t.promotedAfter);
                out.flush();
                t.promotedAfter = 0;
            } else if (resume) {
                out.println(t.id + " resumes " + checkpoint.map(c -> "from its checkpoint after epoch " + c.epochsDone())
                        .orElse("from its first epoch (no checkpoint yet)") + ": " + describe(t.config));
                out.flush();
            }
            List<Double> values = new ArrayList<>();
            checkpoint.ifPresent(c -> c.history().stream().filter(e -> !e.partial()).forEach(e -> values.add(metric(e))));
            // the sweep's scheduler hears every whole epoch's metric and may prune the trial
            TrialCallback pruner = TrialCallback.pruner(e -> {
                values.add(metric(e));
                return decide(t.id, values);
            }, this::horizon);
            TrainListener progress = new TrainListener() {
                @Override
                public void onWarning(String message) {
                    if (warned.compareAndSet(false, true)) {
                        out.println("warning: " + message); // the same for every trial: said once
                    }
                }
            };
            List<TrialCallback> callbacks = new ArrayList<>(List.of(pruner));
            // once the sweep's time budget is spent, a running trial stops after its next evaluation (its best epoch kept)
            sweep.timeBudgetSeconds().ifPresent(b -> callbacks.add(TrialCallback.deadline(Clock.systemUTC(),
                    java.time.Instant.now().plusMillis((long) (1000 * Math.max(0, b - seconds()))),
                    "the sweep's time budget of " + plain(b) + " s was spent")));
            Trainer trainer = new Trainer(sc, Clock.systemUTC()).withoutTest().withStop(Shutdown::requested)
                    .withCallbacks(callbacks);
            TrialRunner.Ended ended;
            try {
                ended = TrialRunner.run(trainer, new TrialRunner.Trial(sweepId, t.id, spec, d.data(), conf, tdir), tables,
                        resume, checkpoint, progress);
            } catch (RuntimeException e) {
                // the runner wrote the FAILED row (a shutdown under the trial returns INTERRUPTED instead)
                ended(t, Status.FAILED, Double.NaN, Double.NaN, t.epochs, 0, TrialRunner.firstLine(e));
                return;
            }
            TrainResult r = ended.result();
            if (r.status() == Status.INTERRUPTED) {
                interrupted(t, ended.last());
                return;
            }
            // the doctor reads every finished trial: its codes go to the trial's row and the sweep state
            List<io.spindle.driver.doctor.Diagnosis> found = TrainJob.diagnose(spec, d.counts(), r);
            String codes = String.join(", ", found.stream().map(io.spindle.driver.doctor.Diagnosis::code).toList());
            // the codes, then the trainer's own reason (a diverged trial's rate, say)
            String diagnosis = found.isEmpty() ? r.diagnosis() : r.diagnosis().isEmpty() ? codes : codes + "; " + r.diagnosis();
            if (!found.isEmpty()) {
                tables.trial(ResultRows.trial(sweepId, t.id, spec, new ResultRows.Outcome(r.status(), r.epochsRun(),
                        r.bestEpoch(), Optional.ofNullable(r.validation()), Optional.empty(), diagnosis, r.seconds(),
                        EpochRecord.meanSamplesPerSecond(r.epochs()), "")));
            }
            double value = r.validation() == null ? Double.NaN : metric(r.validation());
            // the strategy hears a pruned trial's last value (what it reached when stopped), as its contract says
            double told = r.status() == Status.PRUNED && !values.isEmpty() ? values.get(values.size() - 1) : value;
            ended(t, r.status(), value, told, r.epochsRun(), r.bestEpoch(), diagnosis);
        } catch (RuntimeException e) {
            // the trial failed before training: its spec values, its data or its network
            Optional<Checkpoint> last = TrainJob.readCheckpoint(tdir);
            if (Shutdown.requested()) {
                // what failed was the process shutting down under the trial, not the trial
                TrialRunner.interrupted(tables, sweepId, t.id, spec, last);
                interrupted(t, last);
                return;
            }
            String message = TrialRunner.failed(tables, sweepId, t.id, spec, e, last);
            ended(t, Status.FAILED, Double.NaN, Double.NaN, last.map(Checkpoint::epochsDone).orElse(t.epochs), 0, message);
        }
    }

    /** Records a trial a signal stopped (its row says so already): resumable, not told to the strategy. */
    private synchronized void interrupted(Trial t, Optional<Checkpoint> last) {
        t.status = Status.INTERRUPTED;
        t.epochs = last.map(Checkpoint::epochsDone).orElse(0);
        saveState();
    }

    /**
     * Writes the finished trials' rows again from their checkpoints (the epochs in one commit): a
     * killed driver loses the rows its table writer had not committed yet, and a resumed sweep does
     * not run those trials again.
     */
    private void rewriteFinishedRows() {
        List<String> ids = new ArrayList<>();
        List<Map<String, Object>> epochs = new ArrayList<>();
        for (Trial t : trials.values()) {
            if (!t.finished()) {
                continue;
            }
            JobSpec spec;
            try {
                spec = trialSpec(t.config);
            } catch (RuntimeException e) {
                spec = sweep.base(); // a trial whose values the spec refused: it failed with that message
            }
            Optional<Checkpoint> c = TrainJob.readCheckpoint(dir.child(TRIALS + "/" + t.id));
            ids.add(t.id);
            c.ifPresent(x -> x.history().forEach(e -> epochs.add(ResultRows.epoch(sweepId, t.id, e))));
            ResultRows.Outcome o = c.map(TrialRunner::outcome).orElse(new ResultRows.Outcome(t.status, t.epochs, 0,
                    Optional.empty(), Optional.empty(), t.diagnosis, 0, 0, ""));
            tables.trial(ResultRows.trial(sweepId, t.id, spec, new ResultRows.Outcome(t.status, o.epochsRun(),
                    o.bestEpoch(), o.bestValidation(), Optional.empty(), t.diagnosis, o.wallSeconds(),
                    o.samplesPerSecond(), "")));
        }
        tables.replaceEpochs(sweepId, ids, epochs);
    }

    /**
     * A trial's spec: the base with the trial's values, its workers, the scheduler's epochs, and
     * the sweep metric as the metric that picks its best epoch.
     */
    private JobSpec trialSpec(Config config) {
        Map<String, Object> o = new LinkedHashMap<>(config.values());
        o.put("cluster.workers", sweep.workersPerTrial());
        if (!sweep.scheduler().type().equals("none")) {
            o.put("training.epochs", sweep.scheduler().maxEpochs());
        }
        o.put("training.early_stopping.monitor", "val_" + sweep.metric());
        if (!sweep.metric().equals("loss")) {
            o.put("metrics.select", sweep.metric());
        }
        return sweep.base().withOverrides(o);
    }

    private Prepared prepared(JobSpec spec) {
        // its own lock: loading runs Spark jobs, which must not hold up other trials' scheduler calls
        synchronized (data) {
            return data.computeIfAbsent(spec.resolved().get("data").toString(), k -> {
            PreparedData p = DataLoader.load(spark, spec.data());
            // every trial reads these: decoded once, kept until the sweep ends
            p.train().persist(org.apache.spark.storage.StorageLevel.MEMORY_AND_DISK());
            p.validation().persist(org.apache.spark.storage.StorageLevel.MEMORY_AND_DISK());
            long[] counts = TrainJob.classCounts(spec, p); // caches the train split's blocks
            TrainJob.dataWarnings(spec, p, counts).forEach(w -> out.println("warning: " + w));
            // cached before trials start: concurrent trials computing the same block at once make
            // Spark fetch it from a block manager that does not hold it yet
            p.validation().count();
            return new Prepared(p, counts);
            });
        }
    }

    private double metric(EpochRecord e) {
        return sweep.metric().equals("loss") ? e.valLoss() : e.validation().getOrDefault(sweep.metric(), Double.NaN);
    }

    private double metric(Metrics m) {
        return m.values().getOrDefault(sweep.metric(), Double.NaN);
    }

    /** @return whether the scheduler stops the trial after the epoch just recorded */
    /** @return how many epochs ahead the scheduler surely lets a trial with these epochs done go on */
    private synchronized int horizon(int epochsDone) {
        return scheduler.map(s -> s.horizon(epochsDone)).orElse(Integer.MAX_VALUE);
    }

    private synchronized boolean promoted(String id, int epochs) {
        return scheduler.map(s -> s.promoted(id, epochs)).orElse(false);
    }

    private synchronized boolean decide(String id, List<Double> values) {
        return scheduler.map(s -> s.decide(new TrialHistory(id, values)) == Decision.STOP).orElse(false);
    }

    /**
     * Records how a trial ended, tells the strategy, and saves the state.
     *
     * @param value the sweep metric at the trial's best epoch (ranks the trials)
     * @param told the value the strategy hears (a pruned trial's last value)
     */
    private synchronized void ended(Trial t, Status status, double value, double told, int epochs, int bestEpoch,
                                    String diagnosis) {
        t.status = status;
        t.value = value;
        t.epochs = epochs;
        t.bestEpoch = bestEpoch;
        t.diagnosis = diagnosis;
        Outcome.Status s = switch (status) {
            case PRUNED -> Outcome.Status.PRUNED;
            case DIVERGED -> Outcome.Status.DIVERGED;
            case FAILED -> Outcome.Status.FAILED;
            default -> Outcome.Status.COMPLETED;
        };
        if (strategy.pending(t.id)) {
            // a promoted trial's strategy heard its value when it paused (strategies hear each trial once)
            strategy.tell(t.id, new Outcome(told, s));
        }
        saveState();
        Optional<Trial> best = best();
        // ASHA's promotion form may continue a trial it stopped at a rung: it is paused there
        String how = status == Status.PRUNED && sweep.scheduler().promotion() ? "paused"
                : status.name().toLowerCase(Locale.ROOT);
        out.printf(Locale.ROOT, "%s %s after %d epoch%s: val_%s %s%s%s%n", t.id, how, epochs,
                epochs == 1 ? "" : "s", sweep.metric(), Double.isNaN(value) ? "-" : String.format(Locale.ROOT, "%.4f", value),
                best.isPresent() && best.get() == t ? "  (best so far)" : "",
                diagnosis.isEmpty() ? "" : "; " + diagnosis);
        long now = System.nanoTime();
        if (lastStatus == Long.MIN_VALUE || now - lastStatus >= options.progressEvery().toNanos()) {
            lastStatus = now;
            printStatus();
        }
        out.flush();
    }

    private String lastLine = "";

    private synchronized void printStatus() {
        String line = status();
        if (!line.equals(lastLine)) {
            out.println(line);
            lastLine = line;
        }
    }

    /** The sweep's status line: trials done, running, pruned, failed, and the best so far. */
    private String status() {
        long finished = trials.values().stream().filter(Trial::finished).count();
        long pruned = trials.values().stream().filter(x -> x.status == Status.PRUNED).count();
        long failed = trials.values().stream().filter(x -> x.status == Status.FAILED || x.status == Status.DIVERGED)
                .count();
        String budget = sweep.trials() == Integer.MAX_VALUE ? "" : "/" + sweep.trials();
        return String.format(Locale.ROOT, "sweep: %d%s done (%d pruned, %d failed or diverged), %d running; best %s; %.0f s",
                finished, budget, pruned, failed, trials.size() - finished,
                best().map(b -> b.id + " val_" + sweep.metric() + String.format(Locale.ROOT, " %.4f", b.value))
                        .orElse("none yet"), seconds());
    }

    /** The best finished trial by the sweep metric (ties: the earlier trial). */
    private synchronized Optional<Trial> best() {
        return trials.values().stream()
                .filter(t -> t.finished() && t.status != Status.FAILED && t.status != Status.DIVERGED
                        && Double.isFinite(t.value) && t.bestEpoch > 0)
                .min(Comparator.comparingDouble(t -> sweep.mode().loss(t.value)));
    }

    /** @return seconds as written: 1800, 0.5 */
    private static String plain(double seconds) {
        return java.math.BigDecimal.valueOf(seconds).stripTrailingZeros().toPlainString();
    }

    private double seconds() {
        return priorSeconds + (System.nanoTime() - started) / 1e9;
    }

    /** Rewrites {@code sweep-state.json} (temporary file renamed into place). */
    private synchronized void saveState() {
        ObjectNode s = SpecTrees.MAPPER.createObjectNode();
        s.put("sweep_id", sweepId);
        s.put("seconds", seconds());
        s.set("strategy", strategy.snapshot());
        scheduler.ifPresent(x -> s.set("scheduler", x.snapshot()));
        ArrayNode a = s.putArray("trials");
        for (Trial t : trials.values()) {
            ObjectNode n = a.addObject();
            n.put("id", t.id);
            n.set("config", t.config.toJson());
            n.put("status", t.status.name());
            if (Double.isFinite(t.value)) {
                n.put("value", t.value);
            } else {
                n.putNull("value");
            }
            n.put("epochs", t.epochs);
            n.put("best_epoch", t.bestEpoch);
            n.put("diagnosis", t.diagnosis);
        }
        dir.write(STATE, o -> SpecTrees.MAPPER.writeValue(o, s));
    }

    /** Evaluates the best trial once on test, writes {@code best/} and {@code summary.json}. */
    private ObjectNode finish() {
        printStatus();
        Optional<Trial> best = best();
        ObjectNode summary = SpecTrees.MAPPER.createObjectNode();
        summary.put("sweep_id", sweepId);
        summary.put("name", sweep.base().name());
        summary.put("task", sweep.base().data().task().spelling());
        summary.put("strategy", sweep.strategy());
        summary.put("scheduler", sweep.scheduler().type());
        summary.put("metric", sweep.metric());
        summary.put("mode", sweep.mode().name().toLowerCase(Locale.ROOT));
        summary.put("trials", trials.size());
        ObjectNode statuses = summary.putObject("statuses");
        trials.values().forEach(t -> statuses.put(t.status.name(), statuses.path(t.status.name()).asInt() + 1));
        summary.put("epochs_trained", trials.values().stream().mapToInt(t -> t.epochs).sum());
        summary.put("seconds", seconds());
        if (best.isEmpty()) {
            tables.close();
            summary.put("status", Status.FAILED.name());
            summary.put("diagnosis", "no trial finished with a finite val_" + sweep.metric() + "; see the trials table"
                    + " (spindle results " + dir.path() + ") for each trial's diagnosis");
            TrainJob.writeJson(dir, "summary.json", summary);
            out.println("no trial finished with a finite val_" + sweep.metric() + "; see spindle results " + dir.path());
            out.flush();
            return summary;
        }
        Trial b = best.get();
        JobSpec spec = trialSpec(b.config);
        Prepared d = prepared(spec);
        OutputDir tdir = dir.child(TRIALS + "/" + b.id);
        Checkpoint c = TrainJob.readCheckpoint(tdir).orElseThrow(() -> new IllegalStateException(
                "the best trial " + b.id + " has no checkpoint in " + tdir.path()));
        MultiLayerConfiguration conf = ModelBuilder.build(spec, d.data().layout(), d.counts());
        Trainer.Tested tested = new Trainer(sc, Clock.systemUTC()).test(spec, d.data(), conf, c.bestParams());
        OutputDir bdir = dir.child(BEST);
        String modelPath = TrainJob.writeModel(bdir, spec, d.data(), conf, c.bestParams(), b.id);
        bdir.write("spec.json", o -> SpecTrees.MAPPER.writerWithDefaultPrettyPrinter().writeValue(o, spec.resolved()));
        if (!tested.predictions().isEmpty()) {
            TrainJob.writePredictions(bdir, d.data().layout().labelNames().get(0), tested.predictions());
            if (d.data().forecast().isPresent()) {
                TrainJob.writeForecast(bdir, spec.data().window().orElseThrow(), d.data().forecast().get(),
                        tested.predictions());
            }
        }
        TrainResult r = new TrainResult(c.status(), c.history(), c.bestEpoch(), c.bestMetrics().orElse(null),
                tested.metrics(), c.bestParams(), c.seconds(), c.diagnosis(), c.epochsDone(), c.workers(), c.period(),
                tested.predictions());
        ObjectNode bestSummary = TrainJob.summary(spec, d.data(), r);
        bestSummary.put("trial_id", b.id);
        bestSummary.set("config", b.config.toJson());
        TrainJob.writeJson(bdir, "summary.json", bestSummary);
        ResultRows.Outcome o = TrialRunner.outcome(c);
        tables.trial(ResultRows.trial(sweepId, b.id, spec, new ResultRows.Outcome(o.status(), o.epochsRun(), o.bestEpoch(),
                o.bestValidation(), Optional.of(tested.metrics()), b.diagnosis, o.wallSeconds(), o.samplesPerSecond(),
                modelPath)));
        tables.close();
        summary.put("status", Status.COMPLETED.name());
        ObjectNode bn = summary.putObject("best");
        bn.put("trial_id", b.id);
        bn.set("config", b.config.toJson());
        bn.put("val_" + sweep.metric(), b.value);
        bn.put("best_epoch", b.bestEpoch);
        bn.set("test", bestSummary.get("test"));
        bn.put("model", modelPath);
        d.data().forecast().ifPresent(f -> bn.set("forecast", bestSummary.get("forecast")));
        TrainJob.writeJson(dir, "summary.json", summary);
        out.printf(Locale.ROOT, "best: %s (%s) val_%s %.4f at epoch %d; test %s%n", b.id, describe(b.config),
                sweep.metric(), b.value, b.bestEpoch, TrainJob.brief(tested.metrics(), spec));
        d.data().forecast().ifPresent(f -> out.println("forecast: " + TrainJob.forecastLine(tested.metrics(), f)));
        out.println("wrote " + dir.path());
        out.flush();
        return summary;
    }

    private static String describe(Config c) {
        StringBuilder sb = new StringBuilder();
        c.values().forEach((k, v) -> sb.append(sb.length() == 0 ? "" : " ").append(k).append('=')
                .append(v instanceof Double x ? String.format(Locale.ROOT, "%.4g", x) : String.valueOf(v)));
        return sb.toString();
    }

    /** Frees the executors' cached rows of splits the trials shared; a stopped context leaves them to expire. */
    private static void releaseCached(JavaSparkContext sc, io.spindle.driver.data.PreparedData data) {
        try {
            io.spindle.driver.train.Trainer.releaseData(sc, data);
        } catch (RuntimeException e) {
            // the context is stopping or stopped: the executors drop the rows once unused for a while
        }
    }
}
