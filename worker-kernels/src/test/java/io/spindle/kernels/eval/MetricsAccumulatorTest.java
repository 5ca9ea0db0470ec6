package io.spindle.kernels.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** Metrics against straightforward reference computations, and merge invariance. */
class MetricsAccumulatorTest {

    static final int N = 300;

    /** Random multiclass data: noisy softmax-like probabilities correlated with the labels. */
    static double[][][] multiclass(int classes, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[][] y = new double[N][classes];
        double[][] p = new double[N][classes];
        for (int i = 0; i < N; i++) {
            int c = r.nextInt(classes);
            y[i][c] = 1;
            double sum = 0;
            for (int k = 0; k < classes; k++) {
                p[i][k] = r.nextDouble() + (k == c ? 0.6 : 0);
                sum += p[i][k];
            }
            for (int k = 0; k < classes; k++) {
                p[i][k] /= sum;
            }
        }
        return new double[][][] {y, p};
    }

    static MetricsAccumulator split(TaskKind kind, int outputs, INDArray y, INDArray p, int parts) {
        MetricsAccumulator total = null;
        long n = y.size(0);
        long step = (n + parts - 1) / parts;
        for (long s = 0; s < n; s += step) {
            long e = Math.min(n, s + step);
            MetricsAccumulator a = MetricsAccumulator.create(kind, outputs);
            a.add(y.get(NDArrayIndex.interval(s, e), NDArrayIndex.all()), p.get(NDArrayIndex.interval(s, e), NDArrayIndex.all()));
            total = total == null ? a : total.merge(a);
        }
        return total;
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 7})
    void multiclassMatchesReferenceForAnySplit(int parts) {
        int k = 4;
        double[][][] d = multiclass(k, 5);
        Metrics m = split(TaskKind.MULTICLASS, k, Nd4j.create(d[0]), Nd4j.create(d[1]), parts).result();
        long[][] cm = new long[k][k];
        for (int i = 0; i < N; i++) {
            cm[argmax(d[0][i])][argmax(d[1][i])]++;
        }
        assertArrayEquals(cm, m.confusionMatrix());
        long correct = 0;
        double f1Sum = 0;
        double pSum = 0;
        for (int c = 0; c < k; c++) {
            correct += cm[c][c];
            long predicted = 0;
            long actual = 0;
            for (int j = 0; j < k; j++) {
                predicted += cm[j][c];
                actual += cm[c][j];
            }
            double prec = predicted == 0 ? 0 : cm[c][c] / (double) predicted;
            double rec = actual == 0 ? 0 : cm[c][c] / (double) actual;
            pSum += prec;
            f1Sum += prec + rec == 0 ? 0 : 2 * prec * rec / (prec + rec);
            assertEquals(rec, m.perClass().get(Integer.toString(c)).get("recall"), 1e-12);
        }
        assertEquals(correct / (double) N, m.values().get("accuracy"), 1e-12);
        assertEquals(f1Sum / k, m.values().get("f1"), 1e-12);
        assertEquals(pSum / k, m.values().get("precision_macro"), 1e-12);
        double auc = 0;
        for (int c = 0; c < k; c++) {
            double[] score = new double[N];
            boolean[] pos = new boolean[N];
            for (int i = 0; i < N; i++) {
                score[i] = d[1][i][c];
                pos[i] = d[0][i][c] == 1;
            }
            auc += rankAuc(score, pos);
        }
        assertEquals(auc / k, m.values().get("auc"), 1e-9);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3})
    void binaryMatchesReference(int parts) {
        SplittableRandom r = new SplittableRandom(9);
        double[][] y = new double[N][1];
        double[][] p = new double[N][1];
        double[] score = new double[N];
        boolean[] pos = new boolean[N];
        long tp = 0;
        long fp = 0;
        long fn = 0;
        for (int i = 0; i < N; i++) {
            pos[i] = r.nextDouble() < 0.35;
            y[i][0] = pos[i] ? 1 : 0;
            score[i] = Math.min(1, Math.max(0, r.nextDouble() * 0.8 + (pos[i] ? 0.3 : 0)));
            p[i][0] = score[i];
            boolean pred = score[i] >= 0.5;
            tp += pred && pos[i] ? 1 : 0;
            fp += pred && !pos[i] ? 1 : 0;
            fn += !pred && pos[i] ? 1 : 0;
        }
        Metrics m = split(TaskKind.BINARY, 1, Nd4j.create(y), Nd4j.create(p), parts).result();
        double prec = tp / (double) (tp + fp);
        double rec = tp / (double) (tp + fn);
        assertEquals(prec, m.values().get("precision"), 1e-12);
        assertEquals(rec, m.values().get("recall"), 1e-12);
        assertEquals(2 * prec * rec / (prec + rec), m.values().get("f1"), 1e-12);
        assertEquals(rankAuc(score, pos), m.values().get("auc"), 1e-9);
        assertEquals(tp, m.confusionMatrix()[1][1]);
        // the same predictions as two softmax columns give the same metrics
        INDArray two = Nd4j.hstack(Nd4j.create(p).rsub(1.0), Nd4j.create(p));
        Metrics m2 = split(TaskKind.BINARY, 1, Nd4j.create(y), two, parts).result();
        assertEquals(m.values().get("f1"), m2.values().get("f1"), 1e-12);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 4})
    void regressionMatchesReference(int parts) {
        SplittableRandom r = new SplittableRandom(3);
        double[][] y = new double[N][2];
        double[][] p = new double[N][2];
        for (int i = 0; i < N; i++) {
            for (int t = 0; t < 2; t++) {
                y[i][t] = r.nextGaussian() * (t + 1) + 5;
                p[i][t] = y[i][t] + r.nextGaussian() * 0.5;
            }
        }
        Metrics m = split(TaskKind.REGRESSION, 2, Nd4j.create(y), Nd4j.create(p), parts).result();
        double mae = 0;
        double mse = 0;
        double rmse = 0;
        double r2 = 0;
        for (int t = 0; t < 2; t++) {
            double ae = 0;
            double se = 0;
            double mean = 0;
            for (int i = 0; i < N; i++) {
                ae += Math.abs(p[i][t] - y[i][t]);
                se += (p[i][t] - y[i][t]) * (p[i][t] - y[i][t]);
                mean += y[i][t] / N;
            }
            double sst = 0;
            for (int i = 0; i < N; i++) {
                sst += (y[i][t] - mean) * (y[i][t] - mean);
            }
            mae += ae / N / 2;
            mse += se / N / 2;
            rmse += Math.sqrt(se / N) / 2;
            r2 += (1 - se / sst) / 2;
        }
        assertEquals(mae, m.values().get("mae"), 1e-9);
        assertEquals(mse, m.values().get("mse"), 1e-9);
        assertEquals(rmse, m.values().get("rmse"), 1e-9);
        assertEquals(r2, m.values().get("r2"), 1e-9);
    }

    @Test
    void multilabelCountsPerLabel() {
        INDArray y = Nd4j.create(new double[][] {{1, 0}, {1, 1}, {0, 0}, {0, 1}});
        INDArray p = Nd4j.create(new double[][] {{0.9, 0.2}, {0.4, 0.7}, {0.1, 0.6}, {0.2, 0.8}});
        Metrics m = split(TaskKind.MULTILABEL, 2, y, p, 1).result();
        // label 0: tp 1, fn 1, tn 2 -> precision 1, recall 0.5; label 1: tp 2, fp 1 -> precision 2/3, recall 1
        assertEquals((1.0 + 2.0 / 3) / 2, m.values().get("precision"), 1e-12);
        assertEquals((0.5 + 1.0) / 2, m.values().get("recall"), 1e-12);
        assertEquals(6.0 / 8, m.values().get("accuracy"), 1e-12);
    }

    @Test
    void neverPredictedClassHasPrecisionZeroAndTiesCountOnce() {
        INDArray y = Nd4j.create(new double[][] {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}});
        INDArray p = Nd4j.create(new double[][] {{1 / 3.0, 1 / 3.0, 1 / 3.0}, {0.2, 0.7, 0.1}, {0.3, 0.6, 0.1}});
        Metrics m = split(TaskKind.MULTICLASS, 3, y, p, 1).result();
        assertEquals(0.0, m.perClass().get("2").get("precision"));
        long total = 0;
        for (long[] row : m.confusionMatrix()) {
            for (long c : row) {
                total += c;
            }
        }
        assertEquals(3, total, "each row counted once, even with tied outputs");
    }

    @Test
    void nanPredictionsGiveNanMetricsWithoutThrowing() {
        MetricsAccumulator a = MetricsAccumulator.create(TaskKind.MULTICLASS, 3);
        a.add(Nd4j.create(new double[][] {{1, 0, 0}}), Nd4j.create(new double[][] {{Double.NaN, 0.5, 0.5}}));
        a.addLoss(Double.NaN, 1);
        Metrics m = a.result();
        assertTrue(Double.isNaN(m.values().get("accuracy")));
        assertTrue(Double.isNaN(m.values().get("auc")));
        MetricsAccumulator b = MetricsAccumulator.create(TaskKind.REGRESSION, 1);
        b.add(Nd4j.create(new double[][] {{1}}), Nd4j.create(new double[][] {{Double.POSITIVE_INFINITY}}));
        assertTrue(Double.isNaN(b.result().values().get("rmse")));
    }

    @Test
    void serializationKeepsTheResult() throws Exception {
        double[][][] d = multiclass(3, 11);
        MetricsAccumulator a = split(TaskKind.MULTICLASS, 3, Nd4j.create(d[0]), Nd4j.create(d[1]), 2);
        a.addLoss(12.5, N);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(a);
        }
        MetricsAccumulator back;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            back = (MetricsAccumulator) in.readObject();
        }
        assertEquals(a.result().values(), back.result().values());
        assertEquals(12.5 / N, back.result().values().get("loss"), 1e-12);
    }

    @Test
    void higherIsBetter() {
        assertTrue(Metrics.higherIsBetter("accuracy"));
        assertTrue(Metrics.higherIsBetter("r2"));
        assertTrue(!Metrics.higherIsBetter("rmse"));
        assertTrue(!Metrics.higherIsBetter("loss"));
    }

    static int argmax(double[] v) {
        int b = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[b]) {
                b = i;
            }
        }
        return b;
    }

    /** AUC as the probability that a positive scores above a negative (ties count half). */
    static double rankAuc(double[] score, boolean[] pos) {
        double wins = 0;
        long pairs = 0;
        for (int i = 0; i < score.length; i++) {
            for (int j = 0; j < score.length; j++) {
                if (pos[i] && !pos[j]) {
                    pairs++;
                    wins += score[i] > score[j] ? 1 : score[i] == score[j] ? 0.5 : 0;
                }
            }
        }
        return wins / pairs;
    }
}
