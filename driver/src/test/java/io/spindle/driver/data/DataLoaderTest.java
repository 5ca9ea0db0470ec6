package io.spindle.driver.data;

import static io.spindle.driver.data.TestData.datasets;
import static io.spindle.driver.data.TestData.rows;
import static io.spindle.driver.data.TestData.spec;
import static io.spindle.driver.data.TestData.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spindle.driver.SharedSpark;
import io.spindle.driver.spec.DataSpec;
import io.spindle.driver.spec.Task;
import io.spindle.kernels.Block;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Reading, splitting, encoding and normalizing the bundled CSV data sets and small written files. */
@ExtendWith(SharedSpark.class)
class DataLoaderTest {

    private static DataSpec digits(long seed, DataSpec.Normalize n) {
        return spec(datasets().resolve("digits.csv"), "digit").split(0.7, 0.15, 0.15, seed).normalize(n).build();
    }

    @Test
    void splitCountsAddUpAndFollowTheFractions(SparkSession spark) {
        PreparedData d = DataLoader.load(spark, digits(42, DataSpec.Normalize.NONE));
        PreparedData.LoadReport r = d.report();
        assertEquals(1797, r.trainRows() + r.validationRows() + r.testRows());
        // binomial standard deviation of the train count is about 19 rows
        assertTrue(Math.abs(r.trainRows() - 0.7 * 1797) < 100, "train rows " + r.trainRows());
        assertTrue(Math.abs(r.validationRows() - 0.15 * 1797) < 80, "validation rows " + r.validationRows());
        assertEquals(r.trainRows(), rows(d.train(), true).size());
        assertEquals(r.validationRows(), rows(d.validation(), true).size());
        assertEquals(r.testRows(), rows(d.test(), true).size());
        assertEquals(0, r.skippedRows());
        for (Block b : d.train().collect()) {
            assertTrue(b.rows() <= 1024 && b.rows() > 0);
            assertEquals(64, b.featureWidth());
            assertEquals(10, b.labelWidth());
        }
    }

    @Test
    void sameSeedGivesTheSameSplitBitForBitOtherSeedAnother(SparkSession spark) {
        PreparedData a = DataLoader.load(spark, digits(7, DataSpec.Normalize.STANDARDIZE));
        PreparedData b = DataLoader.load(spark, digits(7, DataSpec.Normalize.STANDARDIZE));
        PreparedData c = DataLoader.load(spark, digits(8, DataSpec.Normalize.STANDARDIZE));
        assertRowsEqual(rows(a.train(), true), rows(b.train(), true));
        assertRowsEqual(rows(a.test(), false), rows(b.test(), false));
        assertArrayEquals(a.normalization().featureShift(), b.normalization().featureShift());
        assertFalse(sameRows(rows(a.test(), true), rows(c.test(), true)), "seed 8 gave seed 7's test split");
    }

    @Test
    void splitDoesNotDependOnHowTheFileIsPartitioned(SparkSession spark) {
        DataSpec spec = digits(3, DataSpec.Normalize.NONE);
        List<float[]> whole = rows(DataLoader.load(spark, spec).validation(), true);
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        String key = "mapreduce.input.fileinputformat.split.maxsize";
        String old = conf.get(key);
        PreparedData pieces;
        try {
            conf.set(key, "20000"); // digits.csv is 267 kB: 14 input splits
            pieces = DataLoader.load(spark, spec);
            assertTrue(pieces.validation().getNumPartitions() > 10);
            assertRowsEqual(whole, rows(pieces.validation(), true));
        } finally {
            if (old == null) {
                conf.unset(key);
            } else {
                conf.set(key, old);
            }
        }
    }

    @Test
    void theSameBytesUnderAnotherNameAndFolderGiveTheSameSplit(@TempDir Path dir, SparkSession spark) throws Exception {
        Path a = Files.createDirectories(dir.resolve("one")).resolve("digits.csv");
        Path b = Files.createDirectories(dir.resolve("two/deeper")).resolve("my-copy-of-the-digits.csv");
        Files.copy(datasets().resolve("digits.csv"), a);
        Files.copy(datasets().resolve("digits.csv"), b);
        assertSameSplits(DataLoader.load(spark, spec(a, "digit").split(0.7, 0.15, 0.15, 9).build()),
                DataLoader.load(spark, spec(b, "digit").split(0.7, 0.15, 0.15, 9).build()));
    }

    @Test
    void theSameParquetRowsUnderAnotherFileNameGiveTheSameSplit(@TempDir Path dir, SparkSession spark) {
        // Spark names each written part file with a fresh random id: the two copies have different names
        org.apache.spark.sql.Dataset<org.apache.spark.sql.Row> df = spark.read().option("header", "true")
                .option("inferSchema", "true").csv(datasets().resolve("digits.csv").toString()).coalesce(1);
        df.write().parquet(dir.resolve("a").toString());
        df.write().parquet(dir.resolve("elsewhere/b").toString());
        PreparedData x = DataLoader.load(spark, spec(dir.resolve("a"), "digit").format(DataSpec.Format.PARQUET)
                .split(0.7, 0.15, 0.15, 9).build());
        PreparedData y = DataLoader.load(spark, spec(dir.resolve("elsewhere/b"), "digit").format(DataSpec.Format.PARQUET)
                .split(0.7, 0.15, 0.15, 9).build());
        assertSameSplits(x, y);
    }

    /** Same row counts, and the same rows (features and labels, in order) in each of the three splits. */
    private static void assertSameSplits(PreparedData x, PreparedData y) {
        assertEquals(x.report().trainRows(), y.report().trainRows());
        assertEquals(x.report().validationRows(), y.report().validationRows());
        assertEquals(x.report().testRows(), y.report().testRows());
        assertEquals(1797, x.report().trainRows() + x.report().validationRows() + x.report().testRows());
        assertTrue(x.report().validationRows() > 0 && x.report().testRows() > 0);
        assertArrayEquals(x.normalization().featureShift(), y.normalization().featureShift());
        assertArrayEquals(x.normalization().featureScale(), y.normalization().featureScale());
        assertRowsEqual(rows(x.train(), true), rows(y.train(), true));
        assertRowsEqual(rows(x.train(), false), rows(y.train(), false));
        assertRowsEqual(rows(x.validation(), true), rows(y.validation(), true));
        assertRowsEqual(rows(x.validation(), false), rows(y.validation(), false));
        assertRowsEqual(rows(x.test(), true), rows(y.test(), true));
        assertRowsEqual(rows(x.test(), false), rows(y.test(), false));
    }

    @Test
    void standardizationIsFittedOnTheTrainSplitOnly(SparkSession spark) {
        List<float[]> train = rows(DataLoader.load(spark, digits(11, DataSpec.Normalize.NONE)).train(), true);
        List<float[]> all = new ArrayList<>(train);
        PreparedData raw = DataLoader.load(spark, digits(11, DataSpec.Normalize.NONE));
        all.addAll(rows(raw.validation(), true));
        all.addAll(rows(raw.test(), true));
        PreparedData d = DataLoader.load(spark, digits(11, DataSpec.Normalize.STANDARDIZE));
        Normalization n = d.normalization();
        assertEquals("standardize", n.kind());
        boolean differsFromAll = false;
        for (int j = 0; j < 64; j++) {
            double mean = 0;
            for (float[] r : train) {
                mean += r[j];
            }
            mean /= train.size();
            double var = 0;
            for (float[] r : train) {
                var += (r[j] - mean) * (r[j] - mean);
            }
            double std = Math.sqrt(var / train.size());
            assertEquals(mean, n.featureShift()[j], 1e-4, "mean of feature " + j);
            assertEquals(std == 0 ? 1 : std, n.featureScale()[j], 1e-4, "std of feature " + j);
            double allMean = 0;
            for (float[] r : all) {
                allMean += r[j];
            }
            allMean /= all.size();
            differsFromAll |= Math.abs(allMean - mean) > 1e-3;
        }
        assertTrue(differsFromAll, "train statistics equal whole-data statistics; the test proves nothing");
        // column 0 of the 8x8 digits is always 0: constant, so scale 1
        assertEquals(0f, n.featureShift()[0]);
        assertEquals(1f, n.featureScale()[0]);
        assertEquals(0, n.labelShift().length);
        // applied: train features have mean 0 and std 1 (non-constant columns)
        List<float[]> scaled = rows(d.train(), true);
        double m = 0;
        double sq = 0;
        for (float[] r : scaled) {
            m += r[10];
            sq += r[10] * r[10];
        }
        m /= scaled.size();
        assertEquals(0, m, 1e-4);
        assertEquals(1, Math.sqrt(sq / scaled.size() - m * m), 1e-3);
    }

    @Test
    void minmaxScalesTrainIntoUnitRangeAndRegressionLabelsToo(SparkSession spark) {
        DataSpec s = spec(datasets().resolve("diabetes.csv"), "progression").task(Task.REGRESSION)
                .normalize(DataSpec.Normalize.MINMAX).build();
        PreparedData d = DataLoader.load(spark, s);
        assertEquals(442, d.report().trainRows() + d.report().validationRows() + d.report().testRows());
        assertEquals(10, d.layout().featureWidth());
        assertEquals(1, d.layout().labelWidth());
        assertEquals(List.of(), d.layout().classes());
        float lo = Float.MAX_VALUE;
        float hi = -Float.MAX_VALUE;
        float llo = Float.MAX_VALUE;
        float lhi = -Float.MAX_VALUE;
        for (float[] r : rows(d.train(), true)) {
            for (float v : r) {
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
        }
        for (float[] r : rows(d.train(), false)) {
            llo = Math.min(llo, r[0]);
            lhi = Math.max(lhi, r[0]);
        }
        assertEquals(0f, lo, 1e-6);
        assertEquals(1f, hi, 1e-6);
        assertEquals(0f, llo, 1e-6);
        assertEquals(1f, lhi, 1e-6);
        assertEquals(1, d.normalization().labelShift().length);
        assertTrue(d.normalization().labelScale()[0] > 100, "progression spans 25..346");
    }

    @Test
    void multiclassLabelsAreOneHotOverSortedClasses(SparkSession spark) {
        PreparedData d = DataLoader.load(spark, spec(datasets().resolve("iris.csv"), "species")
                .split(1, 0, 0, 1).normalize(DataSpec.Normalize.NONE).build());
        assertEquals(List.of("0", "1", "2"), d.layout().classes());
        assertEquals(List.of("sepal_length", "sepal_width", "petal_length", "petal_width"), d.layout().featureNames());
        List<float[]> labels = rows(d.train(), false);
        List<float[]> features = rows(d.train(), true);
        assertEquals(150, labels.size());
        // iris.csv line 2 is "5.1,3.5,1.4,0.2,0"
        assertArrayEquals(new float[] {5.1f, 3.5f, 1.4f, 0.2f}, features.get(0));
        assertArrayEquals(new float[] {1, 0, 0}, labels.get(0));
        int[] perClass = new int[3];
        for (float[] l : labels) {
            float sum = 0;
            for (int k = 0; k < 3; k++) {
                sum += l[k];
                if (l[k] == 1f) {
                    perClass[k]++;
                }
            }
            assertEquals(1f, sum);
        }
        assertArrayEquals(new int[] {50, 50, 50}, perClass);
    }

    @Test
    void declaredClassesKeepTheirOrderAndBinaryUsesTheSecondAsPositive(@TempDir Path dir, SparkSession spark)
            throws Exception {
        Path f = write(dir, "pets.csv", "w,kind\n1,dog\n2,cat\n3,bird\n4,dog\n");
        PreparedData d = DataLoader.load(spark, spec(f, "kind").classes("dog", "cat", "bird")
                .split(1, 0, 0, 1).build());
        assertEquals(List.of("dog", "cat", "bird"), d.layout().classes());
        List<float[]> l = rows(d.train(), false);
        assertArrayEquals(new float[] {1, 0, 0}, l.get(0));
        assertArrayEquals(new float[] {0, 1, 0}, l.get(1));
        assertArrayEquals(new float[] {0, 0, 1}, l.get(2));

        Path g = write(dir, "yesno.csv", "w,ok\n1,no\n2,yes\n3,no\n");
        PreparedData b = DataLoader.load(spark, spec(g, "ok").task(Task.BINARY).classes("no", "yes")
                .split(1, 0, 0, 1).build());
        assertEquals(1, b.layout().labelWidth());
        assertEquals(List.of(0f, 1f, 0f), rows(b.train(), false).stream().map(r -> r[0]).toList());

        Path h = write(dir, "tf.csv", "w,ok\n1,true\n2,FALSE\n3,1.0\n4,0\n");
        PreparedData t = DataLoader.load(spark, spec(h, "ok").task(Task.BINARY).split(1, 0, 0, 1).build());
        assertEquals(List.of(1f, 0f, 1f, 0f), rows(t.train(), false).stream().map(r -> r[0]).toList());
    }

    @Test
    void binaryBreastCancerKeepsTheClassBalance(SparkSession spark) {
        PreparedData d = DataLoader.load(spark, spec(datasets().resolve("breast_cancer.csv"), "malignant")
                .task(Task.BINARY).split(1, 0, 0, 5).build());
        List<float[]> l = rows(d.train(), false);
        assertEquals(569, l.size());
        assertEquals(212, l.stream().filter(r -> r[0] == 1f).count());
        assertEquals(30, d.layout().featureWidth());
    }

    @Test
    void categoricalColumnsAreOneHotWithTrainCategoriesAndUnseenIsAllZeros(@TempDir Path dir, SparkSession spark)
            throws Exception {
        Path train = write(dir, "train.csv", "size,color,y\n1,red,0\n2,blue,1\n3,green,0\n4,red,1\n");
        Path test = write(dir, "test.csv", "size,color,y\n5,purple,0\n6,blue,1\n");
        PreparedData d = DataLoader.load(spark, spec(train, "y").task(Task.BINARY).categorical("color")
                .test(test).split(1, 0, 0, 1).normalize(DataSpec.Normalize.MINMAX).build());
        assertEquals(List.of("size", "color=blue", "color=green", "color=red"), d.layout().featureNames());
        assertArrayEquals(new float[] {1f, 0f, 0f, 0f}, d.normalization().featureShift(), 1e-6f);
        assertArrayEquals(new float[] {3f, 1f, 1f, 1f}, d.normalization().featureScale(), 1e-6f);
        List<float[]> tr = rows(d.train(), true);
        assertArrayEquals(new float[] {0f, 0, 0, 1}, tr.get(0));
        assertArrayEquals(new float[] {1f / 3, 1, 0, 0}, tr.get(1), 1e-6f);
        List<float[]> te = rows(d.test(), true);
        assertEquals(0, d.report().validationRows());
        assertEquals(2, d.report().testRows());
        assertArrayEquals(new float[] {4f / 3, 0, 0, 0}, te.get(0), 1e-6f);
        assertArrayEquals(new float[] {5f / 3, 1, 0, 0}, te.get(1), 1e-6f);
    }

    @Test
    void gzipMnistReadsAllRowsAndFitsItsImageShape(SparkSession spark) {
        PreparedData d = DataLoader.load(spark, spec(datasets().resolve("mnist10k.csv.gz"), "digit")
                .split(0.8, 0, 0.2, 1).normalize(DataSpec.Normalize.NONE).image(28, 28, 1).build());
        assertEquals(10_000, d.report().trainRows() + d.report().testRows());
        assertEquals(0, d.report().validationRows());
        assertEquals(784, d.layout().featureWidth());
        assertEquals(10, d.layout().classes().size());
        float max = 0;
        long blocks = 0;
        for (Block b : d.test().collect()) {
            blocks++;
            for (float v : b.features()) {
                max = Math.max(max, v);
            }
        }
        assertEquals(255f, max);
        assertEquals((d.report().testRows() + 1023) / 1024, blocks);
    }

    @Test
    void featuresThatDoNotFitTheImageOrSequenceFail(SparkSession spark) {
        DataException e = assertThrows(DataException.class, () -> DataLoader.load(spark,
                spec(datasets().resolve("digits.csv"), "digit").image(8, 8, 3).build()));
        assertTrue(e.getMessage().contains("192") && e.getMessage().contains("64"), e.getMessage());
        DataException s = assertThrows(DataException.class, () -> DataLoader.load(spark,
                spec(datasets().resolve("digits.csv"), "digit").sequence(5).build()));
        assertTrue(s.getMessage().contains("data.sequence.steps 5"), s.getMessage());
        DataLoader.load(spark, spec(datasets().resolve("digits.csv"), "digit").sequence(8).build());
    }

    @Test
    void explicitFeaturesSelectAndOrderColumnsAndHeaderlessFilesAreNumbered(@TempDir Path dir, SparkSession spark)
            throws Exception {
        Path f = write(dir, "nohead.tsv", "1\t2\t3\t0\n4\t5\t6\t1\n\n");
        PreparedData d = DataLoader.load(spark, spec(f, "c4").header(false).delimiter("\t").features("c3", "c1")
                .task(Task.BINARY).split(1, 0, 0, 1).normalize(DataSpec.Normalize.NONE).build());
        assertEquals(List.of("c3", "c1"), d.layout().featureNames());
        List<float[]> r = rows(d.train(), true);
        assertArrayEquals(new float[] {3, 1}, r.get(0));
        assertArrayEquals(new float[] {6, 4}, r.get(1));
        assertEquals(2, d.report().trainRows());
    }

    @Test
    void multilabelGivesOneColumnPerLabel(@TempDir Path dir, SparkSession spark) throws Exception {
        Path f = write(dir, "ml.csv", "x,a,b\n1,1,0\n2,true,true\n");
        PreparedData d = DataLoader.load(spark, spec(f, "a", "b").task(Task.MULTILABEL).split(1, 0, 0, 1).build());
        assertEquals(2, d.layout().labelWidth());
        List<float[]> l = rows(d.train(), false);
        assertArrayEquals(new float[] {1, 0}, l.get(0));
        assertArrayEquals(new float[] {1, 1}, l.get(1));
    }

    @Test
    void aFolderOfFilesWithHeadersAndQuotedFieldsIsRead(@TempDir Path dir, SparkSession spark) throws Exception {
        Path folder = dir.resolve("parts");
        java.nio.file.Files.createDirectories(folder);
        write(folder, "part-1.csv", "x,\"name, quoted\",y\n1,\"a, b\",0\n");
        write(folder, "part-2.csv", "x,\"name, quoted\",y\n2,\"say \"\"hi\"\"\",1\n");
        write(folder, "_SUCCESS", "");
        PreparedData d = DataLoader.load(spark, spec(folder, "y").task(Task.BINARY).categorical("name, quoted")
                .split(1, 0, 0, 1).normalize(DataSpec.Normalize.NONE).build());
        assertEquals(List.of("x", "name, quoted=a, b", "name, quoted=say \"hi\""), d.layout().featureNames());
        assertEquals(2, d.report().trainRows());
    }

    @Test
    void relativePathsResolveAgainstTheBaseDirectory(@TempDir Path dir, SparkSession spark) throws Exception {
        write(dir, "rel.csv", "x,y\n1,0\n2,1\n");
        PreparedData d = DataLoader.load(spark, spec("rel.csv", "y").task(Task.BINARY).split(1, 0, 0, 1).build(), dir);
        assertEquals(2, d.report().trainRows());
    }

    private static boolean sameRows(List<float[]> a, List<float[]> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (!java.util.Arrays.equals(a.get(i), b.get(i))) {
                return false;
            }
        }
        return true;
    }

    private static void assertRowsEqual(List<float[]> a, List<float[]> b) {
        assertEquals(a.size(), b.size());
        for (int i = 0; i < a.size(); i++) {
            assertArrayEquals(a.get(i), b.get(i), "row " + i);
        }
        assertNotEquals(0, a.size());
    }
}
