package io.spindle.kernels.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spindle.kernels.eval.TestData.Dataset;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.ArgumentsProvider;
import org.junit.jupiter.params.provider.ArgumentsSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.evaluation.regression.RegressionEvaluation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

@Tag("fast")
class MetricsAccumulatorTest {

    private static final long SEED = 20240611L;
    private static final double EXACT = 1e-12;

    private static INDArray nd(float[][] m) {
        return Nd4j.create(m);
    }

    private static MetricsAccumulator accumulate(TaskKind kind, Dataset d) {
        MetricsAccumulator acc = MetricsAccumulator.create(kind, TestData.outputs(kind));
        acc.add(nd(d.labels()), nd(d.predictions()));
        return acc;
    }

    private static void assertPerClass(Metrics m, int k, double[] expected) {
        Map<String, Double> entry = m.perClass().get(Integer.toString(k));
        assertEquals(expected[0], entry.get("precision"), EXACT, "precision of class " + k);
        assertEquals(expected[1], entry.get("recall"), EXACT, "recall of class " + k);
        assertEquals(expected[2], entry.get("f1"), EXACT, "f1 of class " + k);
        assertEquals(expected[3], entry.get("support"), EXACT, "support of class " + k);
    }

    // ---- comparisons with plain-loop computations ----

    @Test
    void multiclassMatchesPlainLoops() {
        Dataset d = TestData.multiclass(SEED);
        Metrics m = accumulate(TaskKind.MULTICLASS, d).result();

        long[][] confusion = ReferenceMetrics.confusion(d.labels(), d.predictions(), TestData.CLASSES);
        assertArrayEquals(confusion, m.confusionMatrix());
        assertEquals(ReferenceMetrics.accuracy(confusion), m.value("accuracy"), EXACT);
        double[] macro = new double[3];
        double aucSum = 0;
        double aucBound = 0;
        for (int k = 0; k < TestData.CLASSES; k++) {
            double[] stats = ReferenceMetrics.classStats(confusion, k);
            assertPerClass(m, k, stats);
            for (int i = 0; i < 3; i++) {
                macro[i] += stats[i] / TestData.CLASSES;
            }
            double[] scores = ReferenceMetrics.column(d.predictions(), k);
            boolean[] positive = ReferenceMetrics.positives(d.labels(), k);
            aucSum += ReferenceMetrics.auc(scores, positive);
            aucBound = Math.max(aucBound, ReferenceMetrics.binningErrorBound(scores, positive, BinnedRoc.STEPS));
        }
        assertEquals(macro[0], m.value("precision_macro"), EXACT);
        assertEquals(macro[1], m.value("recall_macro"), EXACT);
        assertEquals(macro[2], m.value("f1_macro"), EXACT);
        assertEquals(macro[0], m.value("precision"), EXACT);
        assertEquals(macro[1], m.value("recall"), EXACT);
        assertEquals(macro[2], m.value("f1"), EXACT);
        assertEquals(aucSum / TestData.CLASSES, m.value("auc"), aucBound + EXACT);
        assertEquals(d.rows(), m.count());
        assertEquals(0, m.nonFiniteRows());
        assertFalse(m.values().containsKey("loss"), "no loss without addLoss");
    }

    @Test
    void binarySigmoidMatchesPlainLoops() {
        Dataset d = TestData.binary(SEED);
        Metrics m = accumulate(TaskKind.BINARY, d).result();

        long[][] confusion = ReferenceMetrics.binaryConfusion(d.labels(), d.predictions());
        assertArrayEquals(confusion, m.confusionMatrix());
        assertEquals(ReferenceMetrics.accuracy(confusion), m.value("accuracy"), EXACT);
        double[] negative = ReferenceMetrics.classStats(confusion, 0);
        double[] positive = ReferenceMetrics.classStats(confusion, 1);
        assertPerClass(m, 0, negative);
        assertPerClass(m, 1, positive);
        assertEquals(positive[0], m.value("precision"), EXACT);
        assertEquals(positive[1], m.value("recall"), EXACT);
        assertEquals(positive[2], m.value("f1"), EXACT);
        assertEquals((negative[2] + positive[2]) / 2, m.value("f1_macro"), EXACT);
        assertEquals((negative[0] + positive[0]) / 2, m.value("precision_macro"), EXACT);
        assertEquals((negative[1] + positive[1]) / 2, m.value("recall_macro"), EXACT);
        double[] scores = ReferenceMetrics.column(d.predictions(), 0);
        boolean[] labels = ReferenceMetrics.positives(d.labels(), 0);
        double bound = ReferenceMetrics.binningErrorBound(scores, labels, BinnedRoc.STEPS);
        assertTrue(bound < 0.01, "the data should spread scores enough for a tight bound, got " + bound);
        assertEquals(ReferenceMetrics.auc(scores, labels), m.value("auc"), bound + EXACT);
    }

    @Test
    void multilabelMatchesPlainLoops() {
        Dataset d = TestData.multilabel(SEED);
        Metrics m = accumulate(TaskKind.MULTILABEL, d).result();

        long correctCells = 0;
        double[] macro = new double[3];
        double aucSum = 0;
        double aucBound = 0;
        for (int j = 0; j < TestData.LABELS; j++) {
            long[][] confusion = new long[2][2];
            for (int r = 0; r < d.rows(); r++) {
                int actual = d.labels()[r][j] > 0.5f ? 1 : 0;
                int predicted = d.predictions()[r][j] > 0.5f ? 1 : 0;
                confusion[actual][predicted]++;
                if (actual == predicted) {
                    correctCells++;
                }
            }
            double[] stats = ReferenceMetrics.classStats(confusion, 1);
            assertPerClass(m, j, stats);
            for (int i = 0; i < 3; i++) {
                macro[i] += stats[i] / TestData.LABELS;
            }
            double[] scores = ReferenceMetrics.column(d.predictions(), j);
            boolean[] positive = ReferenceMetrics.positives(d.labels(), j);
            aucSum += ReferenceMetrics.auc(scores, positive);
            aucBound = Math.max(aucBound, ReferenceMetrics.binningErrorBound(scores, positive, BinnedRoc.STEPS));
        }
        assertEquals((double) correctCells / (d.rows() * TestData.LABELS), m.value("accuracy"), EXACT);
        assertEquals(macro[0], m.value("precision"), EXACT);
        assertEquals(macro[1], m.value("recall"), EXACT);
        assertEquals(macro[2], m.value("f1"), EXACT);
        assertEquals(macro[2], m.value("f1_macro"), EXACT);
        assertEquals(aucSum / TestData.LABELS, m.value("auc"), aucBound + EXACT);
        assertEquals(0, m.confusionMatrix().length, "no confusion matrix for multilabel");
    }

    @Test
    void regressionMatchesPlainLoops() {
        Dataset d = TestData.regression(SEED);
        Metrics m = accumulate(TaskKind.REGRESSION, d).result();

        double[] mean = new double[4];
        for (int j = 0; j < TestData.TARGETS; j++) {
            double[] ref = ReferenceMetrics.regression(d.labels(), d.predictions(), j);
            for (int i = 0; i < 4; i++) {
                mean[i] += ref[i] / TestData.TARGETS;
            }
        }
        assertEquals(mean[0], m.value("mae"), 1e-9);
        assertEquals(mean[1], m.value("mse"), 1e-9);
        assertEquals(mean[2], m.value("rmse"), 1e-9);
        assertEquals(mean[3], m.value("r2"), 1e-9);
        assertTrue(mean[3] > 0.5 && mean[3] < 1.0, "the data should give a non-trivial R², got " + mean[3]);
        assertTrue(m.perClass().isEmpty());
        assertEquals(0, m.confusionMatrix().length);
    }

    @Test
    void regressionWithConstantLabelsFollowsScikitLearn() {
        MetricsAccumulator perfect = MetricsAccumulator.create(TaskKind.REGRESSION, 1);
        perfect.add(nd(new float[][] {{2f}, {2f}}), nd(new float[][] {{2f}, {2f}}));
        assertEquals(1.0, perfect.result().value("r2"));
        MetricsAccumulator imperfect = MetricsAccumulator.create(TaskKind.REGRESSION, 1);
        imperfect.add(nd(new float[][] {{2f}, {2f}}), nd(new float[][] {{1f}, {2f}}));
        assertEquals(0.0, imperfect.result().value("r2"));
    }

    /** DL4J's own classes, used where they are correct (single instance, finite data), as a second reference. */
    @Test
    void agreesWithDl4jEvaluationOnFiniteData() {
        Dataset mc = TestData.multiclass(SEED + 1);
        Evaluation multiclass = new Evaluation(TestData.CLASSES);
        multiclass.eval(nd(mc.labels()), nd(mc.predictions()));
        Metrics m = accumulate(TaskKind.MULTICLASS, mc).result();
        assertEquals(multiclass.accuracy(), m.value("accuracy"), EXACT);
        for (int a = 0; a < TestData.CLASSES; a++) {
            for (int p = 0; p < TestData.CLASSES; p++) {
                assertEquals(multiclass.getConfusion().getCount(a, p), m.confusionMatrix()[a][p]);
            }
        }

        Dataset bin = TestData.binary(SEED + 1);
        Evaluation binary = new Evaluation(2);
        binary.eval(nd(bin.labels()), nd(bin.predictions()));
        Metrics b = accumulate(TaskKind.BINARY, bin).result();
        assertEquals(binary.accuracy(), b.value("accuracy"), EXACT);
        assertEquals(binary.precision(1), b.value("precision"), EXACT);
        assertEquals(binary.recall(1), b.value("recall"), EXACT);

        Dataset reg = TestData.regression(SEED + 1);
        RegressionEvaluation regression = new RegressionEvaluation(TestData.TARGETS);
        regression.eval(Nd4j.create(toDouble(reg.labels())), Nd4j.create(toDouble(reg.predictions())));
        Metrics r = accumulate(TaskKind.REGRESSION, reg).result();
        assertEquals(regression.averageMeanAbsoluteError(), r.value("mae"), 1e-9);
        assertEquals(regression.averageMeanSquaredError(), r.value("mse"), 1e-9);
        assertEquals(regression.averageRSquared(), r.value("r2"), 1e-9);
    }

    private static double[][] toDouble(float[][] m) {
        double[][] out = new double[m.length][];
        for (int r = 0; r < m.length; r++) {
            out[r] = new double[m[r].length];
            for (int c = 0; c < m[r].length; c++) {
                out[r][c] = m[r][c];
            }
        }
        return out;
    }

    // ---- AUC ----

    /** With scores on the bin grid (one score per bin, many ties), the binned AUC is exact. */
    @Test
    void aucIsExactMannWhitneyWhenScoresLieOnTheBinGrid() {
        SplittableRandom rng = new SplittableRandom(SEED);
        int n = 400;
        float[][] y = new float[n][1];
        float[][] p = new float[n][1];
        for (int r = 0; r < n; r++) {
            boolean positive = rng.nextDouble() < 0.3;
            y[r][0] = positive ? 1f : 0f;
            // a small grid so that ties across classes are frequent; centres of 1/1000-wide bins
            int bin = rng.nextInt(40) * 20 + (positive ? 100 : 0);
            p[r][0] = (float) ((bin + 0.5) / 1000.0);
        }
        MetricsAccumulator acc = MetricsAccumulator.create(TaskKind.BINARY, 1);
        acc.add(nd(y), nd(p));
        double expected = ReferenceMetrics.auc(ReferenceMetrics.column(p, 0), ReferenceMetrics.positives(y, 0));
        assertEquals(expected, acc.result().value("auc"), EXACT);
    }

    @Test
    void aucIsNaNWithoutBothClassesButOtherMetricsAreDefined() {
        MetricsAccumulator acc = MetricsAccumulator.create(TaskKind.BINARY, 1);
        acc.add(nd(new float[][] {{0f}, {0f}}), nd(new float[][] {{0.2f}, {0.7f}}));
        Metrics m = acc.result();
        assertTrue(Double.isNaN(m.value("auc")));
        assertEquals(0.5, m.value("accuracy"), EXACT);
    }

    // ---- binary input forms ----

    @Test
    void twoColumnSoftmaxBinaryEqualsSingleSigmoidColumn() {
        Dataset d = TestData.binary(SEED);
        float[][] y2 = new float[d.rows()][2];
        float[][] p2 = new float[d.rows()][2];
        for (int r = 0; r < d.rows(); r++) {
            y2[r][1] = d.labels()[r][0];
            y2[r][0] = 1f - d.labels()[r][0];
            p2[r][1] = d.predictions()[r][0];
            p2[r][0] = 1f - d.predictions()[r][0];
        }
        MetricsAccumulator twoColumns = MetricsAccumulator.create(TaskKind.BINARY, 2);
        twoColumns.add(nd(y2), nd(p2));
        assertEquals(accumulate(TaskKind.BINARY, d).result(), twoColumns.result());
    }

    @Test
    void rankOneArraysAreReadAsOneColumn() {
        Dataset d = TestData.binary(SEED);
        MetricsAccumulator vectors = MetricsAccumulator.create(TaskKind.BINARY, 1);
        vectors.add(Nd4j.create(ReferenceMetrics.column(d.labels(), 0)),
                Nd4j.create(ReferenceMetrics.column(d.predictions(), 0)));
        assertEquals(accumulate(TaskKind.BINARY, d).result(), vectors.result());
    }

    @Test
    void binaryThresholdIsStrictlyGreaterThanHalf() {
        MetricsAccumulator acc = MetricsAccumulator.create(TaskKind.BINARY, 1);
        acc.add(nd(new float[][] {{1f}, {1f}}), nd(new float[][] {{0.5f}, {0.5001f}}));
        assertArrayEquals(new long[][] {{0, 0}, {1, 1}}, acc.result().confusionMatrix());
    }

    // ---- merging ----

    /** Every kind split into 1, 2 and 3 accumulators, merged forwards and backwards. */
    static final class SplitCases implements ArgumentsProvider {
        @Override
        public Stream<? extends Arguments> provideArguments(ExtensionContext context) {
            List<Arguments> cases = new ArrayList<>();
            for (TaskKind kind : TaskKind.values()) {
                for (int parts = 1; parts <= 3; parts++) {
                    for (boolean reverse : new boolean[] {false, true}) {
                        cases.add(Arguments.of(kind, parts, reverse));
                    }
                }
            }
            return cases.stream();
        }
    }

    @ParameterizedTest(name = "{0} in {1} parts, reverse merge {2}")
    @ArgumentsSource(SplitCases.class)
    void splittingRowsAndMergingGivesTheSameResult(TaskKind kind, int parts, boolean reverse) {
        Dataset d = TestData.of(kind, SEED);
        MetricsAccumulator whole = accumulate(kind, d);
        whole.addLoss(12.5, d.rows());

        // uneven contiguous parts; each part also split into two add() batches
        List<MetricsAccumulator> accumulators = new ArrayList<>();
        int from = 0;
        for (int i = 0; i < parts; i++) {
            int to = i == parts - 1 ? d.rows() : from + (d.rows() * (i + 1)) / (parts * (parts + 1)) * 2;
            to = Math.min(Math.max(to, from), d.rows());
            MetricsAccumulator acc = MetricsAccumulator.create(kind, TestData.outputs(kind));
            int mid = (from + to) / 2;
            acc.add(nd(TestData.slice(d.labels(), from, mid)), nd(TestData.slice(d.predictions(), from, mid)));
            acc.add(nd(TestData.slice(d.labels(), mid, to)), nd(TestData.slice(d.predictions(), mid, to)));
            acc.addLoss(12.5 * (to - from) / d.rows(), to - from);
            accumulators.add(acc);
            from = to;
        }
        if (reverse) {
            java.util.Collections.reverse(accumulators);
        }
        MetricsAccumulator merged = accumulators.get(0);
        for (int i = 1; i < accumulators.size(); i++) {
            assertTrue(merged == merged.merge(accumulators.get(i)), "merge returns this");
        }

        Metrics expected = whole.result();
        Metrics actual = merged.result();
        assertEquals(expected.count(), actual.count());
        assertEquals(d.rows(), actual.count());
        assertArrayEquals(expected.confusionMatrix(), actual.confusionMatrix());
        assertEquals(expected.perClass(), actual.perClass());
        assertEquals(expected.values().keySet(), actual.values().keySet());
        for (String key : expected.values().keySet()) {
            double e = expected.value(key);
            // classification counts are exact; regression moments and the loss agree up to rounding
            double tolerance = kind.isClassification() && !key.equals("loss") ? 0.0 : 1e-12 * Math.max(1, Math.abs(e));
            assertEquals(e, actual.value(key), tolerance, key);
        }
        assertEquals(12.5 / d.rows(), actual.value("loss"), 1e-12);
    }

    @Test
    void mergeLeavesTheOtherAccumulatorUnchanged() {
        Dataset d = TestData.multiclass(SEED);
        MetricsAccumulator other = accumulate(TaskKind.MULTICLASS, d);
        Metrics before = other.result();
        MetricsAccumulator target = accumulate(TaskKind.MULTICLASS, d);
        target.merge(other);
        target.add(nd(d.labels()), nd(d.predictions()));
        assertEquals(before, other.result());
        assertEquals(3L * d.rows(), target.result().count());
    }

    @Test
    void mergeRejectsDifferentTasksAndItself() {
        MetricsAccumulator multiclass = MetricsAccumulator.create(TaskKind.MULTICLASS, 3);
        assertThrows(IllegalArgumentException.class,
                () -> multiclass.merge(MetricsAccumulator.create(TaskKind.MULTICLASS, 4)));
        assertThrows(IllegalArgumentException.class,
                () -> multiclass.merge(MetricsAccumulator.create(TaskKind.MULTILABEL, 3)));
        assertThrows(IllegalArgumentException.class, () -> multiclass.merge(multiclass));
    }

    // ---- serialization ----

    @ParameterizedTest
    @EnumSource(TaskKind.class)
    void javaSerializationKeepsTheResultAndStaysMergeable(TaskKind kind) throws Exception {
        Dataset d = TestData.of(kind, SEED);
        MetricsAccumulator acc = accumulate(kind, d);
        acc.addLoss(3.0, 10);
        MetricsAccumulator copy = roundTrip(acc);
        assertEquals(acc.result(), copy.result());

        copy.merge(accumulate(kind, d));
        acc.merge(accumulate(kind, d));
        assertEquals(acc.result(), copy.result());

        Metrics metrics = acc.result();
        assertEquals(metrics, roundTrip(metrics));
    }

    @SuppressWarnings("unchecked")
    private static <T> T roundTrip(T value) throws IOException, ClassNotFoundException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(value);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return (T) in.readObject();
        }
    }

    // ---- diverged networks ----

    @ParameterizedTest
    @EnumSource(TaskKind.class)
    void nonFinitePredictionsDoNotThrowAndMakeMetricsNaN(TaskKind kind) {
        Dataset d = TestData.of(kind, SEED);
        float[][] p = TestData.slice(d.predictions(), 0, d.rows());
        java.util.Arrays.fill(p[3], Float.NaN);
        p[7][p[7].length - 1] = Float.NaN;
        p[11][0] = Float.POSITIVE_INFINITY;
        MetricsAccumulator acc = MetricsAccumulator.create(kind, TestData.outputs(kind));
        assertDoesNotThrow(() -> acc.add(nd(d.labels()), nd(p)));
        acc.addLoss(4.0, 2);

        MetricsAccumulator merged = MetricsAccumulator.create(kind, TestData.outputs(kind)).merge(acc);
        Metrics m = assertDoesNotThrow(merged::result);
        assertEquals(d.rows(), m.count());
        assertEquals(3, m.nonFiniteRows());
        m.values().forEach((key, value) -> {
            if (key.equals("loss")) {
                assertEquals(2.0, value, EXACT);
            } else {
                assertTrue(Double.isNaN(value), key + " should be NaN, got " + value);
            }
        });
        long finiteInMatrix = 0;
        for (long[] row : m.confusionMatrix()) {
            for (long v : row) {
                finiteInMatrix += v;
            }
        }
        if (kind == TaskKind.BINARY || kind == TaskKind.MULTICLASS) {
            assertEquals(d.rows() - 3, finiteInMatrix, "the confusion matrix keeps the finite rows");
        }
    }

    @Test
    void nanLossIsReportedAsNaN() {
        MetricsAccumulator acc = MetricsAccumulator.create(TaskKind.REGRESSION, 1);
        acc.addLoss(Double.NaN, 5);
        assertTrue(Double.isNaN(acc.result().value("loss")));
    }

    // ---- zero division ----

    @Test
    void classNeverPredictedHasPrecisionZero() {
        Dataset d = TestData.multiclass(SEED);
        float[][] p = TestData.slice(d.predictions(), 0, d.rows());
        int never = 2;
        for (float[] row : p) {
            row[never] = 0f; // class 2 can never be the argmax
        }
        MetricsAccumulator acc = MetricsAccumulator.create(TaskKind.MULTICLASS, TestData.CLASSES);
        acc.add(nd(d.labels()), nd(p));
        Metrics m = acc.result();

        Map<String, Double> stats = m.perClass().get(Integer.toString(never));
        assertEquals(0.0, stats.get("precision"));
        assertEquals(0.0, stats.get("recall"));
        assertEquals(0.0, stats.get("f1"));
        assertTrue(stats.get("support") > 0, "class 2 occurs in the labels");
        long[][] confusion = ReferenceMetrics.confusion(d.labels(), p, TestData.CLASSES);
        double macroPrecision = 0;
        for (int k = 0; k < TestData.CLASSES; k++) {
            macroPrecision += ReferenceMetrics.classStats(confusion, k)[0] / TestData.CLASSES;
        }
        assertEquals(macroPrecision, m.value("precision_macro"), EXACT, "the class counts as 0 in the macro mean");
    }

    @Test
    void emptyAccumulatorGivesNaNRatiosWithoutThrowing() {
        for (TaskKind kind : TaskKind.values()) {
            Metrics m = MetricsAccumulator.create(kind, TestData.outputs(kind)).result();
            assertEquals(0, m.count());
            String ratio = kind.isClassification() ? "accuracy" : "mae";
            assertTrue(Double.isNaN(m.value(ratio)), kind + " " + ratio);
        }
    }

    // ---- validation ----

    @Test
    void createRejectsOutputsThatDoNotFitTheKind() {
        assertThrows(IllegalArgumentException.class, () -> MetricsAccumulator.create(TaskKind.MULTICLASS, 1));
        assertThrows(IllegalArgumentException.class, () -> MetricsAccumulator.create(TaskKind.BINARY, 3));
        assertThrows(IllegalArgumentException.class, () -> MetricsAccumulator.create(TaskKind.MULTILABEL, 0));
        assertThrows(IllegalArgumentException.class, () -> MetricsAccumulator.create(TaskKind.REGRESSION, 0));
    }

    @Test
    void addRejectsShapesThatDoNotFitTheTask() {
        MetricsAccumulator acc = MetricsAccumulator.create(TaskKind.MULTICLASS, 3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> acc.add(Nd4j.zeros(4, 3), Nd4j.zeros(4, 2)));
        assertTrue(e.getMessage().contains("3") && e.getMessage().contains("2"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> acc.add(Nd4j.zeros(4, 3), Nd4j.zeros(5, 3)));
        assertThrows(IllegalArgumentException.class, () -> acc.addLoss(1.0, -1));
        assertEquals(0, acc.result().count(), "rejected batches are not counted");
    }

    @Test
    void twoClassMulticlassIsNotTreatedAsBinary() {
        MetricsAccumulator acc = MetricsAccumulator.create(TaskKind.MULTICLASS, 2);
        assertThrows(IllegalArgumentException.class, () -> acc.add(Nd4j.zeros(4, 1), Nd4j.zeros(4, 1)));
        acc.add(nd(new float[][] {{1f, 0f}, {0f, 1f}, {0f, 1f}}), nd(new float[][] {{0.9f, 0.1f}, {0.8f, 0.2f}, {0.3f, 0.7f}}));
        Metrics m = acc.result();
        // macro precision over both classes: class 0 = 1/2, class 1 = 1/1
        assertEquals(0.75, m.value("precision"), EXACT);
    }
}
