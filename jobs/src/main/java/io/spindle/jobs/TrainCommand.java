package io.spindle.jobs;

import io.spindle.driver.job.TrainJob;
import io.spindle.driver.spec.JobSpec;
import io.spindle.driver.spec.SpecParser;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code spindle train SPEC [--output DIR] [--master URL] [--set k=v]... [--overwrite | --resume]}. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train the network a job spec describes and write the model, provenance.json and summary.json.")
final class TrainCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "SPEC", description = "the job spec (YAML)")
    Path specFile;

    @Option(names = {"-o", "--output"}, paramLabel = "DIR",
            description = "output folder, any Hadoop FS URI (default: spindle-out/<spec name>)")
    String output;

    @Mixin
    Main.Master master;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "override a spec key, e.g. --set training.lr=0.01")
    List<String> overrides = new ArrayList<>();

    @Option(names = "--overwrite", description = "replace an existing output folder")
    boolean overwrite;

    @Option(names = "--resume", description = "continue the interrupted run in --output from its last checkpoint"
            + " (same spec and --set values)")
    boolean resume;

    @Mixin
    Main.Common common;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        JobSpec job = SpecParser.parse(specFile, overrides);
        String out = output != null ? output : "spindle-out/" + job.name();
        Signals.graceful();
        Sessions.Handle spark = master.open();
        try {
            var summary = TrainJob.run(spark.session(), job, out,
                    new TrainJob.Options(overwrite, resume, common.verbose,
                            // a terminal gets every epoch; a log file a line every 10 s at most
                            System.console() != null ? java.time.Duration.ZERO : java.time.Duration.ofSeconds(10)),
                    spec.commandLine().getOut());
            String status = summary.get("status").asText();
            if (status.equals(io.spindle.driver.train.Status.INTERRUPTED.name())) {
                int epochs = summary.path("epochs_run").asInt();
                return Main.interrupted(spec.commandLine().getErr(), epochs == 0 ? "before its first epoch ended"
                        : "after epoch " + epochs + " of " + job.training().epochs(), "spindle train " + specFile
                        + " --output " + out + overrides.stream().map(o -> " --set " + o).collect(
                                java.util.stream.Collectors.joining()) + " --resume");
            }
            return status.equals(io.spindle.driver.train.Status.DIVERGED.name()) ? Main.FAILED : 0;
        } finally {
            spark.close();
        }
    }
}
