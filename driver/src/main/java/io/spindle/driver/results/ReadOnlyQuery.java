package io.spindle.driver.results;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.analysis.UnresolvedFunction;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.SubqueryExpression;
import org.apache.spark.sql.catalyst.plans.QueryPlan;
import org.apache.spark.sql.catalyst.plans.logical.Command;
import org.apache.spark.sql.catalyst.plans.logical.InsertIntoDir;
import org.apache.spark.sql.catalyst.plans.logical.InsertIntoStatement;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.plans.logical.ParsedStatement;
import org.apache.spark.sql.catalyst.plans.logical.ScriptTransformation;
import scala.collection.JavaConverters;

/**
 * Decides, from Spark's own parse of a statement and before anything runs, whether it is a
 * read-only query: {@code SELECT}, {@code WITH ... SELECT}, {@code VALUES} or {@code TABLE}.
 * Everything else is refused: any command (writes, DDL, {@code SET}, {@code CACHE}, {@code ADD JAR},
 * {@code EXPLAIN}, {@code SHOW}, Delta's {@code VACUUM} / {@code RESTORE} ...), an {@code INSERT}
 * anywhere in the plan (a CTE included), {@code SELECT TRANSFORM} (which runs a program), the
 * functions that call Java methods, a node that comes from a SQL extension rather than Spark's
 * own query language, and several statements in one string.
 */
public final class ReadOnlyQuery {

    /** Functions that call an arbitrary Java method. */
    static final Set<String> JAVA_FUNCTIONS = Set.of("reflect", "java_method", "try_reflect");

    /** How refused plan nodes are named to the user, by class name (others: their statement's first words). */
    private static final Map<String, String> KINDS = Map.ofEntries(
            Map.entry("DeleteFromTable", "DELETE"), Map.entry("UpdateTable", "UPDATE"),
            Map.entry("MergeIntoTable", "MERGE"), Map.entry("DropTable", "DROP TABLE"),
            Map.entry("DropView", "DROP VIEW"), Map.entry("CreateTable", "CREATE TABLE"),
            Map.entry("CreateTableAsSelect", "CREATE TABLE AS SELECT"), Map.entry("CreateView", "CREATE VIEW"),
            Map.entry("CreateViewCommand", "CREATE VIEW"), Map.entry("ReplaceTable", "REPLACE TABLE"),
            Map.entry("ReplaceTableAsSelect", "REPLACE TABLE AS SELECT"), Map.entry("SetCommand", "SET"),
            Map.entry("ResetCommand", "RESET"), Map.entry("RefreshTable", "REFRESH TABLE"),
            Map.entry("CacheTable", "CACHE TABLE"), Map.entry("CacheTableAsSelect", "CACHE TABLE"),
            Map.entry("UncacheTable", "UNCACHE TABLE"), Map.entry("AddJarsCommand", "ADD JAR"),
            Map.entry("AddFilesCommand", "ADD FILE"), Map.entry("AddArchivesCommand", "ADD ARCHIVE"),
            Map.entry("ExplainCommand", "EXPLAIN"), Map.entry("TruncateTable", "TRUNCATE TABLE"),
            Map.entry("InsertIntoDir", "INSERT OVERWRITE DIRECTORY"),
            Map.entry("ScriptTransformation", "SELECT TRANSFORM"), Map.entry("DescribeRelation", "DESCRIBE"),
            Map.entry("DescribeDeltaHistory", "DESCRIBE HISTORY"));

    /**
     * Delta Lake's plan nodes inside Spark's packages, for an application jar that bundles Delta
     * and Spark alike (where the jar a class comes from cannot tell them apart).
     */
    private static final Set<String> EXTENSION_NODES = Set.of("RestoreTableStatement", "CloneTableStatement",
            "TimeTravel", "DeltaDelete", "DeltaUpdateTable", "DeltaMergeInto", "AlterTableAddConstraint",
            "AlterTableDropConstraint", "AlterTableDropFeature");

    /** First words that name a statement together with the word after them. */
    private static final Set<String> TWO_WORD = Set.of("ALTER", "CREATE", "DROP", "SHOW", "ADD", "LIST", "CLEAR",
            "REFRESH", "CACHE", "UNCACHE", "TRUNCATE", "ANALYZE", "MSCK", "RESTORE", "CONVERT",
            "REPLACE", "LOAD");

    private ReadOnlyQuery() {
    }

    /**
     * Parses {@code sql} with the session's parser (Delta's SQL extension included) and refuses
     * anything but one read-only query. Nothing is executed or analysed.
     *
     * @param spark the session whose parser to use
     * @param sql the statement
     * @param who the command the statement came from, for the message (e.g. {@code spindle sql})
     * @return the parsed plan of the query
     * @throws ResultViews.ResultsException naming the statement kind (or the function) when it is
     *     not one read-only query, or with Spark's parse error when it does not parse
     */
    public static LogicalPlan check(SparkSession spark, String sql, String who) {
        if (severalStatements(sql)) {
            throw new ResultViews.ResultsException(who + " runs one query at a time; got several statements"
                    + " separated by ';', and ran none of them");
        }
        LogicalPlan plan;
        try {
            plan = spark.sessionState().sqlParser().parsePlan(sql);
        } catch (Exception e) {
            // Spark's ParseException (checked in Java's eyes, thrown from Scala)
            throw new ResultViews.ResultsException("bad query: " + ResultViews.firstLine(e.getMessage()), e);
        }
        Deque<QueryPlan<?>> todo = new ArrayDeque<>();
        todo.push(plan);
        while (!todo.isEmpty()) {
            QueryPlan<?> node = todo.pop();
            if (node instanceof LogicalPlan p) {
                refused(p, p == plan, sql).ifPresent(kind -> {
                    throw new ResultViews.ResultsException(who + " runs queries only (SELECT, WITH ... SELECT,"
                            + " VALUES or TABLE); got " + article(kind) + " " + kind + " statement: result tables are"
                            + " the record of a run and are never changed");
                });
            }
            for (Expression e : list(node.expressions())) {
                checkExpression(e, todo, who);
            }
            todo.addAll(plans(node.children()));
            todo.addAll(plans(node.innerChildren())); // CTE definitions, subqueries
        }
        return plan;
    }

    private static void checkExpression(Expression root, Deque<QueryPlan<?>> todo, String who) {
        Deque<Expression> exprs = new ArrayDeque<>();
        exprs.push(root);
        while (!exprs.isEmpty()) {
            Expression e = exprs.pop();
            if (e instanceof UnresolvedFunction f) {
                List<String> parts = list(f.nameParts());
                String name = parts.get(parts.size() - 1).toLowerCase(Locale.ROOT);
                if (JAVA_FUNCTIONS.contains(name)) {
                    throw new ResultViews.ResultsException(who + " runs queries only, and " + name + "() calls a Java"
                            + " method: it is not allowed; compute the value in SQL instead");
                }
            }
            if (e instanceof SubqueryExpression s) {
                todo.push(s.plan());
            }
            exprs.addAll(list(e.children()));
        }
    }

    /** @return the statement kind a plan node makes refused, if it does */
    private static Optional<String> refused(LogicalPlan p, boolean root, String sql) {
        String name = p.getClass().getSimpleName().replace("$", "");
        if (p instanceof InsertIntoStatement insert) {
            return Optional.of(insert.overwrite() ? "INSERT OVERWRITE" : "INSERT");
        }
        if (p instanceof Command || p instanceof ParsedStatement || p instanceof InsertIntoDir
                || p instanceof ScriptTransformation || !fromSpark(p.getClass())) {
            String kind = KINDS.get(name);
            return Optional.of(kind != null ? kind : root ? firstWords(sql) : name);
        }
        return Optional.empty();
    }

    /**
     * @return whether a plan node is one of Spark's own: SQL extensions add statements of their own
     *     (Delta's RESTORE and CLONE among them), some inside Spark's packages
     */
    static boolean fromSpark(Class<?> c) {
        if (!c.getName().startsWith("org.apache.spark.sql.catalyst.") || EXTENSION_NODES.contains(c.getSimpleName())) {
            return false;
        }
        java.security.CodeSource spark = LogicalPlan.class.getProtectionDomain().getCodeSource();
        java.security.CodeSource own = c.getProtectionDomain().getCodeSource();
        return spark == null || own == null || spark.getLocation() == null
                || spark.getLocation().equals(own.getLocation());
    }

    /** @return the statement's first keyword (two for ALTER TABLE, SHOW TABLES and the like), upper case */
    static String firstWords(String sql) {
        String[] words = stripComments(sql).strip().split("[^A-Za-z_]+", 3);
        if (words.length == 0 || words[0].isEmpty()) {
            return "non-query";
        }
        String first = words[0].toUpperCase(Locale.ROOT);
        return TWO_WORD.contains(first) && words.length > 1 && !words[1].isEmpty()
                ? first + " " + words[1].toUpperCase(Locale.ROOT) : first;
    }

    private static String article(String kind) {
        return "AEIOU".indexOf(kind.charAt(0)) >= 0 ? "an" : "a";
    }

    /**
     * @return whether {@code sql} holds a {@code ;} outside quotes, back-quoted names and comments
     *     with more than blanks and comments after it (a trailing {@code ;} alone is one statement)
     * @param sql a statement or a part of one
     */
    public static boolean severalStatements(String sql) {
        String code = stripComments(sql);
        int semicolon = code.indexOf(';');
        while (semicolon >= 0) {
            if (!code.substring(semicolon + 1).replace(";", "").isBlank()) {
                return true;
            }
            semicolon = code.indexOf(';', semicolon + 1);
        }
        return false;
    }

    /** @return {@code sql} with comments removed and quoted text and back-quoted names blanked */
    static String stripComments(String sql) {
        StringBuilder out = new StringBuilder(sql.length());
        int i = 0;
        int n = sql.length();
        while (i < n) {
            char c = sql.charAt(i);
            if (c == '\'' || c == '"' || c == '`') {
                int j = i + 1;
                while (j < n && sql.charAt(j) != c) {
                    j += c != '`' && sql.charAt(j) == '\\' ? 2 : 1;
                }
                out.append(' ');
                i = j + 1;
            } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
                while (i < n && sql.charAt(i) != '\n') {
                    i++;
                }
            } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                int depth = 1; // Spark's bracketed comments nest
                i += 2;
                while (i < n && depth > 0) {
                    if (sql.startsWith("/*", i)) {
                        depth++;
                        i += 2;
                    } else if (sql.startsWith("*/", i)) {
                        depth--;
                        i += 2;
                    } else {
                        i++;
                    }
                }
                out.append(' ');
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    private static <T> List<T> list(scala.collection.Seq<T> seq) {
        return JavaConverters.seqAsJavaList(seq);
    }

    /** @return the plans among a node's children or inner children */
    private static List<QueryPlan<?>> plans(scala.collection.Seq<?> seq) {
        return JavaConverters.seqAsJavaList(seq).stream().filter(QueryPlan.class::isInstance)
                .<QueryPlan<?>>map(QueryPlan.class::cast).toList();
    }
}
