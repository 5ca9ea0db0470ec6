package io.spindle.jobs;

import io.spindle.driver.job.SweepJob;
import io.spindle.driver.sweep.SweepParser;
import io.spindle.driver.sweep.SweepSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code spindle sweep SWEEP [--output DIR] [--master URL] [--set k=v]... [--overwrite | --resume]}. */
@Command(name = "sweep", mixinStandardHelpOptions = true,
        description = "Run a hyperparameter sweep: many trials of a job spec at once, searched by grid, random or TPE,"
                + " pruned by ASHA, Hyperband or the median rule; the best model goes to DIR/best/.")
final class SweepCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "SWEEP", description = "the sweep file (YAML): a job spec with a sweep section,"
            + " or one that extends a job spec")
    Path sweepFile;

    @Option(names = {"-o", "--output"}, paramLabel = "DIR",
            description = "output folder, any Hadoop FS URI (default: spindle-out/<sweep file name>)")
    String output;

    @Mixin
    Main.Master master;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "override a job key or a sweep key, e.g. --set training.epochs=10 --set sweep.trials=8")
    List<String> overrides = new ArrayList<>();

    @Option(names = "--overwrite", description = "replace an existing output folder")
    boolean overwrite;

    @Option(names = "--resume", description = "continue the interrupted sweep in --output (same sweep file and --set"
            + " values): finished trials are kept, running ones restart from their last checkpoint")
    boolean resume;

    @Mixin
    Main.Common common;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        SweepSpec sweep = SweepParser.parse(sweepFile, overrides);
        String out = output != null ? output : "spindle-out/" + sweep.base().name();
        Signals.graceful();
        Sessions.Handle spark = master.open();
        try {
            var summary = SweepJob.run(spark.session(), sweep, out, new SweepJob.Options(overwrite, resume,
                    // a terminal gets a status line after every trial; a log file one every 10 s at most
                    System.console() != null ? java.time.Duration.ZERO : java.time.Duration.ofSeconds(10)),
                    spec.commandLine().getOut());
            if (summary.path("status").asText().equals(io.spindle.driver.train.Status.INTERRUPTED.name())) {
                long n = summary.path("interrupted_trials").asLong();
                return Main.interrupted(spec.commandLine().getErr(), "with " + summary.path("finished_trials").asLong()
                        + " trial(s) finished and " + n + " stopped at their last checkpoint", "spindle sweep "
                        + sweepFile + " --output " + out + overrides.stream().map(o -> " --set " + o).collect(
                                java.util.stream.Collectors.joining()) + " --resume");
            }
            return summary.path("status").asText().equals("COMPLETED") ? 0 : Main.FAILED;
        } finally {
            spark.close();
        }
    }
}
