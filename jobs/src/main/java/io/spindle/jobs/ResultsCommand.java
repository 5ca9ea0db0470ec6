package io.spindle.jobs;

import io.spindle.driver.results.ResultFormat;
import io.spindle.driver.results.ResultViews;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code spindle results DIR... [--top N] [--sort COL] [--where EXPR] [--format table|csv|json]}. */
@Command(name = "results", mixinStandardHelpOptions = true,
        description = "Print the trials of one or more run folders, best first (by each trial's selected"
                + " validation metric) unless --sort says otherwise.")
final class ResultsCommand implements Callable<Integer> {

    /** Columns of the aligned table (CSV and JSON print every column). */
    static final List<String> TABLE_COLUMNS = List.of("sweep_id", "trial_id", "status", "changes", "epochs_run",
            "best_epoch", "select_metric", "best_val", "diagnosis");

    @Parameters(arity = "1..*", paramLabel = "DIR", description = "run folders (--output of train, sweep or doctor)")
    List<String> dirs = new ArrayList<>();

    @Option(names = "--top", paramLabel = "N", description = "print only the first N trials")
    Integer top;

    @Option(names = "--sort", paramLabel = "COL", description = "sort by a column, ascending; -COL sorts descending")
    String sort;

    @Option(names = "--where", paramLabel = "EXPR", description = "keep the trials a Spark SQL condition holds for,"
            + " e.g. \"status = 'COMPLETED' AND training_lr < 0.01\"")
    String where;

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
        if (top != null && top < 1) {
            throw new ResultViews.ResultsException("--top must be >= 1, got " + top);
        }
        Sessions.Handle spark = master.open();
        try {
            print(spark.session(), dirs, where, sort, top, format, spec.commandLine().getOut());
            return 0;
        } finally {
            spark.close();
        }
    }

    /**
     * Prints the trials of run folders, best first unless {@code sort} says otherwise.
     *
     * @param session the session
     * @param dirs run folders
     * @param where a Spark SQL condition, or null
     * @param sort a column ({@code -COL}: descending), or null for best first
     * @param top the most rows, or null
     * @param format table, csv or json
     * @param out where the rows go
     * @throws ResultViews.ResultsException for folders without tables, an unknown column, a bad condition or
     *     one that is more than a condition (the query is read-only: {@link ResultViews#query})
     */
    static void print(org.apache.spark.sql.SparkSession session, List<String> dirs, String where, String sort,
                      Integer top, String format, java.io.PrintWriter out) {
        if (where != null && io.spindle.driver.results.ReadOnlyQuery.severalStatements(where)) {
            throw new ResultViews.ResultsException("--where '" + where + "': a condition, not statements; it holds"
                    + " several separated by ';' and none of them ran: give one condition, e.g. \"status = 'COMPLETED'\"");
        }
        ResultViews.register(session, dirs);
        List<String> columns = Arrays.asList(session.table("trials").columns());
        StringBuilder sql = new StringBuilder("SELECT * FROM trials");
        if (where != null) {
            sql.append(" WHERE ").append(where);
        }
        if (sort != null) {
            boolean desc = sort.startsWith("-");
            String col = desc ? sort.substring(1) : sort;
            if (!columns.contains(col)) {
                throw new ResultViews.ResultsException("--sort: no column '" + col + "' in the trials table;"
                        + " columns: " + String.join(", ", columns));
            }
            sql.append(" ORDER BY `").append(col).append(desc ? "` DESC" : "` ASC").append(" NULLS LAST");
        } else {
            // best first: the selected metric's direction (errors and losses ascending)
            sql.append(" ORDER BY CASE WHEN select_metric IN " + io.spindle.driver.spec.Metric.sqlLowerIsBetter()
                    + " THEN best_val"
                    + " ELSE -best_val END ASC NULLS LAST, trial_id");
        }
        if (top != null) {
            sql.append(" LIMIT ").append(top);
        }
        Dataset<Row> df;
        try {
            df = ResultViews.query(session, sql.toString());
        } catch (ResultViews.ResultsException e) {
            throw new ResultViews.ResultsException((where != null ? "--where '" + where + "': " : "")
                    + e.getMessage().replaceFirst("^bad query: ", ""), e);
        }
        if (format.equals("table")) {
            List<String> keep = new ArrayList<>();
            List<String> varying = varying(session.table("trials"), columns);
            for (String c : columns) {
                if (TABLE_COLUMNS.contains(c) || c.startsWith("test_") || c.equals("wall_seconds")) {
                    keep.add(c);
                }
                if (c.equals("status")) {
                    keep.addAll(varying); // a sweep's hyperparameters, next to each trial's status
                }
            }
            df = df.selectExpr(keep.stream().map(c -> "`" + c + "`").toArray(String[]::new));
        }
        ResultFormat.print(df, format, out);
    }

    /** @return the hyperparameter columns ({@code model_*}, {@code training_*}, {@code cluster_*}) whose value differs between trials */
    static List<String> varying(Dataset<Row> df, List<String> columns) {
        List<String> hyper = columns.stream().filter(io.spindle.driver.results.ResultRows::isHyperparameter).toList();
        if (hyper.isEmpty()) {
            return List.of();
        }
        Row counts = df.selectExpr(hyper.stream().map(c -> "count(DISTINCT `" + c + "`)").toArray(String[]::new)).first();
        List<String> out = new ArrayList<>();
        for (int i = 0; i < hyper.size(); i++) {
            if (counts.getLong(i) > 1) {
                out.add(hyper.get(i));
            }
        }
        return out;
    }
}
