package io.spindle.kernels.eval;

import java.util.Arrays;
import java.util.Comparator;

/**
 * Independent, straightforward computations of the metrics with plain loops over all rows at
 * once, for comparing against {@link MetricsAccumulator}. AUC uses the rank form of the
 * Mann–Whitney U statistic (average ranks for ties), not score bins.
 */
final class ReferenceMetrics {

    private ReferenceMetrics() {
    }

    static int argMax(float[] row) {
        int best = 0;
        for (int i = 1; i < row.length; i++) {
            if (row[i] > row[best]) {
                best = i;
            }
        }
        return best;
    }

    /** @return {@code [actual][predicted]} counts for one-hot labels and argmax predictions */
    static long[][] confusion(float[][] labels, float[][] predictions, int classes) {
        long[][] m = new long[classes][classes];
        for (int r = 0; r < labels.length; r++) {
            m[argMax(labels[r])][argMax(predictions[r])]++;
        }
        return m;
    }

    /** @return {@code [actual][predicted]} counts for one 0/1 column, positive when p > 0.5 */
    static long[][] binaryConfusion(float[][] labels, float[][] predictions) {
        long[][] m = new long[2][2];
        for (int r = 0; r < labels.length; r++) {
            m[labels[r][0] > 0.5f ? 1 : 0][predictions[r][0] > 0.5f ? 1 : 0]++;
        }
        return m;
    }

    /** @return {precision, recall, f1, support} of class k from a confusion matrix (0 on 0/0) */
    static double[] classStats(long[][] m, int k) {
        long tp = m[k][k];
        long predicted = 0;
        long actual = 0;
        for (int j = 0; j < m.length; j++) {
            predicted += m[j][k];
            actual += m[k][j];
        }
        double precision = predicted == 0 ? 0.0 : (double) tp / predicted;
        double recall = actual == 0 ? 0.0 : (double) tp / actual;
        double f1 = precision + recall == 0 ? 0.0 : 2 * precision * recall / (precision + recall);
        return new double[] {precision, recall, f1, actual};
    }

    static double accuracy(long[][] m) {
        long correct = 0;
        long total = 0;
        for (int a = 0; a < m.length; a++) {
            for (int p = 0; p < m.length; p++) {
                total += m[a][p];
                if (a == p) {
                    correct += m[a][p];
                }
            }
        }
        return (double) correct / total;
    }

    /**
     * Mann–Whitney AUC: (sum of positive ranks − nPos(nPos+1)/2) / (nPos·nNeg), ties get their
     * average rank.
     */
    static double auc(double[] scores, boolean[] positive) {
        int n = scores.length;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingDouble(i -> scores[i]));
        double[] rank = new double[n];
        int i = 0;
        while (i < n) {
            int j = i;
            while (j + 1 < n && scores[order[j + 1]] == scores[order[i]]) {
                j++;
            }
            double avg = (i + j) / 2.0 + 1.0;
            for (int t = i; t <= j; t++) {
                rank[order[t]] = avg;
            }
            i = j + 1;
        }
        double rankSum = 0;
        long pos = 0;
        for (int t = 0; t < n; t++) {
            if (positive[t]) {
                rankSum += rank[t];
                pos++;
            }
        }
        long neg = n - pos;
        return (rankSum - pos * (pos + 1) / 2.0) / ((double) pos * neg);
    }

    /**
     * Upper bound of the binned AUC's error documented on {@link BinnedRoc}: half the fraction of
     * positive–negative pairs whose scores are closer than one bin width.
     */
    static double binningErrorBound(double[] scores, boolean[] positive, int steps) {
        long close = 0;
        long pairs = 0;
        for (int a = 0; a < scores.length; a++) {
            for (int b = 0; b < scores.length; b++) {
                if (positive[a] && !positive[b]) {
                    pairs++;
                    if (Math.abs(scores[a] - scores[b]) < 1.0 / steps) {
                        close++;
                    }
                }
            }
        }
        return 0.5 * close / pairs;
    }

    static double[] column(float[][] m, int c) {
        double[] out = new double[m.length];
        for (int r = 0; r < m.length; r++) {
            out[r] = m[r][c];
        }
        return out;
    }

    static boolean[] positives(float[][] labels, int c) {
        boolean[] out = new boolean[labels.length];
        for (int r = 0; r < labels.length; r++) {
            out[r] = labels[r][c] > 0.5f;
        }
        return out;
    }

    /** @return {mae, mse, rmse, r2} of one target column */
    static double[] regression(float[][] labels, float[][] predictions, int j) {
        int n = labels.length;
        double mean = 0;
        for (float[] row : labels) {
            mean += row[j];
        }
        mean /= n;
        double abs = 0;
        double sq = 0;
        double tot = 0;
        for (int r = 0; r < n; r++) {
            double e = (double) predictions[r][j] - labels[r][j];
            abs += Math.abs(e);
            sq += e * e;
            tot += (labels[r][j] - mean) * (labels[r][j] - mean);
        }
        return new double[] {abs / n, sq / n, Math.sqrt(sq / n), 1.0 - sq / tot};
    }
}
