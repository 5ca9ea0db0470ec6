package io.spindle.jobs;

import io.spindle.driver.job.DoctorJob;
import io.spindle.driver.spec.JobSpec;
import io.spindle.driver.spec.SpecParser;
import io.spindle.driver.sweep.SweepParser;
import java.nio.file.Path;
import java.util.OptionalDouble;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code spindle doctor SPEC --output DIR [--runs N] [--time-budget 30m] [--set k=v]... [--overwrite | --resume]}. */
@Command(name = "doctor", mixinStandardHelpOptions = true,
        description = "Train the spec, diagnose the run, apply the first prescribed fix and train again, until no"
                + " diagnosis is left, two steps in a row bring no improvement, or the runs or the time budget are"
                + " spent. Every step is a trial in the result tables; the best step by validation goes to DIR/best/.")
final class DoctorCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "SPEC", description = "the job spec (YAML)")
    Path specFile;

    @Option(names = "--runs", paramLabel = "N", description = "the most trainings, the first included (default: ${DEFAULT-VALUE})")
    int runs = 6;

    @Option(names = "--time-budget", paramLabel = "DURATION", description = "wall-clock budget such as 90s, 30m or 2h;"
            + " a step running past it stops after its next epoch")
    String timeBudget;

    @Mixin
    CommonOptions.Run run;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        OptionalDouble budget = timeBudget == null ? OptionalDouble.empty()
                : OptionalDouble.of(SweepParser.seconds(timeBudget, "--time-budget"));
        DoctorJob.Options options = new DoctorJob.Options(runs, budget, run.overwrite.overwrite, run.resume.resume,
                System.console() != null ? java.time.Duration.ZERO : java.time.Duration.ofSeconds(10));
        JobSpec job = SpecParser.parse(specFile, run.overrides.values);
        String out = run.output.orDefault(job.name() + "-doctor");
        Signals.graceful();
        Sessions.Handle spark = run.master.open();
        try {
            var summary = DoctorJob.run(spark.session(), job, out, options, spec.commandLine().getOut());
            if (summary.path("status").asText().equals(io.spindle.driver.train.Status.INTERRUPTED.name())) {
                return Main.interrupted(spec.commandLine().getErr(), "during " + summary.path("step").asText(),
                        "spindle doctor " + specFile + " --output " + out + " --runs " + runs
                                + (timeBudget == null ? "" : " --time-budget " + timeBudget)
                                + run.overrides.asArguments() + " --resume");
            }
            return summary.path("status").asText().equals(io.spindle.driver.train.Status.FAILED.name()) ? Main.FAILED : 0;
        } finally {
            spark.close();
        }
    }
}
