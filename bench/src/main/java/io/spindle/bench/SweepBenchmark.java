package io.spindle.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.spindle.driver.job.SparkSettings;
import io.spindle.driver.job.SweepJob;
import io.spindle.driver.results.DeltaResultStore;
import io.spindle.driver.sweep.SweepParser;
import io.spindle.driver.sweep.SweepSpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.TreeMap;
import org.apache.spark.sql.SparkSession;

/**
 * Runs {@code spindle bench sweep}: the sweeps of a {@link SweepPlan}, one after another through
 * {@link SweepJob#run} (what {@code spindle sweep} runs) on one {@code local[2]} session with
 * Spindle's Spark settings ({@link SparkSettings}: FAIR pools for concurrent trials, Delta result
 * tables), each into its own sub-folder of the output folder, then writes {@code bench-sweep.csv}
 * and {@code bench-sweep.md}. Experiments 1 and 3 train on the digits CSV ({@code --data}),
 * experiment 2 on MNIST-10k ({@code --mnist-data}); a sweep's {@code data.path} is set to its
 * case's file. Two warm-up sweeps run first and are left out (in the full run one on digits as
 * long as experiment 1's parallel sweep, so that the JIT compilers have settled before anything
 * is measured, then a short one on MNIST-10k; see {@link SweepPlan#warmUps()}). The sweeps' own output
 * goes to {@code bench-sweep.log}; standard output gets a line as each sweep starts and ends.
 */
public final class SweepBenchmark {

    /** The bundled sweep file, a resource next to this class. */
    static final String RESOURCE = "bench-sweep.yaml";

    /** The digits CSV, relative to the Spindle checkout: {@code --data}'s default. */
    public static final String DIGITS_DATA = "conf/datasets/digits.csv";

    /**
     * What to run.
     *
     * @param quick small sizes instead of the full run (see {@link SweepPlan#of} for their times)
     * @param output folder for the report files and the sweeps' sub-folders (created; its report
     *     files and the sub-folders of the sweeps it runs are replaced)
     * @param dataset the digits CSV, the data of experiments 1 and 3
     * @param mnist the MNIST-10k CSV ({@code digit} and 784 pixel columns), the data of experiment 2
     */
    public record Options(boolean quick, Path output, Path dataset, Path mnist) {
        public Options {
            Objects.requireNonNull(output, "output");
            if (!Files.isRegularFile(dataset)) {
                throw new IllegalArgumentException("--data: no file " + dataset.toAbsolutePath()
                        + "; point it at " + DIGITS_DATA + " of the Spindle checkout");
            }
            if (!Files.isRegularFile(mnist)) {
                throw new IllegalArgumentException("--mnist-data: no file " + mnist.toAbsolutePath()
                        + "; point it at " + BenchCase.MNIST_DATA + " of the Spindle checkout");
            }
        }

        /**
         * @param data a data set of the benchmark
         * @return its file: {@link #dataset()} for digits, {@link #mnist()} for MNIST-10k
         */
        public Path path(SweepCase.Data data) {
            return data == SweepCase.Data.MNIST10K ? mnist : dataset;
        }
    }

    /**
     * What a benchmark run produced.
     *
     * @param runs the rows written
     * @param failures one line per sweep that failed (its title and error); the others still ran
     */
    public record Outcome(List<SweepRun> runs, List<String> failures) {
        public Outcome {
            runs = List.copyOf(runs);
            failures = List.copyOf(failures);
        }
    }

    private SweepBenchmark() {
    }

    /**
     * @param options what to run
     * @param out progress lines
     * @return the runs written and the sweeps that failed
     * @throws IOException when a report file cannot be written
     */
    public static Outcome run(Options options, PrintWriter out) throws IOException {
        SweepPlan plan = SweepPlan.of(options.quick());
        Path dir = options.output();
        Files.createDirectories(dir);
        Path sweepFile = dir.resolve(SweepReport.SWEEP_FILE);
        Report.write(sweepFile, bundledSweep());
        // every sweep is resolved before anything runs: a bad one fails before Spark starts
        Map<SweepCase, SweepSpec> specs = new LinkedHashMap<>();
        for (SweepCase c : plan.warmUps()) {
            specs.put(c, parse(sweepFile, options.path(c.data()), c));
        }
        for (SweepCase c : plan.cases()) {
            specs.put(c, parse(sweepFile, options.path(c.data()), c));
        }
        SparkSession spark = LocalSpark.start("spindle-bench-sweep",
                SparkSettings.defaults(k -> Optional.ofNullable(System.getProperty(k))));
        try (PrintWriter log = new PrintWriter(Files.newBufferedWriter(dir.resolve(SweepReport.LOG),
                StandardCharsets.UTF_8), true)) {
            return run(options, plan, specs, spark, log, out);
        } finally {
            spark.stop();
        }
    }

    private static Outcome run(Options options, SweepPlan plan, Map<SweepCase, SweepSpec> specs, SparkSession spark,
                               PrintWriter log, PrintWriter out) throws IOException {
        Path dir = options.output();
        List<SweepRun> runs = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        Map<SweepCase, String> warmUps = new LinkedHashMap<>();
        plan.warmUps().forEach(w -> warmUps.put(w, "failed"));
        int n = specs.size() - warmUps.size();
        int i = 0;
        for (Map.Entry<SweepCase, SweepSpec> e : specs.entrySet()) {
            SweepCase c = e.getKey();
            SweepSpec spec = e.getValue();
            boolean isWarmUp = c.experiment().equals(SweepCase.WARM_UP);
            out.println((isWarmUp ? "warm-up (not recorded)" : "[" + ++i + "/" + n + "] " + c.title()) + ": "
                    + describe(spec) + " on " + c.data().label() + "...");
            out.flush();
            try {
                SweepRun run = run(spark, c, spec, dir, log);
                if (isWarmUp) {
                    warmUps.put(c, Report.fmt("%.1f s", run.wallSeconds()));
                    out.println("  warm-up done in " + warmUps.get(c));
                } else {
                    runs.add(run);
                    out.println("  " + line(run));
                }
            } catch (RuntimeException ex) {
                // one failing sweep must not cost the others' results: report it and go on
                String line = c.title() + " failed: " + ex;
                failures.add(line);
                out.println("  " + line);
                log.println(line);
            }
            out.flush();
        }
        Optional<SweepReport.Ceiling> ceiling = plan.cases().stream()
                .filter(c -> c.experiment().equals(SweepCase.PARALLEL_VS_SEQUENTIAL)).findFirst()
                .flatMap(c -> ceiling(spark, c, specs.get(c), options.quick(), failures, out));
        List<String> warmUpNotes = new ArrayList<>();
        warmUps.forEach((w, time) -> warmUpNotes.add(describe(specs.get(w)) + " on " + w.data().label()
                + ", search seed " + w.seed() + ": " + time));
        List<String> notes = new ArrayList<>(settings(options, plan, specs.get(plan.cases().get(0)), warmUpNotes,
                spark));
        failures.forEach(f -> notes.add("FAILED: " + f));
        Report.write(dir.resolve(SweepReport.CSV), SweepReport.csv(runs));
        Report.write(dir.resolve(SweepReport.MD), SweepReport.markdown(notes, runs, options.quick(), ceiling));
        out.println();
        out.print(SweepReport.targetTable(SweepReport.targets(runs), options.quick()));
        out.println("wrote " + dir.resolve(SweepReport.CSV) + ", " + dir.resolve(SweepReport.MD) + " (the sweeps' own "
                + "output: " + dir.resolve(SweepReport.LOG) + ")");
        failures.forEach(f -> out.println("FAILED: " + f));
        out.flush();
        return new Outcome(runs, failures);
    }

    /**
     * Measures the cores' ceiling ({@link CoreCeiling}) on experiment 1's base network and data, after
     * the sweeps (so that it never competes with them).
     *
     * @return the ceiling, or empty when it failed (added to {@code failures})
     */
    private static Optional<SweepReport.Ceiling> ceiling(SparkSession spark, SweepCase c, SweepSpec spec, boolean quick,
                                                         List<String> failures, PrintWriter out) {
        out.println("the cores' ceiling on experiment 1's network: one thread alone, then two trainings at once...");
        out.flush();
        BenchData data = null;
        try {
            data = BenchData.load(spark, spec.base(), 1.0);
            org.deeplearning4j.nn.conf.MultiLayerConfiguration conf =
                    io.spindle.driver.model.ModelBuilder.build(spec.base(), data.prepared().layout(), null);
            List<String> sizes = new ArrayList<>();
            for (int i = 0; i < conf.getConfs().size(); i++) {
                if (conf.getConf(i).getLayer() instanceof org.deeplearning4j.nn.conf.layers.FeedForwardLayer f) {
                    if (sizes.isEmpty()) {
                        sizes.add(Long.toString(f.getNIn()));
                    }
                    sizes.add(Long.toString(f.getNOut()));
                }
            }
            int batch = spec.base().training().batchSize();
            CoreCeiling m = CoreCeiling.measure(conf, data, batch,
                    quick ? TrainingBenchmark.CEILING_QUICK_SECONDS : TrainingBenchmark.CEILING_SECONDS);
            out.println("  " + m.describe());
            out.flush();
            return Optional.of(new SweepReport.Ceiling("MLP " + String.join("-", sizes) + " (the sweep file's base "
                    + "network), batch " + batch + ", " + c.data().label(), m));
        } catch (RuntimeException ex) {
            String line = "the cores' ceiling failed: " + ex;
            failures.add(line);
            out.println("  " + line);
            return Optional.empty();
        } finally {
            if (data != null) {
                data.release();
            }
        }
    }

    /** Runs one sweep into {@code dir/c.folder()} (replacing it) and reads back its summary and trials table. */
    private static SweepRun run(SparkSession spark, SweepCase c, SweepSpec spec, Path dir, PrintWriter log) {
        Path folder = dir.resolve(c.folder());
        log.println("== " + c.title() + " -> " + folder);
        double load = loadAverage();
        long t0 = System.nanoTime();
        ObjectNode summary = SweepJob.run(spark, spec, folder.toString(), new SweepJob.Options(true, false, Duration.ZERO),
                log);
        double wall = (System.nanoTime() - t0) / 1e9;
        List<Map<String, Object>> trials = new DeltaResultStore(spark, folder.toString()).trials();
        double trialSeconds = trials.stream().map(t -> t.get("wall_seconds")).filter(Number.class::isInstance)
                .mapToDouble(v -> ((Number) v).doubleValue()).sum();
        Map<String, Integer> statuses = new TreeMap<>();
        summary.path("statuses").fields().forEachRemaining(s -> statuses.put(s.getKey(), s.getValue().asInt()));
        JsonNode best = summary.path("best");
        OptionalDouble val = number(best.path("val_" + spec.metric()));
        OptionalDouble test = number(best.path("test").path("accuracy"));
        Optional<String> bestTrial = best.path("trial_id").isTextual() ? Optional.of(best.get("trial_id").asText())
                : Optional.empty();
        int started = summary.path("trials").asInt();
        OptionalLong validationRows = validationRows(folder);
        String note = "folder " + c.folder() + "; --set " + String.join(" ", c.overrides()) + "; sweep "
                + summary.path("status").asText() + (summary.has("diagnosis") ? " (" + summary.get("diagnosis").asText()
                + ")" : "") + "; statuses " + statuses + "; trials table: " + trials.size() + " row"
                + (trials.size() == 1 ? "" : "s") + (trials.size() == started ? "" : " for " + started + " trials started")
                + Report.fmt("; 1-minute load average %.1f at its start", load);
        return new SweepRun(c.experiment(), c.variant(), c.seed(), c.repeat(), c.data().label(), validationRows,
                spec.strategy(), spec.scheduler().type(),
                spec.parallelTrials(), started, summary.path("epochs_trained").asInt(), wall,
                summary.path("seconds").asDouble(), trialSeconds, val, test, bestTrial, statuses, note);
    }

    /**
     * @param folder a finished sweep's folder
     * @return the rows of its validation split, from its best trial's {@code summary.json}; empty
     *     when the sweep wrote none (no trial finished) or it cannot be read
     */
    static OptionalLong validationRows(Path folder) {
        Path summary = folder.resolve(SweepJob.BEST).resolve("summary.json");
        if (!Files.isRegularFile(summary)) {
            return OptionalLong.empty();
        }
        try {
            JsonNode rows = new ObjectMapper().readTree(summary.toFile()).path("rows").path("validation");
            return rows.canConvertToLong() ? OptionalLong.of(rows.asLong()) : OptionalLong.empty();
        } catch (IOException e) {
            return OptionalLong.empty();
        }
    }

    /**
     * @param sweepFile the benchmark's sweep file
     * @param dataset the case's data set: the digits or the MNIST-10k CSV (see {@link Options#path})
     * @param c the sweep
     * @return the sweep file with the data path and the case's overrides
     */
    static SweepSpec parse(Path sweepFile, Path dataset, SweepCase c) {
        List<String> overrides = new ArrayList<>();
        // quoted YAML: the value is read as YAML, and a path may hold ':' or spaces
        overrides.add("data.path='" + dataset.toAbsolutePath().toString().replace("'", "''") + "'");
        overrides.addAll(c.overrides());
        return SweepParser.parse(sweepFile, overrides);
    }

    /**
     * @return the bundled sweep file's text
     * @throws IOException when the resource cannot be read
     */
    static String bundledSweep() throws IOException {
        try (InputStream in = SweepBenchmark.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("resource " + RESOURCE + " is missing next to "
                        + SweepBenchmark.class.getName() + "; rebuild the bench module");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static OptionalDouble number(JsonNode n) {
        return n.isNumber() && Double.isFinite(n.asDouble()) ? OptionalDouble.of(n.asDouble()) : OptionalDouble.empty();
    }

    private static String describe(SweepSpec s) {
        int epochs = s.base().training().epochs();
        return String.format(Locale.ROOT, "%d trials x %d epoch%s, %d at once, %s search, %s", s.trials(), epochs,
                epochs == 1 ? "" : "s", s.parallelTrials(), s.strategy(), s.scheduler().type().equals("none")
                        ? "no pruning" : s.scheduler().type() + " (min_epochs " + s.scheduler().minEpochs()
                        + ", reduction factor " + s.scheduler().reductionFactor() + ")");
    }

    private static String line(SweepRun r) {
        return String.format(Locale.ROOT, "%s: %d trials %s, %d epochs in %.1f s; best val_accuracy %s%s; on %s",
                r.title(), r.trials(), r.statuses(), r.epochsTrained(), r.wallSeconds(),
                r.bestValAccuracy().isPresent() ? Report.fmt("%.4f", r.bestValAccuracy().getAsDouble()) : "none",
                r.bestTrial().map(t -> " (" + t + ", test accuracy " + (r.bestTestAccuracy().isPresent()
                        ? Report.fmt("%.4f", r.bestTestAccuracy().getAsDouble()) : "none") + ")").orElse(""),
                SweepReport.data(List.of(r)));
    }

    private static List<String> settings(Options o, SweepPlan p, SweepSpec first, List<String> warmUps,
                                         SparkSession spark) {
        return List.of(
                "mode: " + (o.quick() ? "--quick (few trials of few epochs; the same code paths)" : "full"),
                "run at " + Instant.now().truncatedTo(ChronoUnit.SECONDS) + " on " + Runtime.getRuntime().availableProcessors()
                        + " cores, Java " + System.getProperty("java.version") + ", " + System.getProperty("os.name") + " "
                        + System.getProperty("os.arch") + ", Spark " + org.apache.spark.package$.MODULE$.SPARK_VERSION()
                        + " " + spark.sparkContext().master() + ", spark.scheduler.mode "
                        + spark.sparkContext().getConf().get("spark.scheduler.mode", "FIFO") + ", ND4J CPU backend, "
                        + Threads.current() + " ND4J/BLAS thread(s) per Spark task (OMP_NUM_THREADS="
                        + System.getenv("OMP_NUM_THREADS") + ")",
                "sweep: " + SweepReport.SWEEP_FILE + " (copied into this folder); experiments 1 and 3 on "
                        + o.dataset().toAbsolutePath() + " (" + SweepCase.Data.DIGITS.label() + "), experiment 2 on "
                        + o.mnist().toAbsolutePath() + " (" + SweepCase.Data.MNIST10K.label() + ", --set "
                        + SweepPlan.MNIST_NORMALIZE + "); its MLP, batch " + first.base().training().batchSize() + ", early stopping "
                        + (first.base().training().earlyStopping().enabled() ? "on" : "off") + ", one worker per trial; "
                        + "metric val_" + first.metric() + "; space " + first.space(),
                String.format(Locale.ROOT, "sizes: experiment 1: %d trials x %d epochs, search seed %d, %d run%s a "
                                + "side%s; experiment 2: %d trials x %d epochs, ASHA min_epochs %d, reduction factor "
                                + "%d, an unpruned run and an ASHA run in each form (stopping, promotion) per seed, seeds %s; experiment 3: %d trials x %d "
                                + "epochs per run, 2 at once, seeds %s",
                        p.trials(), p.epochs(), p.seed(), p.repeats(), p.repeats() == 1 ? "" : "s",
                        p.repeats() == 1 ? "" : " in ABBA order", p.ashaTrials(), p.ashaEpochs(), p.ashaMinEpochs(),
                        p.reductionFactor(), p.ashaSeeds(), p.searchTrials(), p.searchEpochs(), p.searchSeeds()),
                "warm-up sweeps (" + String.join("; ", warmUps) + ") ran first and are left out"
                        + (o.quick() ? "" : "; the digits one is as long as experiment 1's parallel sweep so that the "
                        + "JIT compilers, which take about a core for the JVM's first ~30 s, have settled, the "
                        + SweepCase.Data.MNIST10K.label() + " one reads experiment 2's file and takes its code paths "
                        + "once before experiment 2 is measured"),
                String.format(Locale.ROOT, "a shared machine (1-minute load average %.1f when the report was written, "
                        + "each run's at its start in its note below; the benchmark itself adds up to %d): experiment 1 "
                        + "compares medians of %d run%s a side and experiment 2 means over %d seed%s, but treat time "
                        + "differences under ~20%% as noise", loadAverage(), CaseSpec.WORKERS, p.repeats(),
                        p.repeats() == 1 ? "" : "s", p.ashaSeeds().size(), p.ashaSeeds().size() == 1 ? "" : "s"));
    }

    /** @return the machine's 1-minute load average (negative where the OS does not tell) */
    private static double loadAverage() {
        return java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }
}
