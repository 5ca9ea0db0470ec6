package io.spindle.driver.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.spindle.driver.data.DataLoader;
import io.spindle.driver.data.PreparedData;
import io.spindle.driver.doctor.Diagnosis;
import io.spindle.driver.model.ModelBuilder;
import io.spindle.driver.results.DeltaResultStore;
import io.spindle.driver.results.ResultRows;
import io.spindle.driver.results.TableWriter;
import io.spindle.driver.spec.JobSpec;
import io.spindle.driver.spec.Metric;
import io.spindle.driver.spec.SpecException;
import io.spindle.driver.spec.SpecTrees;
import io.spindle.driver.train.Checkpoint;
import io.spindle.driver.train.RangeTest;
import io.spindle.driver.train.Status;
import io.spindle.driver.train.TrainListener;
import io.spindle.driver.train.TrainResult;
import io.spindle.driver.train.Trainer;
import io.spindle.driver.train.TrialCallback;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;

/**
 * {@code spindle doctor}: the guided fix-and-retry loop. The first step trains the spec as given;
 * after every step the doctor diagnoses it, takes the best step so far, applies the first fix of
 * its diagnoses that has not been tried from there (a rate problem is first answered by the
 * learning-rate range test, later by the diagnosis's own factor) and trains again. It stops when
 * no diagnosis is left to act on, when two steps in a row did not improve the selected validation
 * metric, when the runs or the time budget are spent. Every step is a trial of the doctor run in
 * the result tables (the run is their {@code sweep_id}; {@code changes} says what changed from the
 * step it came from); the best step by validation is the only one evaluated on test, into
 * {@code best/}. {@code --resume} continues after a killed driver.
 */
public final class DoctorJob {

    static final String COMMAND = "spindle doctor";
    /** Provenance and what a resumed run must match. */
    public static final String DOCTOR = "doctor.json";
    /** Every step so far (rewritten after each). */
    public static final String STATE = "doctor-state.json";
    /** Steps' folders (checkpoints). */
    public static final String STEPS = "steps";
    /** The best step's model and summary. */
    public static final String BEST = "best";
    /** Diagnoses the doctor answers with the range test the first time. */
    private static final Set<String> RATE = Set.of("diverged", "lr_too_high", "lr_too_low");

    /**
     * @param runs the most steps (trainings), at least 1
     * @param budgetSeconds the wall-clock budget; a step running past it stops after its next epoch
     * @param overwrite replace an existing output folder
     * @param resume continue the doctor run in the output folder
     * @param progressEvery least time between two epoch lines (zero: every epoch)
     */
    public record Options(int runs, OptionalDouble budgetSeconds, boolean overwrite, boolean resume,
                          java.time.Duration progressEvery) {
        public Options {
            if (runs < 1) {
                throw new SpecException("--runs must be at least 1, got " + runs + ": the first run trains the spec as given");
            }
        }
    }

    /** One training of the loop. */
    private static final class Step {
        String id;
        String parent = "";
        Map<String, JsonNode> overrides = new LinkedHashMap<>();
        String changes = "";
        Status status = Status.RUNNING;
        Map<String, Double> validation = new LinkedHashMap<>();
        int epochs;
        int bestEpoch;
        List<Diagnosis> diagnoses = new ArrayList<>();
        boolean rangeTested;

        boolean finished() {
            return status != Status.RUNNING && status != Status.INTERRUPTED;
        }
    }

    private record Prepared(PreparedData data, long[] counts) { }

    private final SparkSession spark;
    private final JavaSparkContext sc;
    private final JobSpec base;
    private final OutputDir dir;
    private final Options options;
    private final PrintWriter out;
    private final String runId;
    private final List<Step> steps;
    private final double priorSeconds;
    private final long started = System.nanoTime();
    private final Map<String, Prepared> data = new LinkedHashMap<>();
    private final TableWriter tables;

    private DoctorJob(SparkSession spark, JobSpec base, OutputDir dir, Options options, PrintWriter out, String runId,
                      List<Step> steps, double priorSeconds) {
        this.spark = spark;
        this.sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        this.base = base;
        this.dir = dir;
        this.options = options;
        this.out = out;
        this.runId = runId;
        this.steps = steps;
        this.priorSeconds = priorSeconds;
        this.tables = new TableWriter(new DeltaResultStore(spark, dir.path()));
    }

    /**
     * Runs (or resumes) the loop.
     *
     * @param spark the session
     * @param base the spec as given
     * @param output the output folder
     * @param options runs, budget, folder handling
     * @param out where progress goes
     * @return the summary (written to {@code summary.json} unless a signal stopped the run)
     */
    public static ObjectNode run(SparkSession spark, JobSpec base, String output, Options options, PrintWriter out) {
        if (options.resume() && options.overwrite()) {
            throw new OutputDir.OutputException("--resume continues the doctor run in " + output + " and --overwrite"
                    + " replaces it; pass one of them");
        }
        OutputLock lock = null;
        try {
            org.apache.hadoop.conf.Configuration hadoop = spark.sparkContext().hadoopConfiguration();
            OutputDir dir;
            String runId;
            List<Step> steps = new ArrayList<>();
            double prior = 0;
            if (options.resume()) {
                dir = OutputDir.existing(output, hadoop);
                lock = dir.lock(COMMAND);
                JsonNode before = TrainJob.resumable(dir, output, DOCTOR, "doctor", "spec", "spec", base.resolved());
                runId = before.path("trial_id").asText();
                if (dir.exists("summary.json")) {
                    out.println(runId + ": the doctor run in " + dir.path() + " has already finished; nothing to resume");
                    out.flush();
                    return dir.read("summary.json", in -> (ObjectNode) SpecTrees.MAPPER.readTree(in));
                }
                if (dir.exists(STATE)) {
                    JsonNode state = dir.read(STATE, in -> SpecTrees.MAPPER.readTree(in));
                    try {
                        state.get("steps").forEach(n -> steps.add(step(n)));
                        prior = state.path("seconds").asDouble();
                    } catch (RuntimeException e) {
                        throw new OutputDir.OutputException("--resume: " + dir.path() + "/" + STATE + " cannot be read ("
                                + e.getMessage() + "); start afresh with --overwrite");
                    }
                }
            } else {
                dir = OutputDir.check(output, options.overwrite(), hadoop);
                TrainJob.check(spark, base).data().train().unpersist(false); // bad data fails here, before anything is written
                lock = dir.create(COMMAND);
                runId = TrainJob.runId(base.name() + "-doctor");
                ObjectNode provenance = Provenance.of(base, runId);
                dir.write(DOCTOR, o -> SpecTrees.MAPPER.writerWithDefaultPrettyPrinter().writeValue(o, provenance));
            }
            return new DoctorJob(spark, base, dir, options, out, runId, steps, prior).loop();
        } finally {
            if (lock != null) {
                lock.close();
            }
        }
    }

    private ObjectNode loop() {
        out.printf(Locale.ROOT, "%s: up to %d run%s%s; each step fixes the best step's first diagnosis%n", runId,
                options.runs(), options.runs() == 1 ? "" : "s", options.budgetSeconds().isPresent()
                        ? String.format(Locale.ROOT, ", time budget %.0f s", options.budgetSeconds().getAsDouble()) : "");
        base.warnings().forEach(w -> out.println("warning: " + w));
        out.flush();
        String stopped;
        try {
            rewriteFinishedRows();
            while (true) {
                Step next;
                boolean resuming = !steps.isEmpty() && !steps.get(steps.size() - 1).finished();
                if (resuming) {
                    next = steps.get(steps.size() - 1); // a step a signal or a crash stopped: it continues
                } else {
                    Optional<String> why = whyStop();
                    if (why.isPresent()) {
                        stopped = why.get();
                        break;
                    }
                    Optional<Step> planned = plan();
                    if (planned.isEmpty()) {
                        stopped = "no diagnosis left to act on";
                        break;
                    }
                    next = planned.get();
                    steps.add(next);
                    saveState();
                }
                if (!train(next, resuming)) {
                    saveState();
                    tables.close();
                    ObjectNode s = SpecTrees.MAPPER.createObjectNode();
                    s.put("doctor_id", runId);
                    s.put("status", Status.INTERRUPTED.name());
                    s.put("finished_steps", steps.size() - 1);
                    s.put("step", next.id);
                    return s;
                }
                saveState();
            }
        } catch (RuntimeException e) {
            throw TrainJob.closing(tables, e);
        } finally {
            data.values().forEach(d -> {
                d.data().train().unpersist(false);
                d.data().validation().unpersist(false);
                releaseCached(sc, d.data());
            });
        }
        return finish(stopped);
    }

    /** @return why the loop ends before another step, if it does */
    private Optional<String> whyStop() {
        if (steps.size() >= options.runs()) {
            return Optional.of("all " + options.runs() + " runs used");
        }
        if (options.budgetSeconds().isPresent() && seconds() >= options.budgetSeconds().getAsDouble()) {
            return Optional.of(String.format(Locale.ROOT, "time budget of %.0f s spent", options.budgetSeconds().getAsDouble()));
        }
        if (steps.size() >= 3 && !improved(steps.size() - 1) && !improved(steps.size() - 2)) {
            return Optional.of("two steps in a row did not improve val_" + metric().spelling());
        }
        return Optional.empty();
    }

    /** The metric steps are ranked by: the one the latest step selects (a fix may switch it). */
    private Metric metric() {
        for (int i = steps.size() - 1; i >= 0; i--) {
            if (steps.get(i).finished()) {
                return Metric.find(spec(steps.get(i)).metrics().select()).orElseThrow();
            }
        }
        return Metric.find(base.metrics().select()).orElseThrow();
    }

    /** @return the step's value of the ranking metric (worst possible when it has none) */
    private double value(Step s, Metric m) {
        Double v = s.validation.get(m.spelling());
        if (v == null || !Double.isFinite(v) || s.bestEpoch == 0) {
            return m.higherIsBetter() ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        }
        return v;
    }

    private boolean better(double a, double b, Metric m) {
        return m.higherIsBetter() ? a > b : a < b;
    }

    /** @return whether step {@code i} beat every step before it */
    private boolean improved(int i) {
        Metric m = metric();
        double v = value(steps.get(i), m);
        for (int j = 0; j < i; j++) {
            if (!better(v, value(steps.get(j), m), m)) {
                return false;
            }
        }
        return Double.isFinite(v);
    }

    private Optional<Step> best() {
        Metric m = metric();
        Step best = null;
        for (Step s : steps) {
            if (s.finished() && s.bestEpoch > 0 && Double.isFinite(value(s, m))
                    && (best == null || better(value(s, m), value(best, m), m))) {
                best = s;
            }
        }
        return Optional.ofNullable(best);
    }

    /** The next step: the spec as given first, then the first untried fix of the best step's diagnoses. */
    private Optional<Step> plan() {
        Step s = new Step();
        s.id = "step-" + (steps.size() + 1);
        if (steps.isEmpty()) {
            s.changes = "the spec as given";
            return Optional.of(s);
        }
        Step parent = best().orElse(steps.get(steps.size() - 1));
        boolean rangeTested = steps.stream().anyMatch(x -> x.rangeTested);
        JobSpec parentSpec = spec(parent);
        for (Diagnosis d : parent.diagnoses) {
            Map<String, JsonNode> fix = new LinkedHashMap<>();
            String how = "";
            if (RATE.contains(d.code()) && !rangeTested) {
                double current = parentSpec.training().lr();
                double found = rangeTest(parentSpec);
                boolean fits = d.code().equals("lr_too_low") ? found > 1.5 * current : found < current / 1.5;
                if (fits) {
                    fix.put("training.lr", SpecTrees.MAPPER.getNodeFactory().numberNode(found));
                    how = " (learning-rate range test)";
                    s.rangeTested = true;
                }
            }
            if (fix.isEmpty()) {
                for (String f : d.fix()) {
                    int eq = f.indexOf('=');
                    fix.put(f.substring(0, eq), value(f.substring(eq + 1)));
                }
            }
            if (fix.isEmpty()) {
                continue;
            }
            Map<String, JsonNode> overrides = new LinkedHashMap<>(parent.overrides);
            overrides.putAll(fix);
            if (steps.stream().anyMatch(x -> x.overrides.equals(overrides))) {
                continue; // tried already
            }
            s.overrides = overrides;
            try {
                spec(s);
            } catch (SpecException e) {
                out.println("doctor: cannot apply the fix for " + d.code() + " to " + parent.id + " (" + e.getMessage() + ")");
                continue;
            }
            s.parent = parent.id;
            StringBuilder c = new StringBuilder(d.code()).append(':');
            fix.forEach((k, v) -> c.append(' ').append(k).append('=').append(v.isTextual() ? v.asText() : v.toString()));
            s.changes = c.append(how).toString();
            return Optional.of(s);
        }
        return Optional.empty();
    }

    private static JsonNode value(String yaml) {
        ObjectNode tree = SpecTrees.MAPPER.createObjectNode();
        SpecTrees.set(tree, "v=" + yaml);
        return tree.get("v");
    }

    /** Runs the range test for a step's spec; the rate to three significant digits. */
    private double rangeTest(JobSpec spec) {
        out.println("doctor: running the learning-rate range test on " + spec.name());
        out.flush();
        Prepared d = prepared(spec);
        MultiLayerConfiguration conf = ModelBuilder.build(spec, d.data().layout(), d.counts());
        RangeTest.Result r = RangeTest.run(sc, spec, d.data(), conf, RangeTest.Settings.DEFAULT, w -> { });
        out.println("doctor: " + LrFindJob.describe(r, RangeTest.Settings.DEFAULT));
        return LrFindJob.suggestion(r);
    }

    /** @return a step's spec: the base with its overrides */
    private JobSpec spec(Step s) {
        if (s.overrides.isEmpty()) {
            return base;
        }
        Map<String, Object> o = new LinkedHashMap<>(s.overrides);
        return base.withOverrides(o);
    }

    /**
     * Trains a step to its end; false when a signal stopped it.
     *
     * @param resuming whether the step ran before (a killed or stopped run's): it continues from its
     *     checkpoint, if it wrote one, and its rows of evaluations after that are replaced
     */
    private boolean train(Step s, boolean resuming) {
        JobSpec spec = spec(s);
        OutputDir sdir = dir.child(STEPS + "/" + s.id);
        Optional<Checkpoint> checkpoint = resuming ? TrainJob.readCheckpoint(sdir) : Optional.empty();
        out.println(s.id + (resuming ? " resumes" : " starts") + ": " + s.changes
                + (s.parent.isEmpty() ? "" : " (from " + s.parent + ")"));
        out.flush();
        Prepared d = prepared(spec);
        if (spec.training().lrAuto()) {
            // the spec as given says lr: auto: the range test chooses, once, and the step records the rate
            double found = rangeTest(spec);
            s.overrides.put("training.lr", SpecTrees.MAPPER.getNodeFactory().numberNode(found));
            s.rangeTested = true;
            s.changes = s.changes + "; training.lr: auto chose " + LrFindJob.rate(found);
            saveState();
            spec = spec(s);
        }
        MultiLayerConfiguration conf = ModelBuilder.build(spec, d.data().layout(), d.counts());
        List<TrialCallback> callbacks = new ArrayList<>();
        // a rate far off is settled before the step's last epoch: the step stops there and the loop moves on
        callbacks.add(TrainJob.liveCheck(spec, d.counts(), (e, found) -> {
            out.println("  " + s.id + " stops after epoch " + e.epoch() + ": " + found.code() + " is already clear");
            out.flush();
        }, true));
        options.budgetSeconds().ifPresent(b -> callbacks.add(TrialCallback.deadline(Clock.systemUTC(),
                java.time.Instant.now().plusMillis((long) (1000 * Math.max(0, b - seconds()))), "time budget spent")));
        Trainer trainer = new Trainer(sc, Clock.systemUTC()).withoutTest().withStop(Shutdown::requested)
                .withCallbacks(callbacks);
        String select = spec.metrics().select();
        int epochs = spec.training().epochs();
        long[] last = {Long.MIN_VALUE};
        double[] elapsed = {checkpoint.map(Checkpoint::seconds).orElse(0.0)};
        TrainListener progress = new TrainListener() {
            @Override
            public void onEpoch(io.spindle.driver.train.EpochRecord e) {
                elapsed[0] += e.partial() ? 0 : e.seconds();
                long now = System.nanoTime();
                if (last[0] == Long.MIN_VALUE || now - last[0] >= options.progressEvery().toNanos()) {
                    last[0] = now;
                    out.println("  " + TrainJob.line(e, epochs, select, elapsed[0]));
                    out.flush();
                }
            }
        };
        TrialRunner.Ended ended;
        try {
            ended = TrialRunner.run(trainer, new TrialRunner.Trial(runId, s.id, spec, d.data(), conf, sdir), tables,
                    resuming, checkpoint, progress);
        } catch (RuntimeException e) {
            s.status = Status.FAILED;
            s.diagnoses = List.of();
            out.println(s.id + " failed: " + TrialRunner.firstLine(e));
            return true;
        }
        TrainResult r = ended.result();
        if (r.status() == Status.INTERRUPTED) {
            s.status = Status.INTERRUPTED;
            return false;
        }
        s.status = r.status();
        s.epochs = r.epochsRun();
        s.bestEpoch = r.bestEpoch();
        s.validation = r.validation() == null ? new LinkedHashMap<>() : new LinkedHashMap<>(r.validation().values());
        s.diagnoses = TrainJob.diagnose(spec, d.counts(), r, TrainJob.probe(trainer, spec, d.data(), conf, r));
        row(s, spec, new ResultRows.Outcome(r.status(), r.epochsRun(), r.bestEpoch(), Optional.ofNullable(r.validation()),
                Optional.empty(), r.diagnosis(), r.seconds(), io.spindle.driver.train.EpochRecord.meanSamplesPerSecond(
                r.epochs()), ""));
        Metric m = Metric.find(select).orElseThrow();
        out.printf(Locale.ROOT, "%s %s after %d epoch%s: val_%s %s%s%n", s.id, s.status.name().toLowerCase(Locale.ROOT),
                s.epochs, s.epochs == 1 ? "" : "s", m.spelling(), fmt(s.validation.get(m.spelling())),
                s.diagnoses.isEmpty() ? "; no diagnosis" : "; " + codes(s));
        s.diagnoses.forEach(x -> out.println("  " + x.line()));
        out.flush();
        return true;
    }

    private static String codes(Step s) {
        return String.join(", ", s.diagnoses.stream().map(Diagnosis::code).toList());
    }

    private static String fmt(Double v) {
        return v == null || !Double.isFinite(v) ? "-" : String.format(Locale.ROOT, "%.4f", v);
    }

    /** The step's trials row: the runner's, plus its diagnoses and what changed. */
    private void row(Step s, JobSpec spec, ResultRows.Outcome o) {
        Map<String, Object> r = ResultRows.trial(runId, s.id, spec, new ResultRows.Outcome(o.status(), o.epochsRun(),
                o.bestEpoch(), o.bestValidation(), o.test(), s.diagnoses.isEmpty() ? o.diagnosis() : codes(s),
                o.wallSeconds(), o.samplesPerSecond(), o.modelPath()));
        r.put("changes", s.changes);
        r.put("parent", s.parent);
        tables.trial(r);
    }

    /** Rows of finished steps again from their checkpoints (a killed driver may have lost uncommitted ones). */
    private void rewriteFinishedRows() {
        List<String> ids = new ArrayList<>();
        List<Map<String, Object>> epochs = new ArrayList<>();
        for (Step s : steps) {
            if (!s.finished()) {
                continue;
            }
            Optional<Checkpoint> c = TrainJob.readCheckpoint(dir.child(STEPS + "/" + s.id));
            ids.add(s.id);
            c.ifPresent(x -> x.history().forEach(e -> epochs.add(ResultRows.epoch(runId, s.id, e))));
            ResultRows.Outcome o = c.map(TrialRunner::outcome).orElse(new ResultRows.Outcome(s.status, s.epochs,
                    s.bestEpoch, Optional.empty(), Optional.empty(), "", 0, 0, ""));
            row(s, spec(s), o);
        }
        if (!ids.isEmpty()) {
            tables.replaceEpochs(runId, ids, epochs);
        }
    }

    private Prepared prepared(JobSpec spec) {
        return data.computeIfAbsent(spec.resolved().get("data").toString(), k -> {
            PreparedData p = DataLoader.load(spark, spec.data());
            p.train().persist(org.apache.spark.storage.StorageLevel.MEMORY_AND_DISK());
            p.validation().persist(org.apache.spark.storage.StorageLevel.MEMORY_AND_DISK());
            return new Prepared(p, TrainJob.classCounts(spec, p));
        });
    }

    private double seconds() {
        return priorSeconds + (System.nanoTime() - started) / 1e9;
    }

    private void saveState() {
        ObjectNode st = SpecTrees.MAPPER.createObjectNode();
        st.put("doctor_id", runId);
        st.put("seconds", seconds());
        ArrayNode a = st.putArray("steps");
        steps.forEach(s -> a.add(json(s)));
        dir.write(STATE, o -> SpecTrees.MAPPER.writerWithDefaultPrettyPrinter().writeValue(o, st));
    }

    private static ObjectNode json(Step s) {
        ObjectNode n = SpecTrees.MAPPER.createObjectNode();
        n.put("id", s.id);
        n.put("parent", s.parent);
        ObjectNode o = n.putObject("overrides");
        s.overrides.forEach(o::set);
        n.put("changes", s.changes);
        n.put("status", s.status.name());
        ObjectNode v = n.putObject("validation");
        s.validation.forEach(v::put);
        n.put("epochs", s.epochs);
        n.put("best_epoch", s.bestEpoch);
        n.put("range_tested", s.rangeTested);
        ArrayNode d = n.putArray("diagnoses");
        s.diagnoses.forEach(x -> d.add(diagnosis(x)));
        return n;
    }

    static ObjectNode diagnosis(Diagnosis x) {
        ObjectNode n = SpecTrees.MAPPER.createObjectNode();
        n.put("code", x.code());
        n.put("evidence", x.evidence());
        n.put("explanation", x.explanation());
        ArrayNode f = n.putArray("fix");
        x.fix().forEach(f::add);
        return n;
    }

    private static Step step(JsonNode n) {
        Step s = new Step();
        s.id = n.get("id").asText();
        s.parent = n.path("parent").asText("");
        n.get("overrides").fields().forEachRemaining(e -> s.overrides.put(e.getKey(), e.getValue()));
        s.changes = n.path("changes").asText("");
        s.status = Status.valueOf(n.get("status").asText());
        n.path("validation").fields().forEachRemaining(e -> s.validation.put(e.getKey(), e.getValue().asDouble()));
        s.epochs = n.path("epochs").asInt();
        s.bestEpoch = n.path("best_epoch").asInt();
        s.rangeTested = n.path("range_tested").asBoolean();
        for (JsonNode d : n.path("diagnoses")) {
            List<String> fix = new ArrayList<>();
            d.path("fix").forEach(f -> fix.add(f.asText()));
            s.diagnoses.add(new Diagnosis(d.get("code").asText(), d.path("evidence").asText(""),
                    d.path("explanation").asText(""), fix));
        }
        return s;
    }

    /** Evaluates the best step once on test, writes {@code best/} and {@code summary.json}. */
    private ObjectNode finish(String stopped) {
        Metric m = metric();
        ObjectNode summary = SpecTrees.MAPPER.createObjectNode();
        summary.put("doctor_id", runId);
        summary.put("name", base.name());
        summary.put("stopped", stopped);
        summary.put("select", m.spelling());
        summary.put("seconds", seconds());
        ArrayNode path = summary.putArray("steps");
        for (Step s : steps) {
            ObjectNode n = json(s);
            n.remove("range_tested");
            Double v = s.validation.get(m.spelling());
            if (v != null) {
                n.put("val_" + m.spelling(), v);
            }
            path.add(n);
        }
        out.println("doctor stopped: " + stopped);
        for (Step s : steps) {
            out.printf(Locale.ROOT, "  %-8s val_%s %s  %s%s%n", s.id, m.spelling(), fmt(s.validation.get(m.spelling())),
                    s.changes, s.diagnoses.isEmpty() ? "" : " -> " + codes(s));
        }
        Optional<Step> best = best();
        if (best.isEmpty()) {
            tables.close();
            summary.put("status", Status.FAILED.name());
            TrainJob.writeJson(dir, "summary.json", summary);
            out.println("no step finished with a finite val_" + m.spelling() + "; see spindle results " + dir.path());
            out.flush();
            return summary;
        }
        Step b = best.get();
        JobSpec spec = spec(b);
        Prepared d = prepared(spec);
        Checkpoint c = TrainJob.readCheckpoint(dir.child(STEPS + "/" + b.id)).orElseThrow(() -> new IllegalStateException(
                "the best step " + b.id + " has no checkpoint"));
        MultiLayerConfiguration conf = ModelBuilder.build(spec, d.data().layout(), d.counts());
        Trainer.Tested tested = new Trainer(sc, Clock.systemUTC()).test(spec, d.data(), conf, c.bestParams());
        OutputDir bdir = dir.child(BEST);
        String modelPath = TrainJob.writeModel(bdir, spec, d.data(), conf, c.bestParams(), b.id);
        bdir.write("spec.json", o -> SpecTrees.MAPPER.writerWithDefaultPrettyPrinter().writeValue(o, spec.resolved()));
        TrainResult r = new TrainResult(c.status(), c.history(), c.bestEpoch(), c.bestMetrics().orElse(null),
                tested.metrics(), c.bestParams(), c.seconds(), c.diagnosis(), c.epochsDone(), c.workers(), c.period(),
                tested.predictions());
        ObjectNode bestSummary = TrainJob.summary(spec, d.data(), r);
        bestSummary.put("step", b.id);
        TrainJob.writeJson(bdir, "summary.json", bestSummary);
        ResultRows.Outcome o = TrialRunner.outcome(c);
        row(b, spec, new ResultRows.Outcome(o.status(), o.epochsRun(), o.bestEpoch(), o.bestValidation(),
                Optional.of(tested.metrics()), o.diagnosis(), o.wallSeconds(), o.samplesPerSecond(), modelPath));
        tables.close();
        summary.put("status", Status.COMPLETED.name());
        ObjectNode bn = summary.putObject("best");
        bn.put("step", b.id);
        bn.put("val_" + m.spelling(), value(b, m));
        bn.set("test", bestSummary.get("test"));
        bn.put("model", modelPath);
        TrainJob.writeJson(dir, "summary.json", summary);
        out.printf(Locale.ROOT, "best: %s val_%s %.4f; test %s%n", b.id, m.spelling(), value(b, m),
                TrainJob.brief(tested.metrics(), spec));
        out.println("wrote " + dir.path());
        out.flush();
        return summary;
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
