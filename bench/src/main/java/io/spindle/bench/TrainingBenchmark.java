package io.spindle.bench;

import io.spindle.driver.model.ModelBuilder;
import io.spindle.driver.spec.JobSpec;
import io.spindle.driver.train.RoundStats;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.stream.IntStream;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;

/**
 * Runs {@code spindle bench training}: loads each case's data once (MNIST-10k for the MLP cases,
 * the weekly CO2 series for the sequence case, each when its first case comes up), trains every
 * case with every system of its budget on one {@code local[2]} Spark session, one system at a time,
 * and writes the report files. Timings are of training only: every system is evaluated on the same
 * test rows after every epoch, off the clock.
 */
public final class TrainingBenchmark {

    /** Test accuracy the time-to-target columns refer to. */
    public static final double TARGET = 0.95;
    /** Fraction of the rows the quick run keeps. */
    public static final double QUICK_KEEP = 0.5;
    /** Training seconds of each measurement of the cores' ceiling ({@link CoreCeiling}); about 8x this in all. */
    static final double CEILING_SECONDS = 5;
    /**
     * The untimed Spindle training before a case's first Spindle row: at most this many epochs,
     * stopping after the first epoch past {@link #WARM_UP_SECONDS}.
     */
    static final int WARM_UP_EPOCHS = 2;
    /** See {@link #WARM_UP_EPOCHS}. */
    static final double WARM_UP_SECONDS = 3;
    /** The same in the quick run. */
    static final double CEILING_QUICK_SECONDS = 1;

    /**
     * What to run.
     *
     * @param quick few epochs on half the MNIST rows (~3 minutes) instead of the full run (~12, at most ~30 minutes)
     * @param output folder for the report files (created; its report files are replaced)
     * @param bandwidthGbps network bandwidth the cost model assumes, Gbit/s
     * @param dataset the MNIST-10k CSV of the MLP cases ({@code --data})
     * @param cases case names to run, all when empty
     * @param averagingPeriod Spindle's {@code cluster.averaging_period}, or empty for the trainer's
     *     default
     * @param cluster also run {@code mnist-mlp}'s Spindle case on a 2-worker standalone cluster
     *     ({@link StandaloneRunner}) right after its {@code local[2]} run
     * @param home the Spindle checkout the cluster is started from ({@code deploy/standalone.sh},
     *     the application jar); only used with {@code cluster}
     * @param co2Dataset the weekly CO2 series of the sequence case ({@code --co2-data})
     */
    public record Options(boolean quick, Path output, double bandwidthGbps, Path dataset, List<String> cases,
                          OptionalInt averagingPeriod, boolean cluster, Path home, Path co2Dataset) {
        public Options {
            if (averagingPeriod.isPresent() && averagingPeriod.getAsInt() < 1) {
                throw new IllegalArgumentException("--averaging-period must be >= 1 minibatch, got "
                        + averagingPeriod.getAsInt());
            }
            cases = List.copyOf(cases);
            if (!(bandwidthGbps > 0) || Double.isInfinite(bandwidthGbps)) {
                throw new IllegalArgumentException("--bandwidth-gbps must be a positive number, got " + bandwidthGbps);
            }
            List<String> names = cases;
            List<BenchCase> selected = BenchCase.defaults(quick).stream()
                    .filter(c -> names.isEmpty() || names.contains(c.name())).toList();
            if (selected.stream().anyMatch(c -> c.kind() != BenchCase.Kind.SEQUENCE) && !Files.isRegularFile(dataset)) {
                throw new IllegalArgumentException("--data: no file " + dataset.toAbsolutePath()
                        + "; point it at " + BenchCase.MNIST_DATA + " of the Spindle checkout");
            }
            List<String> known = BenchCase.defaults(quick).stream().map(BenchCase::name).toList();
            for (String c : cases) {
                if (!known.contains(c)) {
                    throw new IllegalArgumentException("--case: unknown case '" + c + "'; choose from " + known);
                }
            }
            if (cluster) {
                if (!cases.isEmpty() && !cases.contains(Systems.MNIST)) {
                    throw new IllegalArgumentException("--cluster compares with Spindle's " + Systems.MNIST + " run on local["
                            + CaseSpec.WORKERS + "]: add --case " + Systems.MNIST + " (or leave --case out)");
                }
                StandaloneRunner.checkReady(home);
            }
            if (selected.stream().anyMatch(c -> c.kind() == BenchCase.Kind.SEQUENCE) && !Files.isRegularFile(co2Dataset)) {
                throw new IllegalArgumentException("--co2-data: no file " + co2Dataset.toAbsolutePath()
                        + "; point it at " + BenchCase.CO2_DATA + " of the Spindle checkout (or leave out --case "
                        + Systems.CO2 + ")");
            }
        }

        /**
         * @param c a case
         * @return the data set it trains on
         */
        public Path datasetOf(BenchCase c) {
            return c.kind() == BenchCase.Kind.SEQUENCE ? co2Dataset : dataset;
        }
    }

    /**
     * What a benchmark run produced.
     *
     * @param rows the result rows written
     * @param failures one line per system that failed (its case, name and error); the others still ran
     */
    public record Outcome(List<ResultRow> rows, List<String> failures) {
        public Outcome {
            rows = List.copyOf(rows);
            failures = List.copyOf(failures);
        }
    }

    private TrainingBenchmark() {
    }

    /**
     * @param options what to run
     * @param out progress lines
     * @return the rows written and the systems that failed
     * @throws IOException when a report file cannot be written
     */
    public static Outcome run(Options options, PrintWriter out) throws IOException {
        List<BenchCase> cases = BenchCase.defaults(options.quick()).stream()
                .filter(c -> options.cases().isEmpty() || options.cases().contains(c.name())).toList();
        return run(options, cases, out);
    }

    /**
     * Runs given cases (e.g. with budgets of their own) with the settings of the options; their
     * case selection is not used.
     *
     * @param options the settings
     * @param cases the cases to run, in order
     * @param out progress lines
     * @return the rows written and the systems that failed
     * @throws IOException when a report file cannot be written
     */
    static Outcome run(Options options, List<BenchCase> cases, PrintWriter out) throws IOException {
        if (cases.isEmpty()) {
            throw new IllegalArgumentException("no benchmark case to run");
        }
        Files.createDirectories(options.output());
        SparkSession spark = LocalSpark.start("spindle-bench", Map.of());
        try {
            return run(options, cases, spark, out);
        } finally {
            spark.stop();
        }
    }

    private static Outcome run(Options options, List<BenchCase> cases, SparkSession spark, PrintWriter out)
            throws IOException {
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        // one load per kind of case: the MLP cases share MNIST-10k
        Map<BenchCase.Kind, BenchData> loaded = new java.util.EnumMap<>(BenchCase.Kind.class);
        List<SystemRun> runs = new ArrayList<>();
        List<RoundCosts> rounds = new ArrayList<>();
        Map<String, CostModel> models = new LinkedHashMap<>();
        List<String> failures = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        double cnnFlops = Double.NaN;
        Map<String, CoreCeiling> ceilings = new LinkedHashMap<>();
        java.util.Set<String> warmed = new java.util.HashSet<>();
        int defaultThreads = Threads.current();
        try {
            for (BenchCase c : cases) {
                BenchData data = loaded.get(c.kind());
                if (data == null) {
                    try {
                        data = load(spark, options, c, out);
                    } catch (RuntimeException ex) {
                        // the other cases' data may still load: report this case and go on
                        String line = c.name() + " failed: its data did not load: " + ex;
                        failures.add(line);
                        out.println("  " + line);
                        out.flush();
                        continue;
                    }
                    loaded.put(c.kind(), data);
                }
                for (Map.Entry<String, Budget> e : c.budgets().entrySet()) {
                    String system = e.getKey();
                    Budget budget = e.getValue();
                    JobSpec spec = CaseSpec.spec(c, options.datasetOf(c), budget.maxEpochs(), options.averagingPeriod(),
                            system.equals(Systems.SPINDLE_UNSCALED) ? "none" : "");
                    MultiLayerConfiguration conf = ModelBuilder.build(spec, data.prepared().layout(), null);
                    if (c.kind() == BenchCase.Kind.CNN) {
                        cnnFlops = Flops.trainingFlopsPerSample(conf, InputType.convolutionalFlat(28, 28, 1));
                    }
                    Optional<String> python = Optional.empty();
                    if (system.equals(Systems.PYTORCH)) {
                        python = PyTorchRunner.python();
                        if (python.isEmpty()) {
                            String line = c.name() + " / " + system + " skipped: no python3 can import torch; get it with "
                                    + PyTorchRunner.HOW_TO_GET;
                            skipped.add(line);
                            out.println(line);
                            out.flush();
                            continue;
                        }
                    }
                    if (system.equals(Systems.SINGLE_JVM)) {
                        // before the single JVM's row: the case's first training in this JVM pays for the JIT
                        // compiler's warm-up, which the ceiling's untimed warm-up takes instead
                        try {
                            out.println(c.name() + " / the cores' ceiling: one thread alone, then two trainings at once...");
                            CoreCeiling ceiling = CoreCeiling.measure(conf, data, c.batchSize(),
                                    options.quick() ? CEILING_QUICK_SECONDS : CEILING_SECONDS);
                            ceilings.put(c.name(), ceiling);
                            out.println("  " + ceiling.describe());
                        } catch (RuntimeException ex) {
                            String line = c.name() + " / the cores' ceiling failed: " + ex;
                            failures.add(line);
                            out.println("  " + line);
                        }
                        out.flush();
                    }
                    if ((system.equals(Systems.SPINDLE) || system.equals(Systems.SPINDLE_UNSCALED)) && warmed.add(c.name())) {
                        // before the case's first Spindle row: its first data-parallel training in this JVM pays for
                        // the JIT compiler's warm-up of Spark's scheduling and the trainer's rounds (the ceiling
                        // warmed DL4J only); an untimed short training takes it instead
                        Budget warm = new Budget(WARM_UP_EPOCHS, options.quick() ? 1 : WARM_UP_SECONDS);
                        out.printf(Locale.ROOT, "%s / Spindle's warm-up: an untimed training of at most %d epochs...%n",
                                c.name(), warm.maxEpochs());
                        out.flush();
                        try {
                            // the row's own spec and network: the warm budget ends it after its first epochs
                            SpindleRunner.run(c.name(), system, sc, spec, conf, data, warm);
                        } catch (RuntimeException ex) {
                            // the measured row will say what is wrong; a warm-up that fails only warms less
                            out.println("  the warm-up failed: " + ex);
                        }
                    }
                    out.printf(Locale.ROOT, "%s / %s: training (at most %d %s, %.0f s)...%n", c.name(), system,
                            budget.maxEpochs(), system.equals(Systems.MLLIB) ? "iterations" : "epochs", budget.maxSeconds());
                    out.flush();
                    double load = loadAverage();
                    SystemRun run;
                    OptionalInt period = OptionalInt.empty();
                    try {
                        run = switch (system) {
                            case Systems.SINGLE_JVM -> {
                                // the single JVM may use every core; the Spark systems run one BLAS thread per task
                                int threads = Threads.singleJvm();
                                try {
                                    yield SingleJvmRunner.run(c.name(), system, conf, data, c.batchSize(), budget, threads);
                                } finally {
                                    Threads.set(defaultThreads);
                                }
                            }
                            case Systems.SINGLE_JVM_BUILTIN -> {
                                int threads = Threads.singleJvm();
                                try {
                                    yield SingleJvmRunner.run(c.name(), system, conf, data, c.batchSize(), budget, threads);
                                } finally {
                                    Threads.set(defaultThreads);
                                }
                            }
                            case Systems.PYTORCH -> PyTorchRunner.run(c.name(), python.get(), data, c.hidden().get(0),
                                    c.batchSize(), budget, options.output().resolve("pytorch"));
                            case Systems.SPINDLE -> {
                                SpindleRunner.Result r = SpindleRunner.run(c.name(), system, sc, spec, conf, data, budget);
                                RoundCosts costs = RoundCosts.of(c.name(), r.rounds());
                                rounds.add(costs);
                                // each worker returns its parameters and updater state as floats, like the broadcast
                                models.put(c.name(), new CostModel(costs.computeMs(), costs.overheadMs(),
                                        costs.stateBytes(), costs.stateBytes()));
                                period = OptionalInt.of(r.averagingPeriod());
                                yield r.run();
                            }
                            case Systems.SPINDLE_UNSCALED -> SpindleRunner.run(c.name(), system, sc, spec, conf, data, budget).run();
                            case Systems.PATM_5 -> ParameterAveragingRunner.run(c.name(), system, sc, conf, data,
                                    c.batchSize(), 5, budget);
                            case Systems.PATM_20 -> ParameterAveragingRunner.run(c.name(), system, sc, conf, data,
                                    c.batchSize(), 20, budget);
                            case Systems.MLLIB -> MllibRunner.run(c.name(), spark, data, layers(c, data), budget);
                            default -> throw new IllegalStateException("no runner for system " + system);
                        };
                    } catch (RuntimeException | IOException ex) {
                        // one failing system must not cost the others' results: report it and go on
                        String line = c.name() + " / " + system + " failed: " + ex;
                        failures.add(line);
                        out.println("  " + line);
                        out.flush();
                        continue;
                    }
                    // the machine may be shared: record how busy it was when this system started
                    run = new SystemRun(run.caseName(), run.system(), run.points(), run.note()
                            + String.format(Locale.ROOT, "; 1-minute load average %.1f at its start", load));
                    runs.add(run);
                    out.println("  " + line(run));
                    out.flush();
                    if (options.cluster() && c.name().equals(Systems.MNIST) && system.equals(Systems.SPINDLE)) {
                        try {
                            runs.addAll(standalone(options, c, run, period.getAsInt(), data, out));
                        } catch (RuntimeException ex) {
                            // like any other system: report it (the script's output tail on the console, its
                            // first line in the report) and let the rest of the benchmark run
                            String line = c.name() + " / " + Systems.SPINDLE_STANDALONE + " failed: " + ex.getMessage();
                            out.println("  " + line);
                            out.flush();
                            failures.add(line.lines().findFirst().orElse(line));
                        }
                    }
                }
            }
        } finally {
            loaded.values().forEach(BenchData::release);
        }
        List<ResultRow> rows = runs.stream().map(r -> ResultRow.of(r, TARGET)).toList();
        List<String> settings = settings(options, cases, loaded, defaultThreads);
        Path dir = options.output();
        Report.write(dir.resolve(Report.TRAINING_CSV), Report.trainingCsv(rows));
        boolean rmse = Report.hasRmse(rows);
        if (rmse) {
            Report.write(dir.resolve(Report.RMSE_CSV), Report.rmseCsv(rows));
        } else {
            // the report files of an earlier run are replaced, this one included
            Files.deleteIfExists(dir.resolve(Report.RMSE_CSV));
        }
        Report.write(dir.resolve(Report.ROUNDS_CSV), Report.roundsCsv(rounds));
        List<String> notes = new ArrayList<>(settings);
        skipped.forEach(f -> notes.add("SKIPPED: " + f));
        failures.forEach(f -> notes.add("FAILED: " + f));
        Report.write(dir.resolve(Report.TRAINING_MD), Report.markdown(notes, rows, runs, rounds, models,
                options.bandwidthGbps(), TARGET, cnnFlops, ceilings));
        out.println();
        out.print(Report.resultTables(rows, TARGET));
        out.println();
        out.print(Report.ratioTable(Report.ratios(runs, TARGET)));
        Report.standaloneRatio(runs).ifPresent(r -> out.println("target: " + Report.standaloneTarget(r)));
        Report.standaloneFreshRatio(runs).ifPresent(r -> out.println("target: " + Report.standaloneFreshTarget(r)));
        Report.cnnRatio(runs).ifPresent(r -> out.println("target: " + Report.cnnTarget(r)));
        Report.cnnHelpers(runs).ifPresent(line -> out.println("(" + line + ")"));
        double flops = cnnFlops;
        Report.cnnTable(runs, flops).ifPresent(t -> out.print("\n" + t + "\n"));
        Report.standaloneAfterFirstEpoch(runs).ifPresent(line -> out.println("(" + line + ")"));
        Report.sequenceRatio(runs).ifPresent(r -> out.println("target: " + Report.sequenceTarget(r)));
        Report.sequenceDetails(runs).ifPresent(line -> out.println("(" + line + ")"));
        out.println("wrote " + dir.resolve(Report.TRAINING_CSV) + ", " + (rmse ? dir.resolve(Report.RMSE_CSV) + ", " : "")
                + dir.resolve(Report.TRAINING_MD) + ", " + dir.resolve(Report.ROUNDS_CSV));
        skipped.forEach(f -> out.println("SKIPPED: " + f));
        failures.forEach(f -> out.println("FAILED: " + f));
        out.flush();
        return new Outcome(rows, failures);
    }

    /**
     * Runs Spindle's case on the standalone cluster, as {@code local} ran it, after the same job
     * submitted with {@code --master local[2]}.
     *
     * @return the fresh local run, then the cluster's
     * @throws RuntimeException when it failed; the cluster is stopped either way
     */
    private static List<SystemRun> standalone(Options options, BenchCase c, SystemRun local, int period, BenchData data,
                                              PrintWriter out) {
        out.printf(Locale.ROOT, "%s / %s: training on a standalone cluster (%d epochs as on local[%d], after the same job "
                + "with --master local[%d] in a fresh JVM; starts and stops the cluster, ~2-3 minutes more)...%n", c.name(),
                Systems.SPINDLE_STANDALONE, local.epochs(), CaseSpec.WORKERS, CaseSpec.WORKERS);
        out.flush();
        double load = loadAverage();
        List<SystemRun> runs = new ArrayList<>();
        for (SystemRun run : StandaloneRunner.run(new StandaloneRunner.Request(c, local.epochs(), period,
                local.last().trainSeconds(), data, options.home(), options.output().resolve(StandaloneRunner.FOLDER)),
                out)) {
            run = new SystemRun(run.caseName(), run.system(), run.points(), run.note()
                    + String.format(Locale.ROOT, "; 1-minute load average %.1f when the cluster step started", load));
            out.println("  " + line(run));
            runs.add(run);
        }
        List<SystemRun> all = new ArrayList<>(runs);
        all.add(local);
        Report.standaloneRatio(all).ifPresent(r -> out.println("  " + Report.standaloneTarget(r)));
        Report.standaloneFreshRatio(all).ifPresent(r -> out.println("  " + Report.standaloneFreshTarget(r)));
        out.flush();
        return runs;
    }

    /** @return the machine's 1-minute load average (negative where the OS does not tell) */
    private static double loadAverage() {
        return java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    private static int[] layers(BenchCase c, BenchData data) {
        return IntStream.concat(IntStream.concat(IntStream.of(data.prepared().layout().featureWidth()),
                c.hidden().stream().mapToInt(Integer::intValue)), IntStream.of(data.prepared().layout().labelWidth()))
                .toArray();
    }

    /**
     * Loads the data of a case's kind and says so.
     *
     * @return the data
     */
    private static BenchData load(SparkSession spark, Options options, BenchCase c, PrintWriter out) {
        long t0 = System.nanoTime();
        JobSpec spec = CaseSpec.spec(c, options.datasetOf(c), 1, options.averagingPeriod(), "none");
        if (c.kind() != BenchCase.Kind.SEQUENCE) {
            BenchData data = BenchData.load(spark, spec, options.quick() ? QUICK_KEEP : 1.0);
            out.printf(Locale.ROOT, "data%s: %d train rows, %d test rows, %d features (%.1f s to load)%n",
                    c.kind() == BenchCase.Kind.CNN ? " of " + c.name() + " (28x28x1 images)" : "", data.train().rows(),
                    data.test().rows(), data.prepared().layout().featureWidth(), (System.nanoTime() - t0) / 1e9);
            out.flush();
            return data;
        }
        BenchData data = BenchData.loadSequence(spark, spec);
        int steps = data.shape().sequenceSteps();
        out.printf(Locale.ROOT, "data of %s: %d train windows, %d test windows of %d steps x %d feature(s) (%.1f s to load)%n",
                c.name(), data.train().rows(), data.test().rows(), steps, data.prepared().layout().featureWidth() / steps,
                (System.nanoTime() - t0) / 1e9);
        out.flush();
        return data;
    }

    private static String line(SystemRun r) {
        if (r.quality() != Quality.ACCURACY) {
            return String.format(Locale.ROOT, "%s / %s: %d epochs, %,.0f samples/s, final %s %.4f", r.caseName(),
                    r.system(), r.epochs(), r.samplesPerSecond(), r.quality().label(), r.finalValue());
        }
        OptionalDouble t = r.secondsTo(TARGET);
        return String.format(Locale.ROOT, "%s / %s: %d %s, %,.0f samples/s, final accuracy %.4f, %s", r.caseName(),
                r.system(), r.epochs(), r.system().equals(Systems.MLLIB) ? "iterations" : "epochs",
                r.samplesPerSecond(), r.finalAccuracy(),
                t.isPresent() ? String.format(Locale.ROOT, "%.0f%% after %.1f s", TARGET * 100, t.getAsDouble())
                        : String.format(Locale.ROOT, "%.0f%% not reached", TARGET * 100));
    }

    private static List<String> settings(Options o, List<BenchCase> cases, Map<BenchCase.Kind, BenchData> loaded,
                                         int threads) {
        BenchData mnist = loaded.get(BenchCase.Kind.MLP);
        BenchData co2 = loaded.get(BenchCase.Kind.SEQUENCE);
        BenchData cnn = loaded.get(BenchCase.Kind.CNN);
        List<String> out = new ArrayList<>();
        out.add("mode: " + (o.quick() ? "--quick (few epochs, " + (int) (QUICK_KEEP * 100) + "% of the rows"
                + (co2 != null ? "; every window of " + Systems.CO2 : "") + ")" : "full"));
        out.add("run at " + Instant.now().truncatedTo(ChronoUnit.SECONDS) + " on " + Runtime.getRuntime().availableProcessors()
                + " cores, Java " + System.getProperty("java.version") + ", " + System.getProperty("os.name") + " "
                + System.getProperty("os.arch") + ", Spark " + org.apache.spark.package$.MODULE$.SPARK_VERSION()
                + " local[" + CaseSpec.WORKERS + "], ND4J CPU backend, " + threads
                + " ND4J/BLAS thread(s) per Spark task (OMP_NUM_THREADS=" + System.getenv("OMP_NUM_THREADS") + ")");
        if (mnist != null || (co2 == null && cnn == null)) {
            out.add("data: " + o.dataset().getFileName() + ", " + (mnist == null ? "not loaded" : mnist.train().rows()
                    + " train / " + mnist.test().rows() + " test rows") + " (seeded 80/20 hash split, seed "
                    + CaseSpec.SPLIT_SEED + "), pixels / 255; every "
                    + "system is evaluated on the same test rows after every epoch, off the training clock");
            out.add("models: MLP with ReLU hidden layers, softmax + cross-entropy, Adam 1e-3, no dropout, seed "
                    + CaseSpec.SEED + "; the DL4J systems share one configuration built by Spindle's ModelBuilder");
        }
        if (cnn != null) {
            out.add(String.format(Locale.ROOT, "%s data: %s as 28x28x1 images, %d train / %d test rows (the same "
                    + "seeded split), pixels / 255; model: conv 32 3x3 same -> max pool 2 -> conv 64 3x3 same -> max pool 2 "
                    + "-> dense 128 -> 10, Adam 1e-3, batch 64 (per worker for Spindle), seed %d; layer kernels of the "
                    + "Spindle and %s rows in this JVM: %s", Systems.CNN, o.dataset().getFileName(), cnn.train().rows(),
                    cnn.test().rows(), CaseSpec.SEED, Systems.SINGLE_JVM, io.spindle.kernels.nn.OneDnn.jvmPath()));
        }
        if (co2 != null) {
            int steps = co2.shape().sequenceSteps();
            out.add(String.format(Locale.ROOT, "%s data: %s, weekly CO2 in windows of %d weeks predicting the next "
                    + "(conf/jobs/co2.yaml: missing weeks interpolated, level: last, standardized on the train part), "
                    + "%d train / %d test windows (time split: the first 70%% of the series trains, the last 30%% "
                    + "(validation and test parts) tests); naive forecast (the window's last value) on the same test "
                    + "windows: RMSE %.4f", Systems.CO2, o.co2Dataset().getFileName(), steps, co2.train().rows(),
                    co2.test().rows(), co2.naiveRmse()));
            out.add("model of " + Systems.CO2 + ": the timeseries preset (RMSprop at its default rate, He init, MSE) "
                    + "with LSTM layer(s) of " + cases.stream().filter(c -> c.kind() == BenchCase.Kind.SEQUENCE)
                    .map(c -> c.hidden() + " units, batch " + c.batchSize() + " (per worker)").findFirst().orElse("?")
                    + " and a linear output, seed " + CaseSpec.SEED + ", early stopping off; both systems share one "
                    + "configuration built by Spindle's ModelBuilder; quality: test RMSE in ppm (lower is better), by "
                    + "Spindle's EvaluationKernel for both");
        }
        out.add(mnist != null || cnn != null || co2 == null
                ? String.format(Locale.ROOT, "target: %.0f%% test accuracy; cost model bandwidth %s Gbit/s", TARGET * 100,
                        Report.number(o.bandwidthGbps()))
                : String.format(Locale.ROOT, "cost model bandwidth %s Gbit/s", Report.number(o.bandwidthGbps())));
        if (co2 != null) {
            out.add(String.format(Locale.ROOT, "target of %s: Spindle 2 workers >= %.1fx single-JVM samples/s",
                    Systems.CO2, Report.SEQUENCE_TARGET));
        }
        out.add(String.format(Locale.ROOT, "before each case's first Spindle row, an untimed Spindle training of at most "
                + "%d epochs (stopping after the first past %.0f s) takes the JIT compiler's warm-up of Spark and the "
                + "trainer; before its single-JVM row, the cores' ceiling takes DL4J's", WARM_UP_EPOCHS,
                o.quick() ? 1 : WARM_UP_SECONDS));
        out.add(String.format(Locale.ROOT, "one noisy run on a shared machine (1-minute load average %.1f when the "
                + "report was written, each system's at its start in its note below; the benchmark itself adds "
                + "up to %d): treat differences under ~20%% as noise", loadAverage(), CaseSpec.WORKERS));
        return out;
    }
}
