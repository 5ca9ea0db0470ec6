package io.spindle.jobs;

import io.spindle.driver.job.LrFindJob;
import io.spindle.driver.spec.JobSpec;
import io.spindle.driver.spec.SpecParser;
import io.spindle.driver.train.RangeTest;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code spindle lr-find SPEC [--set k=v]... [--min 1e-7] [--max 10] [--steps 100] [--output DIR]}. */
@Command(name = "lr-find", mixinStandardHelpOptions = true,
        description = "Run the learning-rate range test (Smith 2017) on the spec's data and workers: the rate grows"
                + " exponentially per round from --min to --max until the smoothed loss blows up; prints the suggested"
                + " training.lr and writes lr-find.csv, lr-find.svg and lr-find.json (no model is kept).")
final class LrFindCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "SPEC", description = "the job spec (YAML); its training.lr is not used")
    Path specFile;

    @Option(names = "--min", paramLabel = "LR", description = "the first rate (default: ${DEFAULT-VALUE})")
    double min = RangeTest.Settings.DEFAULT.min();

    @Option(names = "--max", paramLabel = "LR", description = "the last rate (default: ${DEFAULT-VALUE})")
    double max = RangeTest.Settings.DEFAULT.max();

    @Option(names = "--steps", paramLabel = "N", description = "rounds from --min to --max, one minibatch per worker"
            + " each (default: ${DEFAULT-VALUE})")
    int steps = RangeTest.Settings.DEFAULT.steps();

    @Mixin
    CommonOptions.Output output;

    @Mixin
    CommonOptions.Overwrite overwrite;

    @Mixin
    CommonOptions.Overrides overrides;

    @Mixin
    CommonOptions.Master master;

    @Mixin
    CommonOptions.Verbose common;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        RangeTest.Settings settings = new RangeTest.Settings(min, max, steps);
        JobSpec job = SpecParser.parse(specFile, overrides.values);
        String out = output.orDefault(job.name() + "-lr-find");
        Sessions.Handle spark = master.open();
        try {
            LrFindJob.run(spark.session(), job, settings, out, overwrite.overwrite, spec.commandLine().getOut());
            return 0;
        } finally {
            spark.close();
        }
    }
}
