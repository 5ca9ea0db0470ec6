package io.spindle.jobs;

import io.spindle.driver.job.SweepJob;
import io.spindle.driver.job.ReportJob;
import io.spindle.driver.sweep.SweepParser;
import io.spindle.driver.sweep.SweepSpec;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code spindle demo}: a small sweep on bundled data with an embedded Spark, its leaderboard and its report. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run the showcase sweep (conf/sweeps/demo.yaml: MLPs on handwritten digits, TPE search, ASHA"
                + " pruning) on an embedded local Spark, print the leaderboard and write the HTML report.")
final class DemoCommand implements Callable<Integer> {

    @Mixin
    CommonOptions.Output folder;

    @Mixin
    CommonOptions.Verbose common;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        Path home = Path.of(System.getProperty("spindle.home", "."));
        Path sweepFile = home.resolve("conf/sweeps/demo.yaml");
        if (!Files.exists(sweepFile)) {
            throw new io.spindle.driver.spec.SpecException("demo sweep " + sweepFile + " not found: run the demo from the"
                    + " Spindle folder (./spindle demo)");
        }
        SweepSpec sweep = SweepParser.parse(sweepFile, List.of("data.path=" + home.resolve("conf/datasets/digits.csv")));
        PrintWriter out = spec.commandLine().getOut();
        String output = folder.orDefault("demo");
        out.println("Spindle demo: " + sweep.trials() + " trials of an MLP on 1,797 handwritten 8x8 digits ("
                + sweepFile + "), " + sweep.parallelTrials() + " at once on Spark local[*]");
        Sessions.Handle spark = Sessions.open(null);
        try {
            var summary = SweepJob.run(spark.session(), sweep, output, new SweepJob.Options(true, false, Duration.ZERO), out);
            out.println();
            out.println("leaderboard (best first):");
            ResultsCommand.print(spark.session(), List.of(output), null, null, 5, "table", out);
            out.println("wrote " + ReportJob.run(spark.session(), output));
            out.println("next: ./spindle results " + output + "   ./spindle sql " + output
                    + " \"SELECT trial_id, max(val_accuracy) FROM epochs GROUP BY trial_id\"");
            return summary.path("status").asText().equals("COMPLETED") ? 0 : Main.FAILED;
        } finally {
            spark.close();
        }
    }
}
