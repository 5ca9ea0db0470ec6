package io.spindle.jobs;

import io.spindle.driver.job.TrainJob;
import io.spindle.driver.spec.JobSpec;
import io.spindle.driver.spec.SpecParser;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code spindle train SPEC [--output DIR] [--master URL] [--set k=v]... [--overwrite | --resume]}. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train the network a job spec describes and write the model, provenance.json and summary.json.")
final class TrainCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "SPEC", description = "the job spec (YAML)")
    Path specFile;

    @Mixin
    CommonOptions.Run run;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        JobSpec job = SpecParser.parse(specFile, run.overrides.values);
        String out = run.output.orDefault(job.name());
        Signals.graceful();
        Sessions.Handle spark = run.master.open();
        try {
            var summary = TrainJob.run(spark.session(), job, out,
                    new TrainJob.Options(run.overwrite.overwrite, run.resume.resume, run.common.verbose,
                            // a terminal gets every epoch; a log file a line every 10 s at most
                            System.console() != null ? java.time.Duration.ZERO : java.time.Duration.ofSeconds(10)),
                    spec.commandLine().getOut());
            String status = summary.get("status").asText();
            if (status.equals(io.spindle.driver.train.Status.INTERRUPTED.name())) {
                int epochs = summary.path("epochs_run").asInt();
                return Main.interrupted(spec.commandLine().getErr(), epochs == 0 ? "before its first epoch ended"
                        : "after epoch " + epochs + " of " + job.training().epochs(), "spindle train " + specFile
                        + " --output " + out + run.overrides.asArguments() + " --resume");
            }
            return status.equals(io.spindle.driver.train.Status.DIVERGED.name()) ? Main.FAILED : 0;
        } finally {
            spark.close();
        }
    }
}
