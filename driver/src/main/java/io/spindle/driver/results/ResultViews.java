package io.spindle.driver.results;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The result tables of one or more run folders as the Spark SQL views {@code trials} and
 * {@code epochs} (folders' rows unioned by column name; {@code sweep_id} tells them apart).
 * Reading takes Delta's latest commit, so a run still in progress shows every row written so far.
 */
public final class ResultViews {

    private ResultViews() {
    }

    /**
     * Registers the views.
     *
     * @param spark the session
     * @param dirs run folders (paths or Hadoop FS URIs)
     * @throws ResultsException when a folder holds no result tables
     */
    public static void register(SparkSession spark, List<String> dirs) {
        if (dirs.isEmpty()) {
            throw new ResultsException("name at least one run folder");
        }
        List<Dataset<Row>> trials = new ArrayList<>();
        List<Dataset<Row>> epochs = new ArrayList<>();
        for (String dir : dirs) {
            if (!DeltaResultStore.exists(spark, dir)) {
                throw new ResultsException(dir + " holds no result tables (" + new Path(new Path(dir,
                        DeltaResultStore.TABLES), "trials") + " is missing); pass the --output folder of a spindle"
                        + " train or sweep run");
            }
            DeltaResultStore store = new DeltaResultStore(spark, dir);
            trials.add(spark.read().format("delta").load(store.trialsPath()));
            epochs.add(spark.read().format("delta").load(store.epochsPath()));
        }
        union(trials).createOrReplaceTempView("trials");
        union(epochs).createOrReplaceTempView("epochs");
    }

    private static Dataset<Row> union(List<Dataset<Row>> parts) {
        Dataset<Row> all = parts.get(0);
        for (int i = 1; i < parts.size(); i++) {
            all = all.unionByName(parts.get(i), true);
        }
        return all;
    }

    /**
     * Runs a read-only query over the registered views. The statement is parsed first and refused,
     * before anything runs, unless it is one query ({@link ReadOnlyQuery}): result tables are never
     * changed through here.
     *
     * @param spark the session
     * @param sql the query
     * @return its result
     * @throws ResultsException when the statement is not one read-only query, does not parse or
     *     names what is not there
     */
    public static Dataset<Row> query(SparkSession spark, String sql) {
        ReadOnlyQuery.check(spark, sql, "spindle sql");
        try {
            Dataset<Row> df = spark.sql(sql);
            df.schema(); // analysis happens here: unknown columns and tables are reported now
            return df;
        } catch (Exception e) {
            // Spark's ParseException / AnalysisException (checked in Java's eyes, thrown from Scala)
            throw new ResultsException("bad query: " + firstLine(e.getMessage()), e);
        }
    }

    /** @return a Spark message without its plan dump and query echo */
    static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        String m = message.strip();
        int nl = m.indexOf('\n');
        String line = nl < 0 ? m : m.substring(0, nl);
        return line.replaceAll("\\s*SQLSTATE: \\w+", "").strip().toLowerCase(Locale.ROOT).startsWith("[")
                ? line.replaceFirst("^\\[[A-Z_.]+\\]\\s*", "") : line;
    }

    /** Bad input to {@code spindle results} or {@code spindle sql}. */
    public static final class ResultsException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        /**
         * @param message what is wrong and how to fix it
         */
        public ResultsException(String message) {
            super(message);
        }

        /**
         * @param message what is wrong and how to fix it
         * @param cause the underlying error
         */
        public ResultsException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
