package io.spindle.jobs;

import io.spindle.driver.results.ResultFormat;
import io.spindle.driver.results.ResultViews;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code spindle sql DIR... "SELECT ..." [--format table|csv|json]}. */
@Command(name = "sql", mixinStandardHelpOptions = true,
        description = "Run a read-only Spark SQL query (SELECT, WITH ... SELECT, VALUES or TABLE) over the result"
                + " tables of one or more run folders, registered as the views trials and epochs (their sweep_id"
                + " column tells the folders apart); anything that would write or change the session is refused.")
final class SqlCommand implements Callable<Integer> {

    @Parameters(arity = "2..*", paramLabel = "DIR... QUERY", description = "run folders, then the query (last)")
    List<String> args = new ArrayList<>();

    @Mixin
    CommonOptions.Format format;

    @Mixin
    CommonOptions.Master master;

    @Mixin
    CommonOptions.Verbose common;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        String format = this.format.checked();
        String query = args.get(args.size() - 1);
        Sessions.Handle spark = master.open();
        try {
            ResultViews.register(spark.session(), args.subList(0, args.size() - 1));
            ResultFormat.print(ResultViews.query(spark.session(), query), format, spec.commandLine().getOut());
            return 0;
        } finally {
            spark.close();
        }
    }
}
