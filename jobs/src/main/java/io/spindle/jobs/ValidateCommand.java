package io.spindle.jobs;

import io.spindle.driver.spec.JobSpec;
import io.spindle.driver.spec.SpecParser;
import io.spindle.driver.spec.SpecTrees;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code spindle validate SPEC}: prints the resolved spec (preset &lt; file &lt; overrides) and the seeds' warnings. */
@Command(name = "validate", mixinStandardHelpOptions = true,
        description = "Check a job spec, print it fully resolved (preset < file < --set) and warn where it contradicts"
                + " the training guidance.")
final class ValidateCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "SPEC", description = "the job spec (YAML)")
    Path specFile;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "override a spec key")
    List<String> overrides = new ArrayList<>();

    @Mixin
    Main.Common common;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        JobSpec job = SpecParser.parse(specFile, overrides);
        spec.commandLine().getOut().println(SpecTrees.toYaml(job.resolved()).stripTrailing());
        for (String w : job.warnings()) {
            spec.commandLine().getErr().println("warning: " + w);
        }
        spec.commandLine().getErr().println(specFile + ": valid" + (job.warnings().isEmpty() ? "" : ", " + job.warnings().size()
                + " warning(s)"));
        return 0;
    }
}
