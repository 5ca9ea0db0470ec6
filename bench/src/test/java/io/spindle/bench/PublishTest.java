package io.spindle.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Several runs' report tables merged into the docs: medians with every run's figure, rows matched by name. */
@Tag("fast")
class PublishTest {

    @TempDir
    Path dir;

    private static String report(String single, String spindle, String ratio, String from, boolean large) {
        return "# Spindle training benchmark\n\n- settings\n\n## Results\n\n"
                + "| case | system | samples/s | seconds to 95% | final accuracy | epochs |\n"
                + "| --- | --- | ---: | ---: | ---: | ---: |\n"
                + "| mnist-mlp | dl4j-single-jvm | " + single + " | 7.3 | 0.9571 | 12 |\n"
                + "| mnist-mlp | spindle-2w | " + spindle + " | not reached | 0.9556 | 12 |\n"
                + (large ? "| mnist-large-mlp | spindle-2w | 1,846 | 18.0 | 0.9535 | 8 |\n" : "")
                + "\nprose\n\n## Target ratios\n\n| ratio | value | from |\n| --- | ---: | --- |\n"
                + "| mnist-mlp: Spindle 2 workers / single JVM | " + ratio + " | " + from + " |\n";
    }

    @Test
    void tablesAreFoundUnderTheirHeadingsWithTheirAlignment() {
        Map<String, List<Publish.Table>> t = Publish.tables(report("6,467", "7,449", "1.15x", "a", false));
        assertEquals(List.of("Results", "Target ratios"), List.copyOf(t.keySet()));
        Publish.Table results = t.get("Results").get(0);
        assertEquals(List.of("case", "system", "samples/s", "seconds to 95%", "final accuracy", "epochs"), results.header());
        assertEquals(2, results.keyColumns(), "case and system name a row");
        assertEquals(2, results.rows().size());
        assertEquals(1, t.get("Target ratios").get(0).keyColumns());
    }

    @Test
    void figuresBecomeMediansWithEveryRunAndEqualCellsAreShownOnce() {
        Optional<Publish.Table> a = Optional.of(Publish.tables(report("7,073", "7,449", "1.05x", "x", true)).get("Results").get(0));
        Optional<Publish.Table> b = Optional.of(Publish.tables(report("5,891", "6,538", "1.11x", "y", false)).get("Results").get(0));
        Optional<Publish.Table> c = Optional.of(Publish.tables(report("6,467", "8,283", "1.28x", "z", true)).get("Results").get(0));
        String merged = Publish.merge("t", List.of(a, b, c));
        assertTrue(merged.contains("| mnist-mlp | dl4j-single-jvm | 6,467 (7,073, 5,891, 6,467) | 7.3 | 0.9571 | 12 |"), merged);
        assertTrue(merged.contains("| mnist-mlp | spindle-2w | 7,449 (7,449, 6,538, 8,283) | not reached | 0.9556 | 12 |"),
                merged);
        // a row two of three runs have: the median of those two, the third run shown as -
        assertTrue(merged.contains("| mnist-large-mlp | spindle-2w | 1,846 (1,846, -, 1,846) |"), merged);
        assertTrue(merged.startsWith("| case | system | samples/s | seconds to 95% | final accuracy | epochs |\n"
                + "| --- | --- | ---: | ---: | ---: | ---: |\n"), merged);
    }

    @Test
    void anEvenNumberOfRunsTakesTheMeanOfTheMiddleTwoAndUnitsAndDecimalsAreKept() {
        assertEquals("1,490 (1,300, 1,680)", Publish.figure(List.of(Optional.of("1,300"), Optional.of("1,680"))));
        assertEquals("1.11x (1.05, 1.11, 1.28)", Publish.figure(List.of(Optional.of("1.05x"), Optional.of("1.11x"),
                Optional.of("1.28x"))));
        assertEquals("71 iterations (70, 72)", Publish.figure(List.of(Optional.of("70 iterations"),
                Optional.of("72 iterations"))));
        assertEquals("7.8 (7.3, not reached, 8.3)", Publish.figure(List.of(Optional.of("7.3"), Optional.of("not reached"),
                Optional.of("8.3"))), "the median of the runs that reached it, every run listed");
    }

    @Test
    void changesKeepTheirSign() {
        assertEquals("+4.3 (+4.3, +35.3, -1.0)", Publish.figure(List.of(Optional.of("+4.3"), Optional.of("+35.3"),
                Optional.of("-1.0"))));
        assertEquals("+11 (+11, +11, +15)", Publish.figure(List.of(Optional.of("+11"), Optional.of("+11"),
                Optional.of("+15"))));
    }

    @Test
    void aRemarkThatDiffersBetweenRunsIsLeftOutWithANote() {
        List<Optional<Publish.Table>> t = List.of(
                Optional.of(Publish.tables(report("1", "2", "1.05x", "from 1", false)).get("Target ratios").get(0)),
                Optional.of(Publish.tables(report("1", "2", "1.15x", "from 2", false)).get("Target ratios").get(0)));
        String merged = Publish.merge("t", t);
        assertTrue(merged.startsWith("| ratio | value |\n| --- | ---: |\n| mnist-mlp: Spindle 2 workers / single JVM |"
                + " 1.10x (1.05, 1.15) |\n"), merged);
        assertTrue(merged.contains("`from` differs from run to run"), merged);
    }

    @Test
    void publishReplacesTheMarkedBlocksKeepsOthersAndTheRest() throws Exception {
        Path r1 = Files.createDirectories(dir.resolve("run1"));
        Path r2 = Files.createDirectories(dir.resolve("run2"));
        Files.writeString(r1.resolve("bench-training.md"), report("100", "150", "1.50x", "a", false));
        Files.writeString(r2.resolve("bench-training.md"), report("300", "330", "1.10x", "b", false));
        Path docs = dir.resolve("benchmarks.md");
        String before = """
                # Benchmarks

                hand-written prose stays, even where it names a marker: `<!-- bench-table bench-x.md "X" 1 -->`
                <!-- bench-runs bench-training.md -->
                old list
                <!-- /bench-runs -->

                <!-- bench-table bench-training.md "Target ratios" 1 -->
                | old | table |
                <!-- /bench-table -->

                <!-- bench-table bench-sweep.md "Results" 1 -->
                | sweep | table kept |
                <!-- /bench-table -->
                <!-- bench-table cnn:bench-training.md "Results" 1 -->
                | cnn | table kept |
                <!-- /bench-table -->
                the end
                """;
        Files.writeString(docs, before);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = BenchMain.run(new String[] {"publish", "--docs", docs.toString(), r1.toString(), r2.toString()},
                new PrintWriter(out), new PrintWriter(err));
        assertEquals(0, code, err.toString());
        assertTrue(out.toString().contains("2 block(s) from 2 run(s), 2 left as they were"), out.toString());
        String after = Files.readString(docs);
        assertTrue(after.contains("1 -->`\n<!-- bench-runs bench-training.md -->\n2 runs of"
                + " `bench-training.md` (1: "), after);
        assertTrue(after.contains("<!-- bench-table bench-training.md \"Target ratios\" 1 -->\n| ratio | value |\n"
                + "| --- | ---: |\n| mnist-mlp: Spindle 2 workers / single JVM | 1.30x (1.50, 1.10) |\n"), after);
        assertFalse(after.contains("| old | table |"), after);
        assertTrue(after.contains("| sweep | table kept |\n<!-- /bench-table -->\n"), after);
        assertTrue(after.contains("| cnn | table kept |\n<!-- /bench-table -->\nthe end\n"), "another group's table"
                + " is kept: " + after);
        // publishing again gives the same file: the markers survive
        assertEquals(0, BenchMain.run(new String[] {"publish", "--docs", docs.toString(), r1.toString(), r2.toString()},
                new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter())));
        assertEquals(after, Files.readString(docs));
        // --group cnn replaces that group's table only
        assertEquals(0, BenchMain.run(new String[] {"publish", "--group", "cnn", "--docs", docs.toString(), r2.toString()},
                new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter())));
        String cnn = Files.readString(docs);
        assertTrue(cnn.contains("<!-- bench-table cnn:bench-training.md \"Results\" 1 -->\n| case | system | samples/s"),
                cnn);
        assertTrue(cnn.contains("1.30x (1.50, 1.10)"), "the ungrouped tables are left: " + cnn);
    }

    @Test
    void badInputIsOneLineAndLeavesTheDocsAsTheyWere() throws Exception {
        Path r1 = Files.createDirectories(dir.resolve("run1"));
        Files.writeString(r1.resolve("bench-training.md"), report("100", "150", "1.50x", "a", false));
        Path docs = dir.resolve("benchmarks.md");
        String typo = "<!-- bench-table bench-training.md \"Ratios\" 1 -->\nold\n<!-- /bench-table -->\n";
        Files.writeString(docs, typo);
        assertBad(new String[] {"publish", "--docs", docs.toString(), r1.toString()}, "no run's report has the table"
                + " bench-training.md \"Ratios\" 1");
        assertEquals(typo, Files.readString(docs));
        String open = "<!-- bench-table bench-training.md \"Results\" 1 -->\nold\n";
        Files.writeString(docs, open);
        assertBad(new String[] {"publish", "--docs", docs.toString(), r1.toString()}, ":1: <!-- bench-table"
                + " bench-training.md \"Results\" 1 --> has no <!-- /bench-table -->");
        assertEquals(open, Files.readString(docs));
        assertBad(new String[] {"publish", "--docs", docs.toString(), dir.resolve("nope").toString()}, "is not a folder");
        assertBad(new String[] {"publish", "--docs", dir.resolve("none.md").toString(), r1.toString()}, "is not a file");
        Path other = Files.createDirectories(dir.resolve("other"));
        Files.writeString(docs, typo);
        assertBad(new String[] {"publish", "--docs", docs.toString(), other.toString()}, "has none of the reports");
        try (var files = Files.list(dir)) {
            assertTrue(files.noneMatch(f -> f.getFileName().toString().contains("publish-tmp")), "no temporary file left");
        }
    }

    private static void assertBad(String[] args, String expected) {
        StringWriter err = new StringWriter();
        int code = BenchMain.run(args, new PrintWriter(new StringWriter()), new PrintWriter(err));
        assertEquals(BenchMain.BAD_USAGE, code, err.toString());
        assertTrue(err.toString().contains(expected), err.toString());
        assertFalse(err.toString().contains("\tat "), "no stack trace: " + err);
        assertEquals(1, err.toString().strip().lines().count(), err.toString());
    }

    @Test
    void columnsThatDifferBetweenRunsAreRefused() {
        Publish.Table a = new Publish.Table(List.of("case", "samples/s"), List.of(false, true), List.of(List.of("x", "1")));
        Publish.Table b = new Publish.Table(List.of("case", "rows/s"), List.of(false, true), List.of(List.of("x", "1")));
        String m = assertThrows(IllegalArgumentException.class, () -> Publish.merge("t", List.of(Optional.of(a),
                Optional.of(b)))).getMessage();
        assertTrue(m.contains("other columns"), m);
    }
}
