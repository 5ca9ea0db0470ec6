package io.spindle.kernels.eval;

import java.io.Serializable;

/**
 * Per-target sums and moments for regression metrics, mergeable across partitions.
 *
 * <p>For each target it keeps the count, the sums of absolute and squared errors, and the label
 * mean and sum of squared deviations from it ({@code M2}); batches and partitions are combined
 * with the parallel update of Chan, Golub and LeVeque, "Updating formulae and a pairwise algorithm
 * for computing sample variances" (1979), which avoids the cancellation of
 * {@code sum(y^2) - n * mean^2}. Results agree across splits up to floating-point rounding.
 *
 * <p>DL4J's {@code RegressionEvaluation} is not used: in 1.0.0-M2.1 its {@code merge} does not
 * add {@code sumLabels}, so R² after a merge is wrong (measured: 0.991 instead of 0.944 on five
 * rows split 3 + 2), and it sums in the predictions' data type.
 */
final class RegressionMoments implements Serializable {

    private static final long serialVersionUID = 1L;

    private long count;
    private final double[] labelMean;
    private final double[] labelM2;
    private final double[] sumAbsError;
    private final double[] sumSquaredError;
    /** sum of |error| / |label| over rows whose label is not 0, and those rows */
    private final double[] sumPct;
    private final long[] countPct;
    /** sum of 2 |error| / (|label| + |prediction|) over rows where that is defined, and those rows */
    private final double[] sumSym;
    private final long[] countSym;

    /**
     * @param targets number of target columns, {@code >= 1}
     */
    RegressionMoments(int targets) {
        labelMean = new double[targets];
        labelM2 = new double[targets];
        sumAbsError = new double[targets];
        sumSquaredError = new double[targets];
        sumPct = new double[targets];
        countPct = new long[targets];
        sumSym = new double[targets];
        countSym = new long[targets];
    }

    /** @return number of target columns */
    int targets() {
        return labelMean.length;
    }

    /**
     * Adds a batch of rows.
     *
     * @param labels row-major labels, {@code rows * targets()} values
     * @param predictions row-major predictions, same layout
     * @param include which rows to include (rows with a false entry are skipped)
     * @param rows number of rows
     */
    void add(double[] labels, double[] predictions, boolean[] include, int rows) {
        int t = targets();
        long n = 0;
        for (int r = 0; r < rows; r++) {
            if (include[r]) {
                n++;
            }
        }
        if (n == 0) {
            return;
        }
        for (int j = 0; j < t; j++) {
            double sum = 0;
            double abs = 0;
            double sq = 0;
            for (int r = 0; r < rows; r++) {
                if (include[r]) {
                    double y = labels[r * t + j];
                    double p = predictions[r * t + j];
                    double e = p - y;
                    sum += y;
                    abs += Math.abs(e);
                    sq += e * e;
                    if (y != 0) {
                        sumPct[j] += Math.abs(e) / Math.abs(y);
                        countPct[j]++;
                    }
                    double denominator = Math.abs(y) + Math.abs(p);
                    if (denominator > 0) {
                        sumSym[j] += 2 * Math.abs(e) / denominator;
                        countSym[j]++;
                    }
                }
            }
            double mean = sum / n;
            double m2 = 0;
            for (int r = 0; r < rows; r++) {
                if (include[r]) {
                    double d = labels[r * t + j] - mean;
                    m2 += d * d;
                }
            }
            combine(j, n, mean, m2);
            sumAbsError[j] += abs;
            sumSquaredError[j] += sq;
        }
        count += n;
    }

    /** Chan et al.'s pairwise update of (count, mean, M2) for target j; count is updated by the caller. */
    private void combine(int j, long otherCount, double otherMean, double otherM2) {
        long total = count + otherCount;
        double delta = otherMean - labelMean[j];
        labelMean[j] += delta * otherCount / total;
        labelM2[j] += otherM2 + delta * delta * ((double) count * otherCount / total);
    }

    /**
     * Adds the other's rows to this one.
     *
     * @param other moments of the same number of targets
     * @throws IllegalArgumentException if the target counts differ
     */
    void merge(RegressionMoments other) {
        if (other.targets() != targets()) {
            throw new IllegalArgumentException("cannot merge regression moments of " + other.targets()
                    + " targets into " + targets() + " targets");
        }
        if (other.count == 0) {
            return;
        }
        for (int j = 0; j < targets(); j++) {
            combine(j, other.count, other.labelMean[j], other.labelM2[j]);
            sumAbsError[j] += other.sumAbsError[j];
            sumSquaredError[j] += other.sumSquaredError[j];
            sumPct[j] += other.sumPct[j];
            countPct[j] += other.countPct[j];
            sumSym[j] += other.sumSym[j];
            countSym[j] += other.countSym[j];
        }
        count += other.count;
    }

    /** @return number of rows counted */
    long count() {
        return count;
    }

    /** @return mean absolute error of target j (NaN with no rows) */
    double mae(int j) {
        return sumAbsError[j] / count;
    }

    /** @return mean absolute percentage error of target j in percent, over rows whose label is not 0 (NaN: none) */
    double mape(int j) {
        return 100 * sumPct[j] / countPct[j];
    }

    /** @return symmetric mean absolute percentage error of target j in percent, 0-200 (NaN with no rows) */
    double smape(int j) {
        return 100 * sumSym[j] / countSym[j];
    }

    /** @return mean squared error of target j (NaN with no rows) */
    double mse(int j) {
        return sumSquaredError[j] / count;
    }

    /**
     * Coefficient of determination {@code 1 - SS_res / SS_tot} of target j. With constant labels
     * ({@code SS_tot == 0}) it is 1.0 for a perfect fit and 0.0 otherwise, as scikit-learn's
     * {@code r2_score} with {@code force_finite=True}.
     *
     * @return R² of target j (NaN with no rows)
     */
    double r2(int j) {
        if (count == 0) {
            return Double.NaN;
        }
        double ssRes = sumSquaredError[j];
        double ssTot = labelM2[j];
        if (ssTot == 0.0 && !Double.isNaN(ssRes)) {
            return ssRes == 0.0 ? 1.0 : 0.0;
        }
        return 1.0 - ssRes / ssTot;
    }
}
