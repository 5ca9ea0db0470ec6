package io.spindle.jobs;

import io.spindle.driver.job.ReportJob;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code spindle report DIR}. */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Write DIR/report.html: one self-contained page (charts embedded as SVG) with the leaderboard,"
                + " training curves, the best model's confusion matrix and, for sweeps, the hyperparameters' effect.")
final class ReportCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "DIR", description = "a run folder (--output of train or sweep)")
    String dir;

    @Mixin
    CommonOptions.Master master;

    @Mixin
    CommonOptions.Verbose common;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        Sessions.Handle spark = master.open();
        try {
            spec.commandLine().getOut().println("wrote " + ReportJob.run(spark.session(), dir));
            return 0;
        } finally {
            spark.close();
        }
    }
}
