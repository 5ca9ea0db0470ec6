package io.spindle.bench;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code spindle bench}: benchmarks that compare Spindle with other ways to train. Exit codes:
 * 0 ok, 1 a benchmark failed, 2 bad usage.
 */
@Command(name = "spindle bench", mixinStandardHelpOptions = true, versionProvider = BenchMain.Version.class,
        description = {"Benchmarks: Spindle side by side with single-JVM DL4J, DL4J's parameter averaging and Spark MLlib "
                + "(training); Spindle's hyperparameter sweeps (sweep); batch prediction (predict); memory and threads over a "
                + "long sweep (soak); several runs' tables merged into the docs (publish)."},
        subcommands = {BenchMain.Training.class, BenchMain.Sweep.class, BenchMain.Predict.class,
                BenchMain.Soak.class, BenchMain.PublishCommand.class, CommandLine.HelpCommand.class})
public final class BenchMain implements Callable<Integer> {

    /** Exit code of a benchmark that failed. */
    public static final int FAILED = 1;
    /** Exit code of bad usage. */
    public static final int BAD_USAGE = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return BAD_USAGE;
    }

    /**
     * @param args command line, e.g. {@code training --quick}
     */
    public static void main(String[] args) {
        io.spindle.kernels.NativeMemory.defaults(); // before ND4J loads
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /**
     * Runs the command line without exiting.
     *
     * @param args command line
     * @param out standard output
     * @param err standard error
     * @return the exit code
     */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        boolean verbose = List.of(args).contains("--verbose");
        quietLogs(verbose);
        CommandLine cli = new CommandLine(new BenchMain());
        cli.setOut(out);
        cli.setErr(err);
        cli.setParameterExceptionHandler((ex, a) -> {
            err.println("error: " + ex.getMessage());
            err.println("see: spindle bench " + (ex.getCommandLine().getCommandSpec().parent() == null ? ""
                    : ex.getCommandLine().getCommandName() + " ") + "--help");
            return BAD_USAGE;
        });
        cli.setExecutionExceptionHandler((ex, c, parse) -> {
            boolean usage = ex instanceof IllegalArgumentException;
            err.println("error: " + describe(ex));
            if (verbose) {
                ex.printStackTrace(err);
            } else if (!usage) {
                err.println("(run with --verbose for the stack trace)");
            }
            err.flush();
            return usage ? BAD_USAGE : FAILED;
        });
        int code = cli.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    private static String describe(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && (c.getMessage() == null || c.getMessage().isBlank())) {
            c = c.getCause();
        }
        return c instanceof IllegalArgumentException || c instanceof IllegalStateException ? c.getMessage()
                : c.getClass().getSimpleName() + (c.getMessage() == null ? "" : ": " + c.getMessage().split("\n")[0]);
    }

    private static void quietLogs(boolean verbose) {
        Configurator.setRootLevel(verbose ? Level.INFO : Level.WARN);
        if (!verbose) {
            for (String logger : List.of("org.apache.spark", "org.apache.hadoop", "org.sparkproject", "org.nd4j",
                    "org.deeplearning4j")) {
                Configurator.setLevel(logger, Level.ERROR);
            }
        }
    }

    /** {@code --verbose}, declared once for every bench command (read by {@link #run} before parsing). */
    static class Verbose {
        @Option(names = "--verbose", description = "log more, and print stack traces of errors")
        boolean verbose;
    }

    /** @return the Spindle checkout the default data paths are relative to (the launcher's spindle.home) */
    static Path home() {
        return Path.of(System.getProperty("spindle.home", "."));
    }

    /** Version line: Spindle, Spark, Java. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"spindle bench " + io.spindle.driver.job.Provenance.spindleVersion() + " (Spark "
                    + org.apache.spark.package$.MODULE$.SPARK_VERSION() + ", Java " + System.getProperty("java.version") + ")"};
        }
    }

    /** {@code spindle bench training}. */
    @Command(name = "training", mixinStandardHelpOptions = true, versionProvider = BenchMain.Version.class,
            description = {"Trains the same MLPs on MNIST-10k (same data, model and seed) with single-JVM DL4J, "
                    + "Spindle (2 workers), DL4J's ParameterAveragingTrainingMaster (2 workers, averaging every 5 and "
                    + "20 minibatches) and Spark MLlib's MultilayerPerceptronClassifier, all on local[2], and writes "
                    + "bench-training.csv, bench-training.md and bench-rounds.csv (replacing earlier ones).",
                    "The sequence case " + Systems.CO2 + " (conf/jobs/co2.yaml's LSTM forecaster on the weekly CO2 "
                    + "series) runs single-JVM DL4J and Spindle (2 workers), scored by test RMSE (bench-training-rmse.csv; "
                    + "target: Spindle >= 1.3x single-JVM samples/s).",
                    "With --cluster, " + Systems.MNIST + "'s Spindle case also runs on a 2-worker standalone cluster "
                    + "(target: >= 0.8x its local[2] samples/s); its files go to DIR/standalone.",
                    "The full run takes about 12 minutes on 2 cores (time budgets cap it near 30); --quick about 3."})
    static final class Training implements Callable<Integer> {

        @Option(names = "--quick", description = "a few epochs on half the MNIST rows (about 3 minutes)")
        boolean quick;

        @Option(names = "--output", paramLabel = "DIR", defaultValue = "bench-out",
                description = "folder for the report files (default: ${DEFAULT-VALUE})")
        Path output;

        @Option(names = "--bandwidth-gbps", paramLabel = "GBPS", defaultValue = "10",
                description = "network bandwidth the cost model assumes, Gbit/s (default: ${DEFAULT-VALUE})")
        double bandwidthGbps;

        @Option(names = "--data", paramLabel = "FILE",
                description = "the MNIST-10k CSV (default: " + BenchCase.MNIST_DATA + " of the Spindle checkout)")
        Path data;

        @Option(names = "--co2-data", paramLabel = "FILE",
                description = "the weekly CO2 series of " + Systems.CO2 + " (default: " + BenchCase.CO2_DATA
                        + " of the Spindle checkout)")
        Path co2Data;

        @Option(names = "--case", paramLabel = "NAME",
                description = "run only this case (repeatable): " + Systems.MNIST + ", " + Systems.LARGE + ", "
                        + Systems.CO2)
        List<String> cases = new ArrayList<>();

        @Option(names = "--single-jvm-threads", paramLabel = "N",
                description = "ND4J/BLAS threads of the single-JVM baseline (default: every core)")
        Integer singleJvmThreads;

        @Option(names = "--averaging-period", paramLabel = "K",
                description = "Spindle's cluster.averaging_period in minibatches (default: the trainer's default)")
        Integer averagingPeriod;

        @Option(names = "--cluster", description = "also train " + Systems.MNIST + "'s Spindle case on a 2-worker "
                + "standalone cluster (deploy/standalone.sh: separate executor JVMs) and compare with local[2]; "
                + "needs the application jar (mvn -pl jobs,deploy -am package -DskipTests), ~1-2 minutes more")
        boolean cluster;

        @CommandLine.Mixin
        Verbose verbose;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            Path home = home();
            Path dataset = data != null ? data : home.resolve(BenchCase.MNIST_DATA);
            Path co2 = co2Data != null ? co2Data : home.resolve(BenchCase.CO2_DATA);
            TrainingBenchmark.Options options = new TrainingBenchmark.Options(quick, output, bandwidthGbps, dataset, cases,
                    averagingPeriod == null ? OptionalInt.empty() : OptionalInt.of(averagingPeriod), cluster, home, co2);
            if (singleJvmThreads != null) {
                Threads.configureSingleJvm(singleJvmThreads);
            }
            TrainingBenchmark.Outcome outcome = TrainingBenchmark.run(options, spec.commandLine().getOut());
            return outcome.failures().isEmpty() ? 0 : FAILED;
        }
    }

    /** {@code spindle bench predict}. */
    @Command(name = "predict", mixinStandardHelpOptions = true, versionProvider = BenchMain.Version.class,
            description = {"Predicts MNIST-10k repeated 20 times (200,000 rows) with the same trained network five ways "
                    + "on local[2]: spindle predict (Parquet in and out, the model's own pipeline), the ML API's "
                    + "SpindleClassificationModel.transform, MLlib's MultilayerPerceptronClassificationModel.transform "
                    + "with the same layer sizes, and single-JVM DL4J (every core) twice; writes bench-predict.csv and "
                    + "bench-predict.md (replacing earlier ones).",
                    "Single-JVM DL4J is measured twice: output() alone on rows in memory, and the same job as spindle "
                    + "predict (parquet-mr reads the files, output() predicts, a CSV file gets the rows).",
                    "Targets: spindle predict >= 1.6x single-JVM rows/s on " + Systems.MNIST + ", and faster than "
                    + "MLlib's transform; the task results sent to the driver stay flat in the rows predicted.",
                    "Up to 3 rounds per system (a system stops after 150 s of rounds); the full run takes about 25 "
                    + "minutes on 2 cores, most of it MLlib on " + Systems.LARGE + "; --case " + Systems.MNIST
                    + " about 9; --quick (50,000 rows, 1 round) about 4."})
    static final class Predict implements Callable<Integer> {

        @Option(names = "--quick", description = "50,000 rows and one round per system (about 4 minutes)")
        boolean quick;

        @Option(names = "--output", paramLabel = "DIR", defaultValue = "bench-out",
                description = "folder for the report files (default: ${DEFAULT-VALUE})")
        Path output;

        @Option(names = "--data", paramLabel = "FILE",
                description = "the MNIST-10k CSV (default: " + BenchCase.MNIST_DATA + " of the Spindle checkout)")
        Path data;

        @Option(names = "--case", paramLabel = "NAME",
                description = "run only this case (repeatable): " + Systems.MNIST + ", " + Systems.LARGE)
        List<String> cases = new ArrayList<>();

        @Option(names = "--rounds", paramLabel = "N", defaultValue = "0",
                description = "rounds per system, the median counts (default: 3, or 1 with --quick)")
        int rounds;

        @CommandLine.Mixin
        Verbose verbose;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            if (rounds < 0) {
                throw new IllegalArgumentException("--rounds must be >= 1, got " + rounds);
            }
            Path home = home();
            PredictBenchmark.run(new PredictBenchmark.Options(quick, output, data != null ? data
                    : home.resolve(BenchCase.MNIST_DATA), cases, rounds), spec.commandLine().getOut());
            return 0;
        }
    }

    /** {@code spindle bench sweep}. */
    @Command(name = "sweep", mixinStandardHelpOptions = true, versionProvider = BenchMain.Version.class,
            description = {"Runs MLP sweeps with spindle sweep's runner on local[2] (one worker per trial) and "
                    + "writes bench-sweep.csv and bench-sweep.md (replacing earlier ones), each sweep in its own "
                    + "sweep-* folder, after warm-up sweeps (on digits as long as experiment 1's parallel one, then a "
                    + "short one on MNIST-10k): 1. on digits, the same random-search trials two at a time vs one at "
                    + "a time, 2 runs a side in ABBA order (target: median >= 1.8x faster); 2. on MNIST-10k (a "
                    + "~1,500-row validation split), 12 trials x 9 epochs under ASHA vs unpruned for 3 seeds (target: "
                    + "mean best val accuracy within 0.5 points using <= 1/3 of the epochs); 3. on digits, TPE vs "
                    + "random search at equal trial budget, mean best val accuracy over 5 seeds.",
                    "The full run is estimated at about 10 minutes on 2 quiet cores and 20 on a busy machine "
                    + "(experiment 2 on MNIST-10k is most of it); --quick took 3 minutes on a busy one."})
    static final class Sweep implements Callable<Integer> {

        @Option(names = "--quick", description = "a few trials of a few epochs, one run a side, 1 ASHA seed and 2 "
                + "search seeds, tiny warm-ups (about 3 minutes)")
        boolean quick;

        @Option(names = "--output", paramLabel = "DIR", defaultValue = "bench-out",
                description = "folder for the report files and the sweeps (default: ${DEFAULT-VALUE})")
        Path output;

        @Option(names = "--data", paramLabel = "FILE",
                description = "the digits CSV of experiments 1 and 3 (default: " + SweepBenchmark.DIGITS_DATA
                        + " of the Spindle checkout)")
        Path data;

        @Option(names = "--mnist-data", paramLabel = "FILE",
                description = "the MNIST-10k CSV of experiment 2 (default: " + BenchCase.MNIST_DATA
                        + " of the Spindle checkout)")
        Path mnistData;

        @CommandLine.Mixin
        Verbose verbose;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            Path home = home();
            Path dataset = data != null ? data : home.resolve(SweepBenchmark.DIGITS_DATA);
            Path mnist = mnistData != null ? mnistData : home.resolve(BenchCase.MNIST_DATA);
            SweepBenchmark.Outcome outcome = SweepBenchmark.run(new SweepBenchmark.Options(quick, output, dataset,
                    mnist), spec.commandLine().getOut());
            return outcome.failures().isEmpty() ? 0 : FAILED;
        }
    }

    /** {@code spindle bench soak}. */
    @Command(name = "soak", mixinStandardHelpOptions = true, versionProvider = BenchMain.Version.class,
            description = {"Runs one sweep of many tiny digits trials (a dense 16-unit network, 2 epochs, random search "
                    + "over the learning rate, 2 at a time) on local[2] and samples after every trial the driver's used "
                    + "heap after forced GC, the live threads and the executor caches; writes bench-soak.csv and "
                    + "bench-soak.md and prints trial 50 against the last (targets: heap growth < 50 MB, threads flat).",
                    "The 200 trials take several minutes on 2 cores; --trials 40 about a fifth of that."})
    static final class Soak implements Callable<Integer> {

        @Option(names = "--trials", paramLabel = "N", defaultValue = "200",
                description = "trials in the sweep (default: ${DEFAULT-VALUE})")
        int trials;

        @Option(names = "--output", paramLabel = "DIR", defaultValue = "bench-out/soak",
                description = "folder for the report files and the sweep (default: ${DEFAULT-VALUE})")
        Path output;

        @Option(names = "--data", paramLabel = "FILE",
                description = "the digits CSV (default: conf/datasets/digits.csv of the Spindle checkout)")
        Path data;

        @CommandLine.Mixin
        Verbose verbose;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            Path dataset = data != null ? data : home().resolve(SweepBenchmark.DIGITS_DATA);
            boolean met = SoakBenchmark.run(new SoakBenchmark.Options(trials, output, dataset), spec.commandLine().getOut());
            return met ? 0 : FAILED;
        }
    }

    /** {@code spindle bench publish}. */
    @Command(name = "publish", mixinStandardHelpOptions = true, versionProvider = BenchMain.Version.class,
            description = {"Merges the tables of several benchmark runs' reports (bench-training.md, bench-sweep.md, ...) "
                    + "into the documentation: every block marked <!-- bench-table FILE \"HEADING\" N --> ... "
                    + "<!-- /bench-table --> gets the N-th table under HEADING of FILE, each figure the median of the "
                    + "runs with every run's figure in brackets; <!-- bench-runs FILE --> ... <!-- /bench-runs --> lists "
                    + "the runs. Blocks of reports none of the runs has are left as they are.",
                    "Example: spindle bench publish bench-out/run1 bench-out/run2 bench-out/run3"})
    static final class PublishCommand implements Callable<Integer> {

        @CommandLine.Parameters(paramLabel = "RUN", arity = "1..*",
                description = "the --output folders of bench runs, in the order their figures are listed")
        List<Path> runs = new ArrayList<>();

        @Option(names = "--docs", paramLabel = "FILE",
                description = "the documentation file with the markers (default: docs/benchmarks.md of the Spindle checkout)")
        Path docs;

        @Option(names = "--group", paramLabel = "NAME", description = "replace the markers of this group"
                + " (<!-- bench-table NAME:FILE ... -->: tables measured by other runs, e.g. a case run on its own);"
                + " default: the markers without a group")
        String group;

        @CommandLine.Mixin
        Verbose verbose;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            Path file = docs != null ? docs : home().resolve("docs/benchmarks.md");
            Publish.Outcome o = Publish.publish(file, runs, java.util.Optional.ofNullable(group));
            spec.commandLine().getOut().println("wrote " + file + ": " + o.replaced() + " block(s) from " + runs.size()
                    + " run(s), " + o.kept() + " left as they were (their reports are not in these runs)");
            return 0;
        }
    }
}
