package io.spindle.kernels.eval;

import java.io.Serializable;

/**
 * Mergeable ROC AUC for one or more score columns, each scored one-vs-rest, in bounded memory.
 *
 * <p>Each score is put in one of {@code STEPS + 1} bins, {@code bin = floor(score * STEPS)}
 * (scores outside [0, 1] are clamped, so 1.0 has a bin of its own), and positives and negatives
 * are counted per bin. The AUC is the Mann–Whitney statistic on the binned scores,
 * {@code P(bin(pos) > bin(neg)) + 0.5 * P(bin(pos) == bin(neg))}, which is exactly the
 * trapezoidal area under the ROC curve sampled at the thresholds {@code k / STEPS} (DL4J's
 * "thresholded" {@code ROC} mode). It equals the exact AUC except for positive–negative pairs
 * whose scores fall in the same bin, which count 1/2 instead of 0 or 1: the error is at most
 * half the fraction of such pairs (about 0.0005 for scores spread evenly over [0, 1]).
 *
 * <p>Counts are longs, so merging is exact and independent of how rows were split.
 * Memory: {@code 2 * columns * (STEPS + 1)} longs (16 KB per column).
 *
 * <p>DL4J's own {@code ROC}/{@code ROCMultiClass} with 1000 threshold steps compute the same
 * curve, but run one ND4J op chain per threshold per batch (measured at about 2.5 s per
 * 512-row, 10-class batch) and serialize to about 440 KB, so they are not used here.
 */
final class BinnedRoc implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Number of threshold steps; bins are {@code [k/STEPS, (k+1)/STEPS)} plus one bin for 1.0. */
    static final int STEPS = 1000;

    private final long[][] positives;
    private final long[][] negatives;

    /**
     * @param columns number of score columns (one-vs-rest problems), {@code >= 1}
     * @throws IllegalArgumentException if {@code columns < 1}
     */
    BinnedRoc(int columns) {
        if (columns < 1) {
            throw new IllegalArgumentException("ROC columns must be >= 1, got " + columns);
        }
        positives = new long[columns][STEPS + 1];
        negatives = new long[columns][STEPS + 1];
    }

    /** @return the number of score columns */
    int columns() {
        return positives.length;
    }

    /**
     * Bin of a finite score.
     *
     * @param score a finite score, normally a probability in [0, 1]
     * @return {@code floor(score * STEPS)} clamped to {@code [0, STEPS]}
     */
    static int bin(double score) {
        if (score <= 0.0) {
            return 0;
        }
        if (score >= 1.0) {
            return STEPS;
        }
        return Math.min(STEPS, (int) Math.floor(score * STEPS));
    }

    /**
     * Counts one example of one column.
     *
     * @param column the score column
     * @param score the finite score of this example for that column
     * @param positive whether the example is a positive of that column
     */
    void add(int column, double score, boolean positive) {
        long[][] target = positive ? positives : negatives;
        target[column][bin(score)]++;
    }

    /**
     * Adds the other's counts to this one.
     *
     * @param other an instance with the same number of columns
     * @throws IllegalArgumentException if the column counts differ
     */
    void merge(BinnedRoc other) {
        if (other.columns() != columns()) {
            throw new IllegalArgumentException("cannot merge ROC counts of " + other.columns()
                    + " columns into " + columns() + " columns");
        }
        for (int c = 0; c < columns(); c++) {
            for (int b = 0; b <= STEPS; b++) {
                positives[c][b] += other.positives[c][b];
                negatives[c][b] += other.negatives[c][b];
            }
        }
    }

    /**
     * @param column the score column
     * @return the binned AUC of that column, or NaN when it has no positive or no negative
     */
    double auc(int column) {
        long[] pos = positives[column];
        long[] neg = negatives[column];
        double negativesBelow = 0;
        double wins = 0;
        long totalPositives = 0;
        for (int b = 0; b <= STEPS; b++) {
            wins += pos[b] * (negativesBelow + 0.5 * neg[b]);
            negativesBelow += neg[b];
            totalPositives += pos[b];
        }
        if (totalPositives == 0 || negativesBelow == 0) {
            return Double.NaN;
        }
        return wins / ((double) totalPositives * negativesBelow);
    }

    /**
     * Mean AUC over the columns whose AUC is defined (both positives and negatives seen).
     *
     * @return that mean, or NaN when no column has a defined AUC
     */
    double macroAuc() {
        double sum = 0;
        int defined = 0;
        for (int c = 0; c < columns(); c++) {
            double auc = auc(c);
            if (!Double.isNaN(auc)) {
                sum += auc;
                defined++;
            }
        }
        return defined == 0 ? Double.NaN : sum / defined;
    }
}
