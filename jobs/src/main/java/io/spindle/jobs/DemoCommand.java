package io.spindle.jobs;

import io.spindle.driver.job.TrainJob;
import io.spindle.driver.spec.JobSpec;
import io.spindle.driver.spec.SpecParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code spindle demo}: the showcase job on bundled data with an embedded Spark. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Train the showcase job (conf/jobs/digits.yaml: an MLP on handwritten digits) on an embedded"
                + " local Spark and print the result.")
final class DemoCommand implements Callable<Integer> {

    @Option(names = {"-o", "--output"}, paramLabel = "DIR", description = "output folder (default: spindle-out/demo)")
    String output = "spindle-out/demo";

    @Mixin
    Main.Common common;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        Path home = Path.of(System.getProperty("spindle.home", "."));
        Path specFile = home.resolve("conf/jobs/digits.yaml");
        if (!Files.exists(specFile)) {
            throw new io.spindle.driver.spec.SpecException("demo spec " + specFile + " not found: run the demo from the"
                    + " Spindle folder (./spindle demo)");
        }
        JobSpec job = SpecParser.parse(specFile, List.of("data.path=" + home.resolve("conf/datasets/digits.csv")));
        spec.commandLine().getOut().println("Spindle demo: " + job.name() + " (" + specFile + "), an MLP on 1,797 handwritten 8x8 digits,"
                + " on Spark local[*]");
        Sessions.Handle spark = Sessions.open(null);
        try {
            TrainJob.run(spark.session(), job, output, true, spec.commandLine().getOut());
            spec.commandLine().getOut().println("next: ./spindle results " + output + "   ./spindle report " + output);
            return 0;
        } finally {
            spark.close();
        }
    }
}
