package io.spindle.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spindle.driver.SharedSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code spindle sql} and {@code spindle results --where} are read-only: every statement that
 * writes, changes the session or runs code is refused with one line before anything runs, and the
 * run's Delta tables (their commits and rows) and folder stay exactly as they were.
 */
class SqlReadOnlyTest {

    @TempDir
    static Path tmp;

    static Path run;

    @BeforeAll
    static void train() {
        SharedSpark.session();
        run = tmp.resolve("run");
        CliTest.Run r = CliTest.trainExample("iris.yaml", "iris.csv", run, "training.epochs=2");
        assertEquals(0, r.code(), r.err());
    }

    static Stream<Arguments> refused() {
        String trials = "delta.`" + run.resolve("tables/trials") + "`";
        String elsewhere = tmp.resolve("elsewhere").toString();
        List<Arguments> a = new ArrayList<>();
        a.add(Arguments.of("INSERT", "INSERT INTO trials SELECT * FROM trials", "got an INSERT statement"));
        a.add(Arguments.of("INSERT into the Delta path", "INSERT INTO " + trials + " SELECT * FROM " + trials,
                "got an INSERT statement"));
        a.add(Arguments.of("INSERT OVERWRITE", "INSERT OVERWRITE " + trials + " SELECT * FROM " + trials,
                "got an INSERT OVERWRITE statement"));
        a.add(Arguments.of("INSERT OVERWRITE DIRECTORY", "INSERT OVERWRITE DIRECTORY '" + elsewhere
                + "' USING csv SELECT * FROM trials", "got an INSERT OVERWRITE DIRECTORY statement"));
        a.add(Arguments.of("DELETE", "DELETE FROM trials", "got a DELETE statement"));
        a.add(Arguments.of("DELETE from the Delta path", "DELETE FROM " + trials + " WHERE 1 = 1",
                "got a DELETE statement"));
        a.add(Arguments.of("UPDATE", "UPDATE " + trials + " SET status = 'X'", "got an UPDATE statement"));
        a.add(Arguments.of("MERGE", "MERGE INTO " + trials + " t USING trials s ON t.trial_id = s.trial_id"
                + " WHEN MATCHED THEN DELETE", "got a MERGE statement"));
        a.add(Arguments.of("DROP TABLE", "DROP TABLE trials", "got a DROP TABLE statement"));
        a.add(Arguments.of("DROP VIEW", "DROP VIEW trials", "got a DROP VIEW statement"));
        a.add(Arguments.of("CREATE TABLE", "CREATE TABLE t (a INT) USING delta LOCATION '" + elsewhere + "'",
                "got a CREATE TABLE statement"));
        a.add(Arguments.of("CREATE TABLE AS SELECT", "CREATE TABLE t USING delta LOCATION '" + elsewhere
                + "' AS SELECT * FROM trials", "got a CREATE TABLE AS SELECT statement"));
        a.add(Arguments.of("CREATE VIEW", "CREATE VIEW v AS SELECT * FROM trials", "got a CREATE VIEW statement"));
        a.add(Arguments.of("CREATE TEMPORARY VIEW", "CREATE OR REPLACE TEMPORARY VIEW trials AS SELECT 1 AS a",
                "got a CREATE VIEW statement"));
        a.add(Arguments.of("ALTER TABLE", "ALTER TABLE " + trials + " ADD COLUMNS (x INT)",
                "got an ALTER TABLE statement"));
        a.add(Arguments.of("SET", "SET spark.sql.shuffle.partitions = 1", "got a SET statement"));
        a.add(Arguments.of("RESET", "RESET", "got a RESET statement"));
        a.add(Arguments.of("REFRESH TABLE", "REFRESH TABLE trials", "got a REFRESH TABLE statement"));
        a.add(Arguments.of("CACHE TABLE", "CACHE TABLE trials", "got a CACHE TABLE statement"));
        a.add(Arguments.of("UNCACHE TABLE", "UNCACHE TABLE trials", "got an UNCACHE TABLE statement"));
        a.add(Arguments.of("ADD JAR", "ADD JAR " + elsewhere + ".jar", "got an ADD JAR statement"));
        a.add(Arguments.of("TRUNCATE", "TRUNCATE TABLE " + trials, "got a TRUNCATE TABLE statement"));
        a.add(Arguments.of("Delta VACUUM", "VACUUM " + trials + " RETAIN 0 HOURS", "got a VACUUM statement"));
        a.add(Arguments.of("Delta RESTORE", "RESTORE TABLE " + trials + " TO VERSION AS OF 0",
                "got a RESTORE TABLE statement"));
        a.add(Arguments.of("Delta OPTIMIZE", "OPTIMIZE " + trials, "got an OPTIMIZE statement"));
        a.add(Arguments.of("EXPLAIN", "EXPLAIN SELECT * FROM trials", "got an EXPLAIN statement"));
        a.add(Arguments.of("SHOW TABLES", "SHOW TABLES", "got a SHOW TABLES statement"));
        a.add(Arguments.of("multi-statement", "SELECT 1; DROP TABLE trials",
                "spindle sql runs one query at a time; got several statements separated by ';'"));
        a.add(Arguments.of("multi-statement with a DELETE", "SELECT * FROM trials ;\n DELETE FROM trials;",
                "got several statements"));
        a.add(Arguments.of("write in a CTE", "WITH x AS (SELECT * FROM trials) INSERT INTO " + trials
                + " SELECT * FROM x", "got an INSERT statement"));
        a.add(Arguments.of("SELECT TRANSFORM", "SELECT TRANSFORM(trial_id) USING 'touch " + elsewhere
                + "' AS (x) FROM trials", "got a SELECT TRANSFORM statement"));
        a.add(Arguments.of("reflect()", "SELECT reflect('java.lang.System', 'setProperty', 'spindle.pwned', 'yes')",
                "reflect() calls a Java method"));
        a.add(Arguments.of("java_method() in a subquery of a CTE", "WITH x AS (SELECT * FROM trials WHERE trial_id IN"
                + " (SELECT java_method('java.lang.System', 'setProperty', 'spindle.pwned', 'yes')))"
                + " SELECT count(*) FROM x", "java_method() calls a Java method"));
        return a.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refused")
    void refusedBeforeAnythingRuns(String name, String sql, String expected) throws Exception {
        Tables before = Tables.of(run);
        CliTest.Run r = CliTest.cli("sql", run.toString(), sql);
        assertOneLine(r, expected);
        assertEquals(before, Tables.of(run), "the run's tables and files are unchanged");
        assertFalse(Files.exists(tmp.resolve("elsewhere")), "nothing written elsewhere");
        assertFalse(Files.exists(tmp.resolve("elsewhere.jar")), "nothing written elsewhere");
        assertNull(System.getProperty("spindle.pwned"), "no Java method ran");
        assertEquals("4", SharedSpark.session().conf().get("spark.sql.shuffle.partitions"), "session settings kept");
        assertFalse(SharedSpark.session().catalog().isCached("trials"), "nothing cached");
        assertTrue(r.out().isEmpty(), r.out());
    }

    @Test
    void refusedMessageIsTheWholeLine() {
        CliTest.Run r = CliTest.cli("sql", run.toString(), "DELETE FROM trials");
        assertEquals("error: spindle sql runs queries only (SELECT, WITH ... SELECT, VALUES or TABLE); got a DELETE"
                + " statement: result tables are the record of a run and are never changed", r.err().strip());
    }

    @Test
    void resultsWhereIsAConditionOnly() throws Exception {
        Tables before = Tables.of(run);
        assertOneLine(CliTest.cli("results", run.toString(), "--where", "1=1; DELETE FROM trials"),
                "--where '1=1; DELETE FROM trials': a condition, not statements");
        assertOneLine(CliTest.cli("results", run.toString(), "--where",
                "trial_id IN (SELECT reflect('java.lang.System', 'setProperty', 'spindle.pwned', 'yes'))"),
                "reflect() calls a Java method");
        assertOneLine(CliTest.cli("results", run.toString(), "--sort", "trial_id` DESC; DROP TABLE trials; --"),
                "--sort: no column");
        assertEquals(before, Tables.of(run));
        assertNull(System.getProperty("spindle.pwned"));
    }

    @Test
    void queriesStillRun() {
        String trials = "delta.`" + run.resolve("tables/trials") + "`";
        Map<String, String> expected = new java.util.LinkedHashMap<>();
        expected.put("SELECT count(*) AS n FROM trials", "n\n1");
        expected.put("WITH e AS (SELECT trial_id, max(epoch) AS last FROM epochs GROUP BY trial_id)"
                + " SELECT e.last FROM trials t JOIN e ON t.trial_id = e.trial_id", "last\n2");
        expected.put("SELECT count(*) AS n FROM trials t JOIN epochs e ON t.trial_id = e.trial_id", "n\n2");
        expected.put("VALUES (1, 'a;b')", "col1,col2\n1,a;b");
        expected.put("SELECT count(*) >= 0 AS ok FROM " + trials + " VERSION AS OF 0", "ok\ntrue");
        expected.put("SELECT 'x; DROP TABLE trials' AS s -- ; DELETE FROM trials\n;", "s\nx; DROP TABLE trials");
        expected.put("SELECT count(*) AS n FROM trials WHERE trial_id IN (SELECT trial_id FROM epochs)", "n\n1");
        for (Map.Entry<String, String> q : expected.entrySet()) {
            CliTest.Run r = CliTest.cli("sql", run.toString(), q.getKey(), "--format", "csv");
            assertEquals(0, r.code(), q.getKey() + ": " + r.err());
            assertEquals(q.getValue(), r.out().strip(), q.getKey());
        }
        CliTest.Run where = CliTest.cli("results", run.toString(), "--where", "status = 'COMPLETED'", "--format", "csv");
        assertEquals(0, where.code(), where.err());
        assertEquals(2, where.out().strip().split("\n").length, where.out());
    }

    static void assertOneLine(CliTest.Run r, String expected) {
        assertEquals(2, r.code(), () -> "exit code; stderr: " + r.err());
        String[] lines = r.err().strip().split("\n");
        assertEquals(1, lines.length, () -> "one line expected: " + r.err());
        assertTrue(lines[0].startsWith("error: ") && lines[0].contains(expected),
                () -> "expected '" + expected + "' in: " + lines[0]);
        assertFalse(r.err().contains("\tat "), "no stack trace");
    }

    /**
     * What a run's result tables hold: each table's Delta version (its newest commit), its rows,
     * and every file of the run folder with its bytes.
     */
    record Tables(long trialsVersion, long epochsVersion, List<String> trials, List<String> epochs,
                  Map<String, String> files) {
        static Tables of(Path run) throws Exception {
            Map<String, String> files = new java.util.TreeMap<>();
            for (Map.Entry<String, byte[]> f : ResumeTest.snapshot(run).entrySet()) {
                files.put(f.getKey(), java.util.HexFormat.of().formatHex(
                        java.security.MessageDigest.getInstance("SHA-256").digest(f.getValue())));
            }
            return new Tables(version(run.resolve("tables/trials")), version(run.resolve("tables/epochs")),
                    rows(run.resolve("tables/trials")), rows(run.resolve("tables/epochs")), files);
        }

        private static long version(Path table) {
            return io.delta.tables.DeltaTable.forPath(SharedSpark.session(), table.toString()).history(1)
                    .select("version").first().getLong(0);
        }

        private static List<String> rows(Path table) {
            return SharedSpark.session().read().format("delta").load(table.toString()).collectAsList().stream()
                    .map(Row::toString).sorted().toList();
        }
    }
}
