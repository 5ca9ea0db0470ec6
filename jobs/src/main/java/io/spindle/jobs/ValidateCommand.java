package io.spindle.jobs;

import io.spindle.driver.job.TrainJob;
import io.spindle.driver.spec.JobSpec;
import io.spindle.driver.spec.SpecParser;
import io.spindle.driver.spec.SpecTrees;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code spindle validate SPEC}: runs every check {@code train} runs before it trains (the spec,
 * then the data is read and the network built for it), prints the resolved spec (preset &lt; file
 * &lt; overrides) and the warnings. "valid" means {@code train} will start.
 */
@Command(name = "validate", mixinStandardHelpOptions = true,
        description = "Check a job spec and its data as train does before it trains (so \"valid\" means train will"
                + " start), print the spec fully resolved (preset < file < --set) and warn where it contradicts the"
                + " training guidance or the data.")
final class ValidateCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "SPEC", description = "the job spec (YAML)")
    Path specFile;

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
        JobSpec job = SpecParser.parse(specFile, overrides.values);
        List<String> warnings = new ArrayList<>(job.warnings());
        Sessions.Handle spark = master.open();
        try {
            TrainJob.Checked checked = TrainJob.check(spark.session(), job);
            warnings.addAll(checked.warnings());
            checked.data().train().unpersist(false);
        } finally {
            spark.close();
        }
        spec.commandLine().getOut().println(SpecTrees.toYaml(job.resolved()).stripTrailing());
        for (String w : warnings) {
            spec.commandLine().getErr().println("warning: " + w);
        }
        spec.commandLine().getErr().println(specFile + ": valid" + (warnings.isEmpty() ? "" : ", " + warnings.size()
                + " warning(s)"));
        return 0;
    }
}
