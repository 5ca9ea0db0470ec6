package io.spindle.driver.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.spindle.driver.data.DataLoader;
import io.spindle.driver.doctor.Diagnosis;
import io.spindle.driver.doctor.Doctor;
import io.spindle.driver.data.Normalization;
import io.spindle.driver.data.PreparedData;
import io.spindle.driver.model.ModelBuilder;
import io.spindle.driver.predict.InputPipeline;
import io.spindle.driver.predict.ModelFile;
import io.spindle.driver.spec.DataSpec;
import io.spindle.driver.spec.JobSpec;
import io.spindle.driver.spec.SpecTrees;
import io.spindle.driver.spec.Task;
import io.spindle.driver.results.DeltaResultStore;
import io.spindle.driver.results.ResultRows;
import io.spindle.driver.results.TableWriter;
import io.spindle.driver.spec.SpecDigest;
import io.spindle.driver.train.Checkpoint;
import io.spindle.driver.train.EpochRecord;
import io.spindle.driver.train.TrainListener;
import io.spindle.driver.train.TrainResult;
import io.spindle.driver.train.Status;
import io.spindle.driver.train.Trainer;
import io.spindle.kernels.Networks;
import io.spindle.kernels.eval.Metrics;
import io.spindle.kernels.nn.OneDnn;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.dataset.api.preprocessor.DataNormalization;
import org.nd4j.linalg.dataset.api.preprocessor.NormalizerMinMaxScaler;
import org.nd4j.linalg.dataset.api.preprocessor.NormalizerStandardize;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@code spindle train}: checks the output folder, loads and prepares the data, builds the
 * network, trains it, evaluates the kept parameters once on test, and writes the model (DL4J zip
 * with its normalizer and Spindle's {@code spindle-model.json}: fitted input pipeline, resolved
 * spec, provenance), {@code provenance.json} and {@code summary.json}. Bad input fails before
 * anything is written.
 */
public final class TrainJob {

    private TrainJob() {
    }

    /** Regression runs: the best model's predictions on test rows, for the report. */
    public static final String PREDICTIONS = "test-predictions.csv";
    /** Windowed runs: every test window's forecast with its time, for the report's forecast chart. */
    public static final String FORECAST = "test-forecast.csv";
    /** What the output folder's lock names as its holder. */
    static final String COMMAND = "spindle train";

    /** The checkpoint file inside the output folder, rewritten after every epoch. */
    public static final String CHECKPOINT = TrialRunner.CHECKPOINT;

    /**
     * @param spark the session
     * @param spec the resolved spec
     * @param output output folder (path or Hadoop FS URI)
     * @param overwrite replace an existing output folder
     * @param out where progress lines go
     * @return the summary written to {@code summary.json}
     */
    public static ObjectNode run(SparkSession spark, JobSpec spec, String output, boolean overwrite, PrintWriter out) {
        return run(spark, spec, output, new Options(overwrite, false, false, java.time.Duration.ZERO), out);
    }

    /**
     * How {@code spindle train} treats its output folder and how much it prints.
     *
     * @param overwrite replace an existing output folder
     * @param resume continue the run in the output folder from its last checkpoint
     * @param rounds print every round's costs (broadcast, fetch, compute, aggregate)
     * @param progressEvery least time between two epoch lines (zero: every epoch; the first and the
     *     last epoch always print), so logs that are not a terminal are not flooded
     */
    public record Options(boolean overwrite, boolean resume, boolean rounds, java.time.Duration progressEvery) { }

    /**
     * @param spark the session
     * @param spec the resolved spec
     * @param output output folder (path or Hadoop FS URI)
     * @param options output folder handling and verbosity
     * @param out where progress lines go
     * @return the summary written to {@code summary.json}
     * @throws OutputDir.OutputException when the folder cannot be used or another process holds it
     *     ({@link OutputLock}; the lock is held from the folder's creation until the run ends)
     */
    public static ObjectNode run(SparkSession spark, JobSpec spec, String output, Options options, PrintWriter out) {
        boolean resume = options.resume();
        boolean overwrite = options.overwrite();
        if (resume && overwrite) {
            throw new OutputDir.OutputException("--resume continues the run in " + output + " and --overwrite replaces it;"
                    + " pass one of them");
        }
        OutputLock lock = null; // held from the moment the folder is claimed until the run ends
        try {
            org.apache.hadoop.conf.Configuration hadoop = spark.sparkContext().hadoopConfiguration();
            OutputDir dir;
            Optional<Checkpoint> checkpoint = Optional.empty();
            if (resume) {
                dir = OutputDir.existing(output, hadoop);
                lock = dir.lock(COMMAND);
                checkSameSpec(dir, spec, output);
                if (dir.exists("summary.json")) {
                    out.println(spec.name() + ": the run in " + dir.path() + " has already finished; nothing to resume");
                    out.flush();
                    return dir.read("summary.json", in -> (ObjectNode) SpecTrees.MAPPER.readTree(in));
                }
                checkpoint = readCheckpoint(dir);
            } else {
                dir = OutputDir.check(output, overwrite, hadoop);
            }
            Checked checked = check(spark, spec);
            PreparedData data = checked.data();
            MultiLayerConfiguration conf = checked.conf();
            // lr: auto: the range test chooses the rate before anything is written; a resumed run keeps its choice
            JobSpec trained = spec;
            ObjectNode lrAuto = null;
            io.spindle.driver.train.RangeTest.Result found = null;
            if (spec.training().lrAuto()) {
                if (resume) {
                    JsonNode recorded = dir.read("provenance.json", in -> SpecTrees.MAPPER.readTree(in)).path("lr_auto");
                    if (!recorded.path("lr").isNumber()) {
                        throw new OutputDir.OutputException("--resume: provenance.json in " + output + " does not record"
                                + " the rate training.lr: auto chose (lr_auto.lr); start afresh with --overwrite");
                    }
                    lrAuto = (ObjectNode) recorded;
                } else {
                    found = LrFindJob.choose(spark, spec, checked, out);
                    lrAuto = LrFindJob.record(found, io.spindle.driver.train.RangeTest.Settings.DEFAULT);
                }
                trained = LrFindJob.withRate(spec, lrAuto.get("lr").asDouble());
                conf = ModelBuilder.build(trained, data.layout(), checked.counts());
            }
            if (checkpoint.isPresent() && !checkpoint.get().specDigest().equals(SpecDigest.of(trained))) {
                throw new OutputDir.OutputException("--resume: " + CHECKPOINT + " in " + output + " was written by a"
                        + " different spec than its provenance.json says; start afresh with --overwrite");
            }
            String runId;
            if (!resume) {
                lock = dir.create(COMMAND);
                runId = runId(spec.name());
                ObjectNode provenance = Provenance.of(spec, runId);
                if (lrAuto != null) {
                    provenance.set("lr_auto", lrAuto);
                    LrFindJob.write(dir, found);
                }
                dir.write("provenance.json", o -> SpecTrees.MAPPER.writerWithDefaultPrettyPrinter().writeValue(o, provenance));
            } else {
                runId = dir.read("provenance.json", in -> SpecTrees.MAPPER.readTree(in)).path("trial_id").asText(spec.name());
            }
            TableWriter tables = new TableWriter(new DeltaResultStore(spark, dir.path()));
            spec.warnings().forEach(w -> out.println("warning: " + w));
            checked.warnings().forEach(w -> out.println("warning: " + w));
            PreparedData.LoadReport rep = data.report();
            out.printf(Locale.ROOT, "%s: %d train, %d validation, %d test rows; %d features%s%n", spec.name(), rep.trainRows(),
                    rep.validationRows(), rep.testRows(), data.layout().featureWidth(),
                    rep.skippedRows() > 0 ? "; skipped " + rep.skippedRows() + " bad rows " + rep.skipped() : "");
            String kernels = OneDnn.describe(conf);
            if (!kernels.equals("none")) {
                out.println("layer kernels: " + kernels);
            }
            checkpoint.ifPresent(c -> out.printf(Locale.ROOT, "resuming from %s after epoch %d%n", CHECKPOINT, c.epochsDone()));
            String select = spec.metrics().select();
            // the doctor's live checks say a rate far off as soon as the history settles it; the run goes on as specified
            Trainer trainer = new Trainer(JavaSparkContext.fromSparkContext(spark.sparkContext()), Clock.systemUTC())
                    .withStop(Shutdown::requested)
                    .withCallbacks(List.of(liveCheck(trained, checked.counts(), (e, d) -> {
                        out.println("diagnosis after epoch " + e.epoch() + ": " + d.line());
                        out.flush();
                    }, false)));
            double[] elapsed = {0};
            checkpoint.ifPresent(c -> c.history().forEach(e -> {
                elapsed[0] += e.partial() ? 0 : e.seconds();
                out.println(line(e, spec.training().epochs(), select, elapsed[0]));
            }));
            TrainListener listener = new TrainListener() {
                @Override
                public void onStart(int workers, int averagingPeriod, int roundsPerEpoch) {
                    out.printf(Locale.ROOT, "training on %d worker%s, averaging every %d minibatch%s (%d round%s per epoch)%n",
                            workers, workers == 1 ? "" : "s", averagingPeriod, averagingPeriod == 1 ? "" : "es",
                            roundsPerEpoch, roundsPerEpoch == 1 ? "" : "s");
                    out.flush();
                }

                @Override
                public void onRound(io.spindle.driver.train.RoundStats r) {
                    if (options.rounds()) {
                        out.printf(Locale.ROOT, "  round %d.%d  %d x %d minibatches  broadcast %.1f ms  fetch %.1f ms"
                                        + "  compute %.1f ms  aggregate %.1f ms  wall %.1f ms  state %,d bytes%n",
                                r.epoch(), r.round() + 1, r.workers(), r.minibatches(), r.broadcastNanos() / 1e6,
                                r.fetchNanos() / 1e6, r.computeNanos() / 1e6, r.aggregateNanos() / 1e6, r.wallNanos() / 1e6,
                                r.stateBytes());
                    }
                }

                @Override
                public void onWarning(String message) {
                    out.println("warning: " + message);
                    out.flush();
                }

                private long lastLine = Long.MIN_VALUE;

                @Override
                public void onEpoch(EpochRecord e) {
                    elapsed[0] += e.partial() ? 0 : e.seconds();
                    long now = System.nanoTime();
                    boolean due = lastLine == Long.MIN_VALUE || now - lastLine >= options.progressEvery().toNanos()
                            || (e.epoch() == spec.training().epochs() && !e.partial());
                    if (due) {
                        lastLine = now;
                        out.println(line(e, spec.training().epochs(), select, elapsed[0]));
                        out.flush();
                    }
                }
            };
            TrialRunner.Ended ended;
            try {
                ended = TrialRunner.run(trainer, new TrialRunner.Trial(runId, runId, trained, data, conf, dir), tables, resume,
                        checkpoint, listener);
            } catch (RuntimeException e) {
                throw closing(tables, e);
            }
            TrainResult result = ended.result();
            if (result.status() == Status.INTERRUPTED) {
                tables.close();
                return interrupted(spec, ended.last());
            }

            String modelPath = "";
            if (result.bestEpoch() > 0) {
                modelPath = writeModel(dir, trained, data, conf, result.params(), runId);
            }
            if (!result.testPredictions().isEmpty()) {
                writePredictions(dir, data.layout().labelNames().get(0), result.testPredictions());
                if (data.forecast().isPresent()) {
                    writeForecast(dir, trained.data().window().orElseThrow(), data.forecast().get(), result.testPredictions());
                }
            }
            ObjectNode summary = summary(trained, data, result);
            if (lrAuto != null) {
                summary.set("lr_auto", lrAuto);
            }
            io.spindle.driver.spec.Metric selected = io.spindle.driver.spec.Metric.find(spec.metrics().select()).orElseThrow();
            java.util.OptionalDouble baseline = Doctor.baseline(selected, spec.data().task(), checked.counts());
            List<io.spindle.kernels.Probe.LayerProbe> probes = probe(trainer, trained, data, conf, result);
            List<Diagnosis> diagnoses = diagnose(trained, checked.counts(), result, probes);
            if (!probes.isEmpty()) {
                summary.set("probe", probeJson(probes));
            }
            addDiagnoses(summary, selected, baseline, diagnoses);
            String codes = String.join(", ", diagnoses.stream().map(Diagnosis::code).toList());
            // the runner wrote how the trial ended; this row adds where its model is
            tables.trial(ResultRows.trial(runId, runId, trained, new ResultRows.Outcome(result.status(), result.epochsRun(),
                    result.bestEpoch(), Optional.ofNullable(result.validation()), Optional.ofNullable(result.test()),
                    codes.isEmpty() ? result.diagnosis() : codes, result.seconds(),
                    EpochRecord.meanSamplesPerSecond(result.epochs()), modelPath)));
            tables.close();
            writeJson(dir, "summary.json", summary);
            out.printf(Locale.ROOT, "%s after %d epoch(s); best epoch %d; test %s%n", result.status().name().toLowerCase(Locale.ROOT),
                    result.epochsRun(), result.bestEpoch(), result.test() == null ? "not evaluated" : brief(result.test(), spec));
            if (data.forecast().isPresent() && result.test() != null) {
                out.println("forecast: " + forecastLine(result.test(), data.forecast().get()));
            }
            baseline.ifPresent(b -> out.printf(Locale.ROOT, "baseline: val_%s %.4f (%s)%n", selected.spelling(), b,
                    spec.data().task() == io.spindle.driver.spec.Task.REGRESSION ? "always the mean of the train targets"
                            : "always the most common train class"));
            if (!result.diagnosis().isEmpty()) {
                out.println("diagnosis: " + result.diagnosis());
            }
            if (!diagnoses.isEmpty()) {
                out.println("diagnoses:");
                diagnoses.forEach(d -> out.println("  " + d.line()));
            }
            out.println("wrote " + dir.path());
            out.flush();
            return summary;
        } finally {
            if (lock != null) {
                lock.close();
            }
        }
    }

    /**
     * Closes a run's table writer after a failure, keeping the failure first.
     *
     * @param tables the writer
     * @param e what failed
     * @return {@code e}, with a failure to close attached as suppressed
     */
    static RuntimeException closing(TableWriter tables, RuntimeException e) {
        try {
            tables.close();
        } catch (RuntimeException suppressed) {
            e.addSuppressed(suppressed);
        }
        return e;
    }

    /**
     * A spec checked against its data, as {@code train} checks it before it writes anything.
     *
     * @param data the prepared splits
     * @param counts train rows per class (classification), or null
     * @param conf the network, built for the data
     * @param warnings what the data makes questionable, though training can go on
     */
    public record Checked(PreparedData data, long[] counts, MultiLayerConfiguration conf, List<String> warnings) { }

    /**
     * Everything {@code train} checks before it writes: the data is read (files, header, every
     * row's values and labels), split and encoded, and the network is built for it (output units
     * against the classes, class weights). {@code spindle validate} runs the same, so "valid"
     * means {@code train} will start.
     *
     * @param spark the session
     * @param spec the resolved spec
     * @return the prepared data and network, and the data's warnings
     * @throws io.spindle.driver.data.DataException for data that cannot be read or used
     * @throws io.spindle.driver.spec.SpecException when the network does not fit the data
     */
    public static Checked check(SparkSession spark, JobSpec spec) {
        PreparedData data = DataLoader.load(spark, spec.data());
        long[] counts = classCounts(spec, data);
        MultiLayerConfiguration conf = ModelBuilder.build(spec, data.layout(), counts);
        return new Checked(data, counts, conf, dataWarnings(spec, data, counts));
    }

    /**
     * @return warnings about data a run can train on but should not: a binary task with one class,
     *     a batch larger than the train split
     */
    static List<String> dataWarnings(JobSpec spec, PreparedData data, long[] counts) {
        List<String> w = new java.util.ArrayList<>();
        long train = data.report().trainRows();
        if (spec.data().task() == Task.BINARY && counts != null && counts.length == 2 && (counts[0] == 0 || counts[1] == 0)) {
            List<String> classes = data.layout().classes();
            String present = classes.size() == 2 ? "'" + classes.get(counts[1] == 0 ? 0 : 1) + "'"
                    : counts[1] == 0 ? "negative" : "positive";
            w.add("data.label: every one of the " + train + " train rows has the same label (" + present + "); a binary"
                    + " classifier needs both classes: AUC is undefined and accuracy says nothing; check data.label and"
                    + " the data");
        }
        if (spec.training().batchSize() > train && train > 0) {
            w.add("training.batch_size " + spec.training().batchSize() + " is larger than the train split (" + train
                    + " rows): every epoch is a single partial minibatch; use a batch_size of at most " + train);
        }
        return w;
    }

    /**
     * @return the summary of a run a signal stopped (not written: {@code --resume} continues the
     *     run, and its trials row already says {@code INTERRUPTED}): the status and the epochs its
     *     last checkpoint holds
     */
    private static ObjectNode interrupted(JobSpec spec, Optional<Checkpoint> last) {
        ObjectNode s = SpecTrees.MAPPER.createObjectNode();
        s.put("name", spec.name());
        s.put("status", Status.INTERRUPTED.name());
        s.put("epochs_run", last.map(Checkpoint::epochsDone).orElse(0));
        return s;
    }

    /**
     * @param name a spec's name
     * @return a run or sweep id: the name and the UTC start time
     */
    static String runId(String name) {
        return name + "-" + java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
                .withZone(java.time.ZoneOffset.UTC).format(java.time.Instant.now());
    }

    /**
     * @param spec the spec the trial trained with
     * @param counts train rows per class, or null
     * @param result how it ended
     * @return the doctor's diagnoses of the trial
     */
    static List<Diagnosis> diagnose(JobSpec spec, long[] counts, TrainResult result) {
        return diagnose(spec, counts, result, List.of());
    }

    /**
     * @param spec the spec the trial trained with
     * @param counts train rows per class, or null
     * @param result how it ended
     * @param probes what a probe of its kept parameters saw (empty: none)
     * @return the doctor's diagnoses of the trial
     */
    static List<Diagnosis> diagnose(JobSpec spec, long[] counts, TrainResult result,
                                    List<io.spindle.kernels.Probe.LayerProbe> probes) {
        return Doctor.diagnose(facts(spec, counts, result.status(), result.epochs(), Optional.ofNullable(result.validation()),
                probes));
    }

    /**
     * @param spec the spec the trial trains with
     * @param counts train rows per class, or null
     * @param status how it ended (RUNNING while it runs)
     * @param history its evaluations so far
     * @param validation validation metrics of its kept parameters, if known
     * @param probes what a probe of them saw (empty: none)
     * @return what the doctor reads
     */
    static Doctor.Facts facts(JobSpec spec, long[] counts, Status status, List<EpochRecord> history,
                              Optional<io.spindle.kernels.eval.Metrics> validation,
                              List<io.spindle.kernels.Probe.LayerProbe> probes) {
        io.spindle.driver.spec.Metric selected = io.spindle.driver.spec.Metric.find(spec.metrics().select()).orElseThrow();
        java.util.LinkedHashMap<String, Integer> hidden = new java.util.LinkedHashMap<>();
        spec.model().layers().stream().filter(l -> l.units() > 0 && !l.type().equals("output"))
                .forEach(l -> hidden.put(l.path(), l.units()));
        JobSpec.Training t = spec.training();
        return new Doctor.Facts(spec.data().task(), selected, status, t.lr(), t.epochs(), history, validation, counts,
                Doctor.baseline(selected, spec.data().task(), counts), spec.model().output().path(),
                new Doctor.Model(hidden, t.dropout(), t.weightDecay(), t.earlyStopping().patience(),
                        spec.model().layers().stream().map(io.spindle.driver.spec.LayerSpec::path).toList()), probes);
    }

    /**
     * @param spec the spec the trial trains with
     * @param counts train rows per class, or null
     * @param report hears each live diagnosis once
     * @param stop whether a live diagnosis stops the trial
     * @return the doctor's live checks for the trial
     */
    static io.spindle.driver.doctor.LiveCheck liveCheck(JobSpec spec, long[] counts,
                                                         java.util.function.BiConsumer<EpochRecord, Diagnosis> report,
                                                         boolean stop) {
        return new io.spindle.driver.doctor.LiveCheck(h -> facts(spec, counts, Status.RUNNING, h, Optional.empty(), List.of()),
                report, stop);
    }

    /** @return a probe of a finished trial's kept parameters; empty when it kept none or diverged */
    static List<io.spindle.kernels.Probe.LayerProbe> probe(Trainer trainer, JobSpec spec, PreparedData data,
                                                           MultiLayerConfiguration conf, TrainResult r) {
        if (r.bestEpoch() == 0 || r.status() == Status.DIVERGED || r.params() == null) {
            return List.of();
        }
        return trainer.probe(spec, data, conf, r.params());
    }

    static ArrayNode probeJson(List<io.spindle.kernels.Probe.LayerProbe> probes) {
        ArrayNode a = SpecTrees.MAPPER.createArrayNode();
        for (io.spindle.kernels.Probe.LayerProbe p : probes) {
            ObjectNode n = a.addObject();
            n.put("layer", p.index());
            n.put("units", p.units());
            if (p.relu()) {
                n.put("dead_units", p.dead());
            }
            if (Double.isFinite(p.gradientNorm())) {
                n.put("gradient_norm", p.gradientNorm());
            }
        }
        return a;
    }

    /** Adds the trivial baseline and the diagnoses to a run's summary. */
    static void addDiagnoses(ObjectNode summary, io.spindle.driver.spec.Metric select, java.util.OptionalDouble baseline,
                             List<Diagnosis> diagnoses) {
        if (baseline.isPresent()) {
            ObjectNode b = summary.putObject("baseline");
            b.put("metric", select.spelling());
            b.put("value", baseline.getAsDouble());
            b.put("rule", io.spindle.driver.spec.Metric.regression().contains(select) ? "always the mean of the train targets"
                    : "always the most common train class");
        }
        ArrayNode list = summary.putArray("diagnoses");
        for (Diagnosis d : diagnoses) {
            ObjectNode n = list.addObject();
            n.put("code", d.code());
            n.put("evidence", d.evidence());
            n.put("explanation", d.explanation());
            ArrayNode fix = n.putArray("fix");
            d.fix().forEach(fix::add);
        }
    }

    /**
     * Writes {@code model.zip}: the network with these parameters, the data's fitted normalizer and
     * {@code spindle-model.json} (the fitted input pipeline, the resolved spec and the provenance;
     * see {@link ModelFile}).
     *
     * @param trialId the run or trial the parameters come from, for the provenance
     * @return the model's path
     */
    static String writeModel(OutputDir dir, JobSpec spec, PreparedData data, MultiLayerConfiguration conf, float[] params,
                             String trialId) {
        MultiLayerNetwork net = Networks.forInference(conf, Nd4j.createFromArray(params).reshape(1, params.length));
        DataNormalization normalizer = normalizer(data.normalization(), spec.data().task());
        byte[] manifest = ModelFile.manifest(InputPipeline.of(spec.data(), data.layout(), data.normalization()),
                spec.resolved(), Provenance.of(spec, trialId));
        return dir.write(ModelFile.MODEL_ZIP, o -> ModelZip.write(net, normalizer, Map.of(ModelFile.ENTRY, manifest), o));
    }

    /** Writes an indented JSON file into the folder (temporary file renamed into place). */
    static String writeJson(OutputDir dir, String name, JsonNode node) {
        return dir.write(name, o -> SpecTrees.MAPPER.copy().enable(SerializationFeature.INDENT_OUTPUT).writeValue(o, node));
    }

    /** Writes a regression model's {actual, predicted} pairs on test rows as {@link #PREDICTIONS}. */
    static void writePredictions(OutputDir dir, String target, List<double[]> predictions) {
        StringBuilder csv = new StringBuilder("# " + target + " on test rows, best model\nactual,predicted\n");
        predictions.forEach(p -> csv.append(p[0]).append(',').append(p[1]).append('\n'));
        dir.write(PREDICTIONS, o -> o.write(csv.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    /**
     * Writes a forecast's test windows as {@link #FORECAST}: one row per window, target and horizon
     * step, with the time of that step, the actual and the predicted value (data units).
     */
    static void writeForecast(OutputDir dir, DataSpec.Window w, PreparedData.Forecast f, List<double[]> predictions) {
        if (predictions.size() != f.testTimes().size()) {
            throw new IllegalStateException("forecast has " + f.testTimes().size() + " test windows but "
                    + predictions.size() + " predictions");
        }
        StringBuilder csv = new StringBuilder("series,time,target,step,actual,predicted\n");
        int nt = w.targets().size();
        for (int i = 0; i < predictions.size(); i++) {
            double[] p = predictions.get(i);
            for (int j = 0; j < p.length / 2; j++) {
                int step = j / nt;
                csv.append(csvField(f.testSeries().get(i))).append(',').append(csvField(f.testTimes().get(i).get(step)))
                        .append(',').append(csvField(w.targets().get(j % nt))).append(',').append(step + 1).append(',')
                        .append(p[2 * j]).append(',').append(p[2 * j + 1]).append('\n');
            }
        }
        dir.write(FORECAST, o -> o.write(csv.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    private static String csvField(String v) {
        return v.contains(",") || v.contains("\"") ? "\"" + v.replace("\"", "\"\"") + "\"" : v;
    }

    /** Refuses to resume a folder that another spec (or other --set values) wrote. */
    private static void checkSameSpec(OutputDir dir, JobSpec spec, String output) {
        resumable(dir, output, "provenance.json", "run", "spec", "spec", spec.resolved());
    }

    /**
     * Refuses to resume a folder that is not what this command writes, or that other input wrote.
     *
     * @param dir the folder
     * @param output the folder as the user named it
     * @param file the file that records what wrote the folder
     * @param kind what the folder should be ("run", "sweep")
     * @param field the field of {@code file} that must equal {@code expected}
     * @param what what the user resumes with ("spec", "sweep spec")
     * @param expected what this command would write there
     * @return {@code file}'s content
     * @throws OutputDir.OutputException naming the folder and the first key that differs
     */
    static JsonNode resumable(OutputDir dir, String output, String file, String kind, String field, String what,
                              JsonNode expected) {
        if (!dir.exists(file)) {
            throw new OutputDir.OutputException("--resume: " + output + " holds no " + file + ", so it is not a Spindle "
                    + kind + " folder; choose the folder a " + kind + " wrote, or run without --resume");
        }
        JsonNode recorded = dir.read(file, in -> SpecTrees.MAPPER.readTree(in));
        JsonNode before = recorded.get(field);
        Optional<String> diff = before == null ? Optional.of("the " + what + " is missing there")
                : SpecDigest.firstDifference(before, expected);
        if (diff.isPresent()) {
            throw new OutputDir.OutputException("--resume: " + output + " was written by a different " + what + " ("
                    + diff.get() + "); resume with the same " + (what.equals("spec") ? "spec" : "sweep file")
                    + " and --set values, or choose another --output");
        }
        return recorded;
    }

    /** The last complete checkpoint: the file, or its temporary copy when a crash hit between delete and rename. */
    static Optional<Checkpoint> readCheckpoint(OutputDir dir) {
        for (String name : List.of(CHECKPOINT, OutputDir.temporaryName(CHECKPOINT))) {
            if (dir.exists(name)) {
                String where = dir.path() + "/" + name;
                try {
                    return Optional.of(dir.read(name, in -> Checkpoint.read(in, where)));
                } catch (Checkpoint.CorruptCheckpointException e) {
                    if (name.equals(CHECKPOINT)) {
                        throw new OutputDir.OutputException("--resume: cannot resume: " + e.getMessage() + "; delete it to"
                                + " restart the run from its first epoch, or start afresh with --overwrite");
                    }
                    // an incomplete temporary copy: the crash hit while it was written, before any rename
                    return Optional.empty();
                }
            }
        }
        return Optional.empty();
    }

    static long[] classCounts(JobSpec spec, PreparedData data) {
        if (!spec.data().task().isClassification()) {
            return null;
        }
        int width = data.layout().labelWidth();
        double[] sums = data.train().map(b -> {
            double[] s = new double[b.labelWidth()];
            float[] l = b.labels();
            for (int r = 0; r < b.rows(); r++) {
                for (int c = 0; c < s.length; c++) {
                    s[c] += l[r * s.length + c];
                }
            }
            return s;
        }).filter(s -> s.length == width).fold(new double[width], (a, b) -> {
            double[] c = a.clone();
            for (int i = 0; i < c.length; i++) {
                c[i] += b[i];
            }
            return c;
        });
        if (spec.data().task() == Task.BINARY) {
            long pos = Math.round(sums[0]);
            return new long[] {data.report().trainRows() - pos, pos};
        }
        long[] out = new long[width];
        for (int i = 0; i < width; i++) {
            out[i] = Math.round(sums[i]);
        }
        return out;
    }

    static DataNormalization normalizer(Normalization n, Task task) {
        boolean labels = task == Task.REGRESSION && n.labelShift().length > 0;
        switch (n.kind()) {
            case "standardize": {
                NormalizerStandardize s = new NormalizerStandardize(vec(n.featureShift()), vec(n.featureScale()));
                if (labels) {
                    s = new NormalizerStandardize(vec(n.featureShift()), vec(n.featureScale()), vec(n.labelShift()),
                            vec(n.labelScale()));
                }
                return s;
            }
            case "minmax": {
                NormalizerMinMaxScaler m = new NormalizerMinMaxScaler();
                m.setFeatureStats(vec(n.featureShift()), vec(n.featureShift()).add(vec(n.featureScale())));
                if (labels) {
                    m.fitLabel(true);
                    m.setLabelStats(vec(n.labelShift()), vec(n.labelShift()).add(vec(n.labelScale())));
                }
                return m;
            }
            default:
                return null;
        }
    }

    private static org.nd4j.linalg.api.ndarray.INDArray vec(float[] v) {
        return Nd4j.createFromArray(v).reshape(1, v.length);
    }

    static String line(EpochRecord e, int epochs, String select, double elapsed) {
        return String.format(Locale.ROOT,
                "epoch %3d/%d%s  train_loss %.4f  val_loss %.4f  val_%s %.4f  lr %.3g  %,.0f samples/s  %.1fs elapsed",
                e.epoch(), epochs, e.partial() ? " round " + e.rounds() : "", e.trainLoss(), e.valLoss(), select, e.validation().getOrDefault(select, Double.NaN),
                e.learningRate(), e.samplesPerSecond(), elapsed);
    }

    static String brief(Metrics m, JobSpec spec) {
        StringBuilder sb = new StringBuilder();
        for (String k : spec.metrics().compute()) {
            Double v = m.values().get(k);
            if (v != null) {
                sb.append(sb.length() == 0 ? "" : ", ").append(k).append(String.format(Locale.ROOT, " %.4f", v));
            }
        }
        return sb.toString();
    }

    static ObjectNode summary(JobSpec spec, PreparedData data, TrainResult r) {
        ObjectNode s = SpecTrees.MAPPER.createObjectNode();
        s.put("name", spec.name());
        s.put("status", r.status().name());
        s.put("task", spec.data().task().spelling());
        s.put("epochs_run", r.epochsRun());
        s.put("workers", r.workers());
        s.put("averaging_period", r.averagingPeriod());
        s.put("best_epoch", r.bestEpoch());
        s.put("seconds", r.seconds());
        double sps = EpochRecord.meanSamplesPerSecond(r.epochs());
        s.put("samples_per_s", sps);
        s.put("select", spec.metrics().select());
        s.put("diagnosis", r.diagnosis());
        ObjectNode rows = s.putObject("rows");
        rows.put("train", data.report().trainRows());
        rows.put("validation", data.report().validationRows());
        rows.put("test", data.report().testRows());
        rows.put("skipped", data.report().skippedRows());
        s.set("validation", metrics(r.validation(), data.layout().classes()));
        s.set("test", metrics(r.test(), data.layout().classes()));
        if (!data.layout().classes().isEmpty()) {
            ArrayNode c = s.putArray("classes");
            data.layout().classes().forEach(c::add);
        }
        ArrayNode h = s.putArray("history");
        for (EpochRecord e : r.epochs()) {
            ObjectNode n = h.addObject();
            n.put("epoch", e.epoch());
            if (e.partial()) {
                n.put("rounds", e.rounds());
            }
            n.put("train_loss", e.trainLoss());
            n.put("val_loss", e.valLoss());
            e.validation().forEach((k, v) -> n.put("val_" + k, v));
            ResultRows.trainSample(e).forEach(n::put);
            n.put("lr", e.learningRate());
            n.put("samples_per_s", e.samplesPerSecond());
            n.put("seconds", e.seconds());
        }
        data.forecast().ifPresent(f -> s.set("forecast", forecastJson(f, r.test())));
        ArrayNode w = s.putArray("warnings");
        spec.warnings().forEach(w::add);
        return s;
    }

    /**
     * A windowed run's forecast section: the trivial forecasts' metrics on the same windows and how
     * the model's test RMSE compares with them.
     */
    static ObjectNode forecastJson(PreparedData.Forecast f, Metrics test) {
        ObjectNode o = SpecTrees.MAPPER.createObjectNode();
        o.put("seasonality", f.seasonality());
        o.put("mase_scale", f.maseScale());
        ObjectNode b = o.putObject("baselines");
        b.set("validation", SpecTrees.MAPPER.valueToTree(f.validationBaselines()));
        b.set("test", SpecTrees.MAPPER.valueToTree(f.testBaselines()));
        if (test != null && test.values().containsKey("rmse")) {
            ObjectNode vs = o.putObject("test_rmse_below");
            f.testBaselines().forEach((name, m) -> vs.put(name, rmseBelow(test, m)));
            o.put("verdict", verdict(test, f));
        }
        return o;
    }

    /** @return "test rmse 0.3800; naive 0.4950, seasonal naive (every 52 steps) 1.8730: beats ..." */
    static String forecastLine(Metrics test, PreparedData.Forecast f) {
        return String.format(Locale.ROOT, "test rmse %.4f; naive %.4f, seasonal naive (every %d steps) %.4f: %s",
                test.values().get("rmse"), f.testBaselines().get("naive").get("rmse"), f.seasonality(),
                f.testBaselines().get("seasonal_naive").get("rmse"), verdict(test, f));
    }

    /** @return by how many percent the model's RMSE is below a forecast's (negative: above it) */
    static double rmseBelow(Metrics model, Map<String, Double> baseline) {
        return 100 * (1 - model.values().get("rmse") / baseline.get("rmse"));
    }

    /** @return "beats seasonal naive by 79.7% RMSE" or "trails seasonal naive by 5.0% RMSE" */
    static String verdict(Metrics test, PreparedData.Forecast f) {
        double below = rmseBelow(test, f.testBaselines().get("seasonal_naive"));
        return String.format(Locale.ROOT, "%s seasonal naive by %.1f%% RMSE", below >= 0 ? "beats" : "trails",
                Math.abs(below));
    }

    private static ObjectNode metrics(Metrics m, java.util.List<String> classes) {
        ObjectNode o = SpecTrees.MAPPER.createObjectNode();
        if (m == null) {
            return o;
        }
        for (Map.Entry<String, Double> e : new java.util.TreeMap<>(m.values()).entrySet()) {
            o.put(e.getKey(), e.getValue());
        }
        if (m.confusionMatrix() != null && m.confusionMatrix().length > 0) {
            o.set("confusion_matrix", SpecTrees.MAPPER.valueToTree(m.confusionMatrix()));
        }
        if (m.perClass() != null && !m.perClass().isEmpty()) {
            ObjectNode pc = o.putObject("per_class");
            m.perClass().forEach((k, v) -> {
                int i = Integer.parseInt(k);
                pc.set(i < classes.size() ? classes.get(i) : k, SpecTrees.MAPPER.valueToTree(v));
            });
        }
        return o;
    }
}
