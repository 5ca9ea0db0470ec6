package io.spindle.jobs;

import io.spindle.driver.data.DataException;
import io.spindle.driver.job.OutputDir;
import io.spindle.driver.job.Provenance;
import io.spindle.driver.spec.SpecException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code spindle} command line and the {@code spark-submit} main class. Exit codes: 0 ok,
 * 1 the job failed, 2 bad usage or bad input.
 */
@Command(name = "spindle", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Distributed deep-learning training and hyperparameter sweeps on Apache Spark.",
        subcommands = {TrainCommand.class, SweepCommand.class, LrFindCommand.class, DoctorCommand.class, ValidateCommand.class, SchemaCommand.class, DemoCommand.class,
                ResultsCommand.class, SqlCommand.class, ReportCommand.class, PredictCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Callable<Integer> {

    /** Exit code of a job that ran and failed. */
    public static final int FAILED = 1;
    /** Exit code of bad usage or bad input. */
    public static final int BAD_INPUT = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return BAD_INPUT;
    }

    /**
     * @param args command line
     */
    public static void main(String[] args) {
        io.spindle.kernels.NativeMemory.defaults(); // before ND4J loads
        Signals.install();
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /**
     * Runs the CLI without exiting (for tests and embedding).
     *
     * @param args command line
     * @param out standard output
     * @param err standard error
     * @return the exit code
     */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        boolean verbose = java.util.Arrays.asList(args).contains("--verbose");
        quietLogs(verbose);
        CommandLine cli = new CommandLine(new Main());
        cli.setOut(out);
        cli.setErr(err);
        cli.setExitCodeExceptionMapper(e -> e instanceof IllegalArgumentException ? BAD_INPUT : FAILED);
        cli.setParameterExceptionHandler((ex, a) -> {
            err.println("error: " + ex.getMessage());
            err.println("see: spindle " + (ex.getCommandLine().getCommandName().equals("spindle") ? ""
                    : ex.getCommandLine().getCommandName() + " ") + "--help");
            return BAD_INPUT;
        });
        cli.setExecutionExceptionHandler((ex, c, parse) -> {
            Throwable root = userError(ex);
            Throwable unreadable = root == null ? unreadableOnExecutor(ex) : null;
            if (unreadable != null) {
                root = unreadable;
                err.println("error: an executor cannot read its input (" + unreadable.getMessage().split("\n")[0]
                        + "): on a cluster, data.path must be a path every executor can read (hdfs://, s3a:// or a"
                        + " shared file system), not a file on the driver's machine only");
            } else {
                err.println("error: " + (root != null ? root.getMessage() : describe(ex)));
            }
            if (verbose) {
                ex.printStackTrace(err);
            } else if (root == null) {
                err.println("(run with --verbose for the stack trace)");
            }
            err.flush();
            return root != null ? BAD_INPUT : FAILED;
        });
        if (gpuBuild()) {
            // load CUDA before ND4J does: ND4J prints a stack trace of its own when it cannot
            try {
                org.bytedeco.javacpp.Loader.load(Class.forName("org.bytedeco.cuda.global.cudart"));
            } catch (Throwable e) {
                err.println("error: " + backendMessage(e));
                if (verbose) {
                    e.printStackTrace(err);
                }
                err.flush();
                return BAD_INPUT;
            }
        }
        int code;
        try {
            code = cli.execute(args);
        } catch (LinkageError e) {
            // ND4J's backend failed to load (picocli passes errors on): the GPU build without a GPU, say
            err.println("error: " + backendMessage(e));
            if (verbose) {
                e.printStackTrace(err);
            }
            code = gpuBuild() ? BAD_INPUT : FAILED;
        }
        out.flush();
        err.flush();
        return code;
    }

    /** @return whether this is the GPU build (ND4J's CUDA backend on the classpath) */
    static boolean gpuBuild() {
        try {
            Class.forName("org.nd4j.linalg.jcublas.JCublasBackend", false, Main.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    /** @return what to tell about an error that stopped ND4J from loading */
    static String backendMessage(Throwable e) {
        String cause = "";
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof UnsatisfiedLinkError || c.getMessage() != null && cause.isEmpty()) {
                cause = String.valueOf(c.getMessage()).split("\n")[0].replaceFirst("^.*/[^/ ]+\\.so: ", "");
            }
        }
        if (gpuBuild()) {
            return "this is the GPU build of Spindle (ND4J on CUDA 11.6) and it found no usable NVIDIA GPU here ("
                    + cause + "): run it where an NVIDIA GPU and the CUDA 11.6 libraries are, or build the CPU"
                    + " version (mvn -B -DskipTests package, without -Pgpu)";
        }
        return "ND4J could not load its native backend (" + cause + "); run with --verbose for the details";
    }

    /** @return the user-input error in the cause chain (spec, data, output), or null */
    static Throwable userError(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof SpecException || c instanceof DataException || c instanceof OutputDir.OutputException
                    || c instanceof io.spindle.driver.results.ResultViews.ResultsException
                    || c instanceof io.spindle.driver.predict.ModelException
                    || c instanceof Sessions.ClusterException) {
                return c;
            }
        }
        return null;
    }

    /** @return a missing or unreadable file behind a failed Spark task, or null */
    static Throwable unreadableOnExecutor(Throwable t) {
        boolean spark = false;
        for (Throwable c = t; c != null; c = c.getCause()) {
            spark |= c instanceof org.apache.spark.SparkException;
            if (spark && (c instanceof java.io.FileNotFoundException || c instanceof java.nio.file.AccessDeniedException
                    || c.getClass().getName().equals("org.apache.hadoop.security.AccessControlException"))) {
                return c;
            }
        }
        return null;
    }

    private static String describe(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && (c.getMessage() == null || c.getMessage().isBlank())) {
            c = c.getCause();
        }
        return c.getClass().getSimpleName() + (c.getMessage() == null ? "" : ": " + c.getMessage().split("\n")[0]);
    }

    static void quietLogs(boolean verbose) {
        Level level = verbose ? Level.INFO : Level.WARN;
        Configurator.setRootLevel(level);
        if (!verbose) {
            // Spark's own errors arrive as the command's one-line message; its log lines and stack traces
            // (e.g. every failed connection to a master that refuses the secret) only with --verbose
            Configurator.setLevel("org.apache.spark", Level.OFF);
            Configurator.setLevel("io.netty", Level.OFF);
            Configurator.setLevel("org.apache.hadoop", Level.ERROR);
            Configurator.setLevel("org.sparkproject", Level.ERROR);
            Configurator.setLevel("org.nd4j", Level.ERROR);
            Configurator.setLevel("org.deeplearning4j", Level.ERROR);
        }
    }

    /** Version line: Spindle, Spark, DL4J, Java. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"spindle " + Provenance.spindleVersion() + " (Spark "
                    + org.apache.spark.package$.MODULE$.SPARK_VERSION() + ", Java " + System.getProperty("java.version") + ")"};
        }
    }

    /**
     * Ends a training command that a signal stopped: one line on standard error naming the signal,
     * the epochs kept and the command that continues.
     *
     * @param err standard error
     * @param what what stopped ("after epoch 3", "2 trials at their last checkpoint")
     * @param resume the command line that continues
     * @return the exit code (128 + the signal's number)
     */
    static int interrupted(PrintWriter err, String what, String resume) {
        err.println("interrupted by SIG" + io.spindle.driver.job.Shutdown.signal().orElse("TERM") + " " + what
                + "; continue with: " + resume);
        err.flush();
        return io.spindle.driver.job.Shutdown.exitCode();
    }

}
