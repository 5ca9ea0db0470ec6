package io.spindle.driver.data;

import static io.spindle.driver.data.TestData.datasets;
import static io.spindle.driver.data.TestData.spec;
import static io.spindle.driver.data.TestData.write;
import static io.spindle.driver.data.TestData.writeGzip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spindle.driver.SharedSpark;
import io.spindle.driver.spec.DataSpec;
import io.spindle.driver.spec.Task;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every kind of bad input gives one clear {@link DataException} naming file, line and column. */
@ExtendWith(SharedSpark.class)
class DataLoaderBadInputTest {

    private static final String HEAD = "a,b,label\n1,2,0\n3,4,1\n";

    /** A file whose line 4 (after a header and two good rows) is bad, and what the message must say. */
    static Stream<Arguments> badLines() {
        return Stream.of(
                Arguments.of("5,x,0", "column 'b' (2)", "\"x\" is not a number"),
                Arguments.of("5,,0", "column 'b' (2)", "empty"),
                Arguments.of("NaN,6,0", "column 'a' (1)", "\"NaN\""),
                Arguments.of("5,Infinity,0", "column 'b' (2)", "\"Infinity\""),
                Arguments.of("5,6", "line 4:", "expected 3 columns, found 2"),
                Arguments.of("5,6,0,7", "line 4:", "expected 3 columns, found 4"),
                Arguments.of("5,6,", "column 'label' (3)", "label is empty"),
                Arguments.of("5,6,7", "column 'label' (3)", "\"7\" is not one of data.classes [0, 1]"));
    }

    @ParameterizedTest
    @MethodSource("badLines")
    void aBadValueOnLine4IsReportedWithFileLineColumnAndValue(String line, String column, String problem,
                                                               @TempDir Path dir, SparkSession spark) throws Exception {
        Path f = write(dir, "bad.csv", HEAD + line + "\n7,8,1\n");
        DataException e = assertThrows(DataException.class,
                () -> DataLoader.load(spark, spec(f, "label").classes("0", "1").build()));
        String m = e.getMessage();
        assertTrue(m.startsWith(f.toString() + " line 4"), m);
        assertTrue(m.contains(column), m);
        assertTrue(m.contains(problem), m);
        assertTrue(m.contains("on_bad_record: skip"), m);
    }

    @Test
    void binaryLabelsMustBeZeroOneOrTrueFalse(@TempDir Path dir, SparkSession spark) throws Exception {
        Path f = write(dir, "bin.csv", HEAD + "5,6,yes\n");
        DataException e = assertThrows(DataException.class,
                () -> DataLoader.load(spark, spec(f, "label").task(Task.BINARY).build()));
        assertTrue(e.getMessage().contains("bin.csv line 4, column 'label' (3): label \"yes\" is not 0/1"), e.getMessage());
        assertTrue(e.getMessage().contains("data.classes"), e.getMessage());
    }

    @Test
    void theFirstBadRowIsReportedWithTheTotal(@TempDir Path dir, SparkSession spark) throws Exception {
        Path f = write(dir, "two.csv", HEAD + "1,1,1\n\n5,x,0\n5,y,0\n");
        DataException e = assertThrows(DataException.class, () -> DataLoader.load(spark, spec(f, "label").build()));
        // line 5 is blank and ignored, line 6 is the first bad one
        assertTrue(e.getMessage().startsWith(f + " line 6, column 'b' (2): \"x\""), e.getMessage());
        assertTrue(e.getMessage().endsWith("(2 bad rows in all)"), e.getMessage());
    }

    @Test
    void crlfLineEndsCountOnce(@TempDir Path dir, SparkSession spark) throws Exception {
        Path f = write(dir, "crlf.csv", "a,b,label\r\n1,2,0\r\n3,4,1\r\n5,x,0\r\n");
        DataException e = assertThrows(DataException.class, () -> DataLoader.load(spark, spec(f, "label").build()));
        assertTrue(e.getMessage().startsWith(f + " line 4, column 'b' (2)"), e.getMessage());
    }

    @Test
    void gzipLinesAreCountedInTheDecompressedText(@TempDir Path dir, SparkSession spark) throws Exception {
        StringBuilder sb = new StringBuilder("a,b,label\n");
        for (int i = 0; i < 5000; i++) {
            sb.append(i).append(',').append(i % 7).append(',').append(i % 2).append('\n');
        }
        sb.append("1,2,0,9\n");
        Path f = writeGzip(dir, "big.csv.gz", sb.toString());
        DataException e = assertThrows(DataException.class, () -> DataLoader.load(spark, spec(f, "label").build()));
        assertTrue(e.getMessage().startsWith(f + " line 5002: expected 3 columns, found 4"), e.getMessage());
    }

    @Test
    void aMissingPathIsNamed(SparkSession spark) {
        DataException e = assertThrows(DataException.class,
                () -> DataLoader.load(spark, spec("/no/such/dir/data.csv", "y").build()));
        assertTrue(e.getMessage().contains("data.path") && e.getMessage().contains("/no/such/dir/data.csv"), e.getMessage());
        DataException g = assertThrows(DataException.class,
                () -> DataLoader.load(spark, spec(datasets().resolve("digits.csv"), "digit")
                        .validation(datasets().resolve("nope-*.csv")).build()));
        assertTrue(g.getMessage().startsWith("data.validation_path: nothing found at '"), g.getMessage());
    }

    @Test
    void unknownColumnsListTheAvailableOnesAndSuggestTheClosest(SparkSession spark) {
        DataException l = assertThrows(DataException.class,
                () -> DataLoader.load(spark, spec(datasets().resolve("iris.csv"), "specie").build()));
        assertTrue(l.getMessage().startsWith("data.label: no column 'specie' in "), l.getMessage());
        assertTrue(l.getMessage().contains("iris.csv; did you mean 'species'?"), l.getMessage());
        assertTrue(l.getMessage().contains("sepal_length, sepal_width, petal_length, petal_width, species"), l.getMessage());
        DataException f = assertThrows(DataException.class, () -> DataLoader.load(spark,
                spec(datasets().resolve("iris.csv"), "species").features("sepal_length", "Petal_Widht").build()));
        assertTrue(f.getMessage().contains("data.features: no column 'Petal_Widht'") && f.getMessage().contains("'petal_width'"),
                f.getMessage());
        DataException c = assertThrows(DataException.class, () -> DataLoader.load(spark,
                spec(datasets().resolve("iris.csv"), "species").categorical("colour").build()));
        assertTrue(c.getMessage().startsWith("data.categorical: no column 'colour'"), c.getMessage());
        DataException wide = assertThrows(DataException.class,
                () -> DataLoader.load(spark, spec(datasets().resolve("digits.csv"), "digits").build()));
        assertTrue(wide.getMessage().contains("did you mean 'digit'?") && wide.getMessage().contains("65 in all"),
                wide.getMessage());
    }

    @Test
    void aFileWithAnotherHeaderFailsEvenWhenSkipping(@TempDir Path dir, SparkSession spark) throws Exception {
        write(dir, "p1.csv", "a,b,label\n1,2,0\n");
        write(dir, "p2.csv", "a,c,label\n1,2,0\n");
        DataException e = assertThrows(DataException.class,
                () -> DataLoader.load(spark, spec(dir.resolve("p*.csv"), "label").skip().build()));
        assertTrue(e.getMessage().startsWith(dir.resolve("p2.csv") + " line 1: the header differs"), e.getMessage());
    }

    @Test
    void skipModeDropsAndCountsBadRowsPerReason(@TempDir Path dir, SparkSession spark) throws Exception {
        Path f = write(dir, "mixed.csv", HEAD
                + "5,x,0\n"      // not_a_number
                + "5,,1\n"       // empty_value
                + "NaN,1,1\n"    // non_finite_value
                + "5,6\n"        // wrong_column_count
                + "5,6,\n"       // missing_label
                + "5,6,4\n"      // unknown_label
                + "\"5,6,1\n"    // unclosed_quote
                + "9,9,1\n");
        PreparedData d = DataLoader.load(spark, spec(f, "label").classes("0", "1").split(1, 0, 0, 1).skip().build());
        assertEquals(3, d.report().trainRows());
        assertEquals(3, TestData.rows(d.train(), true).size());
        assertEquals(Map.of("not_a_number", 1L, "empty_value", 1L, "non_finite_value", 1L, "wrong_column_count", 1L,
                "missing_label", 1L, "unknown_label", 1L, "unclosed_quote", 1L), d.report().skipped());
        assertEquals(7, d.report().skippedRows());
    }

    @Test
    void anEmptyTrainSplitIsAnError(@TempDir Path dir, SparkSession spark) throws Exception {
        Path f = write(dir, "allbad.csv", "a,label\nx,0\ny,1\n");
        DataException e = assertThrows(DataException.class,
                () -> DataLoader.load(spark, spec(f, "label").skip().build()));
        assertTrue(e.getMessage().startsWith("the train split is empty"), e.getMessage());
    }

    @Test
    void aTruncatedGzipIsNamedAsTruncated(@TempDir Path dir, SparkSession spark) throws Exception {
        StringBuilder sb = new StringBuilder("a,b,label\n");
        for (int i = 0; i < 20000; i++) {
            sb.append(i).append(',').append(i % 7).append(',').append(i % 2).append('\n');
        }
        Path f = writeGzip(dir, "cut.csv.gz", sb.toString());
        byte[] whole = Files.readAllBytes(f);
        Files.write(f, Arrays.copyOf(whole, whole.length / 2)); // the header still reads, the rest ends early
        DataException e = assertThrows(DataException.class, () -> DataLoader.load(spark, spec(f, "label").build()));
        String m = e.getMessage();
        assertTrue(m.startsWith("data.path '" + f + "': " + f + " is a truncated or corrupt gzip file ("), m);
        assertTrue(m.endsWith("); re-download or re-compress it"), m);
        assertFalse(m.contains("\n"), m);
    }

    @Test
    void plainTextNamedGzIsNamedAsNotGzip(@TempDir Path dir, SparkSession spark) throws Exception {
        Path f = write(dir, "plain.csv.gz", HEAD + "5,6,0\n");
        DataException e = assertThrows(DataException.class, () -> DataLoader.load(spark, spec(f, "label").build()));
        String m = e.getMessage();
        assertTrue(m.startsWith("data.path '" + f + "': " + f + " is not gzip data or is corrupt ("), m);
        assertTrue(m.endsWith("if it is not compressed, give it a name without '.gz', otherwise re-compress it"), m);
    }

    @Test
    void aSecondFileThatIsNotGzipIsNamedFromTheExecutor(@TempDir Path dir, SparkSession spark) throws Exception {
        // the first file's header is read on the driver; the second file is only read in a task
        writeGzip(dir, "p1.csv.gz", HEAD);
        Path bad = write(dir, "p2.csv.gz", HEAD);
        DataException e = assertThrows(DataException.class,
                () -> DataLoader.load(spark, spec(dir.resolve("p*.csv.gz"), "label").build()));
        String m = e.getMessage();
        assertTrue(m.startsWith("data.path '" + dir.resolve("p*.csv.gz") + "': " + bad + " is not gzip data or is corrupt ("), m);
    }

    @Test
    void csvNamedParquetIsNamedAsNotParquet(@TempDir Path dir, SparkSession spark) throws Exception {
        Path f = write(dir, "part.parquet", HEAD + "5,6,0\n");
        DataException e = assertThrows(DataException.class,
                () -> DataLoader.load(spark, spec(f, "label").format(DataSpec.Format.PARQUET).build()));
        assertEquals("data.path '" + f + "': " + f + " is not a Parquet file (its last bytes are not Parquet's magic"
                + " 'PAR1'); give CSV files a .csv name or set data.format", e.getMessage());
    }

    @Test
    void aFileAmongParquetFilesThatIsNotParquetIsNamed(@TempDir Path dir, SparkSession spark) throws Exception {
        spark.read().option("header", "true").option("inferSchema", "true")
                .csv(write(dir, "src.csv", HEAD + "5,6,0\n").toString()).coalesce(1)
                .write().parquet(dir.resolve("parts").toString());
        Path bad = write(dir.resolve("parts"), "zz-extra.parquet", HEAD);
        DataException e = assertThrows(DataException.class, () -> DataLoader.load(spark,
                spec(dir.resolve("parts"), "label").format(DataSpec.Format.PARQUET).build()));
        assertEquals("data.path '" + dir.resolve("parts") + "': " + bad + " is not a Parquet file (its last bytes are not"
                + " Parquet's magic 'PAR1'); give CSV files a .csv name or set data.format", e.getMessage());
    }
}
