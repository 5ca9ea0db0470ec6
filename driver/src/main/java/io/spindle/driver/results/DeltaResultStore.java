package io.spindle.driver.results;

import io.delta.tables.DeltaTable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The result tables as Delta Lake tables ({@code DIR/tables/trials} and {@code DIR/tables/epochs})
 * on any Hadoop file system: every write is one atomic commit (an append, or an overwrite of just
 * the rows a condition selects, Delta's {@code replaceWhere}), so readers never see part of a
 * write, concurrent writers are serialized by Delta's optimistic concurrency (a conflicting commit
 * is retried), and new columns (a new metric or hyperparameter) extend the schema. Plain Spark with Delta reads them:
 * {@code spark.read.format("delta").load("DIR/tables/trials")}.
 */
public final class DeltaResultStore implements ResultStore {

    /** Sub-folder of a run's output folder that holds the tables. */
    public static final String TABLES = "tables";
    private static final int ATTEMPTS = 8;

    private final SparkSession spark;
    private final String trialsPath;
    private final String epochsPath;

    /**
     * @param spark the session (Delta's SQL extension need not be configured)
     * @param runDir the run's output folder (path or Hadoop FS URI)
     */
    public DeltaResultStore(SparkSession spark, String runDir) {
        // a session of its own (same Spark context and tables), so that these settings never reach the caller's
        this.spark = spark.newSession();
        // result tables are small: rebuild their state in a couple of tasks, and skip data-skipping statistics
        this.spark.conf().set("spark.databricks.delta.snapshotPartitions", "2");
        this.spark.conf().set("spark.databricks.delta.stats.collect", "false");
        // a write is a few rows: adaptive execution has nothing to re-plan, and each concurrent write
        // would hold a thread of its query-stage pool (up to 16, idle for a minute before they go);
        // without it, the shuffles of Delta's own state queries keep the few partitions it would coalesce to
        this.spark.conf().set("spark.sql.adaptive.enabled", "false");
        this.spark.conf().set("spark.sql.shuffle.partitions", "2");
        this.trialsPath = new Path(new Path(runDir, TABLES), "trials").toString();
        this.epochsPath = new Path(new Path(runDir, TABLES), "epochs").toString();
    }

    /**
     * @param spark the session
     * @param runDir a run's output folder
     * @return whether it holds result tables
     */
    public static boolean exists(SparkSession spark, String runDir) {
        return DeltaTable.isDeltaTable(spark, new Path(new Path(runDir, TABLES), "trials").toString());
    }

    /** @return the trials table's location */
    public String trialsPath() {
        return trialsPath;
    }

    /** @return the epochs table's location */
    public String epochsPath() {
        return epochsPath;
    }

    @Override
    public void upsertTrials(List<Map<String, Object>> rows) {
        if (rows.isEmpty()) {
            return;
        }
        String where = rows.stream().map(r -> "(sweep_id = " + literal(r.get("sweep_id")) + " AND trial_id = "
                + literal(r.get("trial_id")) + ")").distinct().collect(Collectors.joining(" OR "));
        write(trialsPath, rows, where);
    }

    @Override
    public void appendEpochs(List<Map<String, Object>> rows) {
        if (!rows.isEmpty()) {
            write(epochsPath, rows, null);
        }
    }

    @Override
    public void replaceEpochs(String sweepId, java.util.Collection<String> trialIds, List<Map<String, Object>> rows) {
        if (trialIds.isEmpty()) {
            return;
        }
        String where = "sweep_id = " + literal(sweepId) + " AND trial_id IN ("
                + trialIds.stream().map(DeltaResultStore::literal).collect(Collectors.joining(", ")) + ")";
        if (rows.isEmpty()) {
            inSession(() -> {
                if (DeltaTable.isDeltaTable(spark, epochsPath)) {
                    DeltaTable.forPath(spark, epochsPath).delete(where);
                }
                return null;
            });
            return;
        }
        write(epochsPath, rows, where);
    }

    @Override
    public List<Map<String, Object>> trials() {
        return read(trialsPath);
    }

    @Override
    public List<Map<String, Object>> epochs() {
        return read(epochsPath);
    }

    private static String literal(Object v) {
        return "'" + String.valueOf(v).replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    /** Appends rows, or (with a condition) atomically replaces the rows the condition selects by them. */
    private void write(String path, List<Map<String, Object>> rows, String replaceWhere) {
        inSession(() -> {
            commit(path, rows, replaceWhere);
            return null;
        });
    }

    /**
     * Runs work with this store's session as the thread's active one: Delta plans some queries of
     * its own (the table's state) on the active session, and they should run with its settings too.
     */
    private <T> T inSession(java.util.function.Supplier<T> work) {
        scala.Option<SparkSession> before = SparkSession.getActiveSession();
        SparkSession.setActiveSession(spark);
        try {
            return work.get();
        } finally {
            if (before.isDefined()) {
                SparkSession.setActiveSession(before.get());
            } else {
                SparkSession.clearActiveSession();
            }
        }
    }

    private void commit(String path, List<Map<String, Object>> rows, String replaceWhere) {
        Dataset<Row> df = frame(rows);
        for (int attempt = 1; ; attempt++) {
            try {
                boolean exists = DeltaTable.isDeltaTable(spark, path);
                var writer = df.write().format("delta").option("mergeSchema", "true");
                if (replaceWhere != null && exists) {
                    writer.mode("overwrite").option("replaceWhere", replaceWhere).save(path);
                } else {
                    writer.mode("append").save(path);
                }
                return;
            } catch (io.delta.exceptions.DeltaConcurrentModificationException e) {
                if (attempt == ATTEMPTS) {
                    throw new IllegalStateException("cannot commit to " + path + " after " + ATTEMPTS
                            + " attempts: other writers keep changing it", e);
                }
            }
        }
    }

    private Dataset<Row> frame(List<Map<String, Object>> rows) {
        Map<String, DataType> columns = new LinkedHashMap<>();
        for (Map<String, Object> r : rows) {
            r.forEach((k, v) -> {
                if (v != null) {
                    columns.merge(k, type(k, v), (a, b) -> a.equals(b) ? a : widest(k, a, b));
                }
            });
        }
        List<StructField> fields = new ArrayList<>();
        columns.forEach((k, t) -> fields.add(DataTypes.createStructField(k, t, true)));
        StructType schema = DataTypes.createStructType(fields);
        List<Row> out = new ArrayList<>();
        for (Map<String, Object> r : rows) {
            Object[] values = new Object[fields.size()];
            int i = 0;
            for (Map.Entry<String, DataType> c : columns.entrySet()) {
                values[i++] = cast(r.get(c.getKey()), c.getValue());
            }
            out.add(RowFactory.create(values));
        }
        return spark.createDataFrame(out, schema);
    }

    private static DataType type(String column, Object v) {
        if (v instanceof String) {
            return DataTypes.StringType;
        }
        if (v instanceof Integer) {
            return DataTypes.IntegerType;
        }
        if (v instanceof Long) {
            return DataTypes.LongType;
        }
        if (v instanceof Double || v instanceof Float) {
            return DataTypes.DoubleType;
        }
        if (v instanceof Boolean) {
            return DataTypes.BooleanType;
        }
        throw new IllegalArgumentException("result column " + column + " holds a " + v.getClass().getSimpleName()
                + "; use text, whole or real numbers, or true/false");
    }

    private static DataType widest(String column, DataType a, DataType b) {
        List<DataType> numeric = List.of(DataTypes.IntegerType, DataTypes.LongType, DataTypes.DoubleType);
        if (numeric.contains(a) && numeric.contains(b)) {
            return numeric.get(Math.max(numeric.indexOf(a), numeric.indexOf(b)));
        }
        return DataTypes.StringType;
    }

    private static Object cast(Object v, DataType t) {
        if (v == null) {
            return null;
        }
        if (t.equals(DataTypes.DoubleType)) {
            return ((Number) v).doubleValue();
        }
        if (t.equals(DataTypes.LongType)) {
            return ((Number) v).longValue();
        }
        if (t.equals(DataTypes.StringType)) {
            return v.toString();
        }
        return v;
    }

    private List<Map<String, Object>> read(String path) {
        return inSession(() -> rows(path));
    }

    private List<Map<String, Object>> rows(String path) {
        if (!DeltaTable.isDeltaTable(spark, path)) {
            return List.of();
        }
        Dataset<Row> df = spark.read().format("delta").load(path);
        String[] names = df.columns();
        List<Map<String, Object>> out = new ArrayList<>();
        for (Row r : df.collectAsList()) {
            Map<String, Object> m = new LinkedHashMap<>();
            for (int i = 0; i < names.length; i++) {
                m.put(names[i], r.get(i));
            }
            out.add(Collections.unmodifiableMap(m));
        }
        return Collections.unmodifiableList(out);
    }
}
