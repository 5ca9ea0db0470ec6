package io.spindle.jobs;

import io.spindle.driver.job.SweepJob;
import io.spindle.driver.sweep.SweepParser;
import io.spindle.driver.sweep.SweepSpec;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code spindle sweep SWEEP [--output DIR] [--master URL] [--set k=v]... [--overwrite | --resume]}. */
@Command(name = "sweep", mixinStandardHelpOptions = true,
        description = "Run a hyperparameter sweep: many trials of a job spec at once, searched by grid, random or TPE,"
                + " pruned by ASHA, Hyperband or the median rule; the best model goes to DIR/best/.")
final class SweepCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "SWEEP", description = "the sweep file (YAML): a job spec with a sweep section,"
            + " or one that extends a job spec")
    Path sweepFile;

    @Mixin
    CommonOptions.Run run;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        SweepSpec sweep = SweepParser.parse(sweepFile, run.overrides.values);
        String out = run.output.orDefault(sweep.base().name());
        Signals.graceful();
        Sessions.Handle spark = run.master.open();
        try {
            var summary = SweepJob.run(spark.session(), sweep, out, new SweepJob.Options(run.overwrite.overwrite, run.resume.resume,
                    // a terminal gets a status line after every trial; a log file one every 10 s at most
                    System.console() != null ? java.time.Duration.ZERO : java.time.Duration.ofSeconds(10)),
                    spec.commandLine().getOut());
            if (summary.path("status").asText().equals(io.spindle.driver.train.Status.INTERRUPTED.name())) {
                long n = summary.path("interrupted_trials").asLong();
                return Main.interrupted(spec.commandLine().getErr(), "with " + summary.path("finished_trials").asLong()
                        + " trial(s) finished and " + n + " stopped at their last checkpoint", "spindle sweep "
                        + sweepFile + " --output " + out + run.overrides.asArguments() + " --resume");
            }
            return summary.path("status").asText().equals("COMPLETED") ? 0 : Main.FAILED;
        } finally {
            spark.close();
        }
    }
}
