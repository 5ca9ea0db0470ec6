package io.spindle.jobs;

import io.spindle.driver.job.TrainJob;
import io.spindle.driver.spec.JobSpec;
import io.spindle.driver.spec.SpecParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
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

    @Override
    public Integer call() {
        Path home = Path.of(System.getProperty("spindle.home", "."));
        Path spec = home.resolve("conf/jobs/digits.yaml");
        if (!Files.exists(spec)) {
            throw new io.spindle.driver.spec.SpecException("demo spec " + spec + " not found: run the demo from the"
                    + " Spindle folder (./spindle demo)");
        }
        JobSpec job = SpecParser.parse(spec, List.of("data.path=" + home.resolve("conf/datasets/digits.csv")));
        System.out.println("Spindle demo: " + job.name() + " (" + spec + "), an MLP on 1,797 handwritten 8x8 digits,"
                + " on Spark local[*]");
        SparkSession spark = Sessions.open(null);
        try {
            TrainJob.run(spark, job, output, true, System.out);
            return 0;
        } finally {
            spark.stop();
        }
    }
}
