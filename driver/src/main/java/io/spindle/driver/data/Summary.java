package io.spindle.driver.data;

import java.io.Serializable;
import java.util.HashSet;
import java.util.Map;
import java.util.TreeMap;

/**
 * Everything the loader learns in its one distributed pass over the decoded rows, merged with
 * {@code treeAggregate}: rows per split, bad rows per reason and the first one, the distinct labels
 * (when classes are inferred), the categories of the train split, and running moments (Welford;
 * merged with Chan, Golub and LeVeque's pairwise update) plus min and max of the numeric features and
 * regression labels of the train split.
 */
final class Summary implements Serializable {
    private static final long serialVersionUID = 1L;
    /** Most distinct labels or categories per column the loader accepts. */
    static final int MAX_DISTINCT = 10_000;

    final long[] rows = new long[3];
    Rec firstBad;
    Rec firstFatal;
    final TreeMap<String, Long> bad = new TreeMap<>();
    /** distinct labels of all splits, or null when not needed */
    final HashSet<String> labels;
    /** distinct categories per categorical column, train split only */
    final HashSet<String>[] categories;
    boolean overflow;

    long n;
    final double[] fMean;
    final double[] fM2;
    final double[] fMin;
    final double[] fMax;
    final double[] lMean;
    final double[] lM2;
    final double[] lMin;
    final double[] lMax;

    @SuppressWarnings("unchecked")
    Summary(int numericWidth, int labelStatsWidth, int categoricalColumns, boolean collectLabels) {
        labels = collectLabels ? new HashSet<>() : null;
        categories = new HashSet[categoricalColumns];
        for (int i = 0; i < categoricalColumns; i++) {
            categories[i] = new HashSet<>();
        }
        fMean = new double[numericWidth];
        fM2 = new double[numericWidth];
        fMin = filled(numericWidth, Double.POSITIVE_INFINITY);
        fMax = filled(numericWidth, Double.NEGATIVE_INFINITY);
        lMean = new double[labelStatsWidth];
        lM2 = new double[labelStatsWidth];
        lMin = filled(labelStatsWidth, Double.POSITIVE_INFINITY);
        lMax = filled(labelStatsWidth, Double.NEGATIVE_INFINITY);
    }

    private static double[] filled(int n, double v) {
        double[] a = new double[n];
        java.util.Arrays.fill(a, v);
        return a;
    }

    /** Folds one row in (the seqOp). */
    Summary add(Rec r) {
        if (!r.ok()) {
            bad.merge(r.bad.reason(), 1L, Long::sum);
            if (firstBad == null || r.before(firstBad)) {
                firstBad = r;
            }
            if (r.bad.fatal() && (firstFatal == null || r.before(firstFatal))) {
                firstFatal = r;
            }
            return this;
        }
        rows[r.split]++;
        if (labels != null && labels.size() <= MAX_DISTINCT) {
            labels.add(r.label);
        }
        if (r.split != Rec.TRAIN) {
            return this;
        }
        for (int j = 0; j < categories.length; j++) {
            if (categories[j].size() <= MAX_DISTINCT) {
                categories[j].add(r.categories[j]);
            }
        }
        n++;
        welford(r.numeric, fMean, fM2, fMin, fMax, n);
        if (lMean.length > 0) {
            welford(r.labels, lMean, lM2, lMin, lMax, n);
        }
        return this;
    }

    private static void welford(double[] x, double[] mean, double[] m2, double[] min, double[] max, long n) {
        for (int j = 0; j < mean.length; j++) {
            double v = x[j];
            double d = v - mean[j];
            mean[j] += d / n;
            m2[j] += d * (v - mean[j]);
            if (v < min[j]) {
                min[j] = v;
            }
            if (v > max[j]) {
                max[j] = v;
            }
        }
    }

    /** Merges another partial summary into this one (the combOp). */
    Summary merge(Summary o) {
        for (int i = 0; i < 3; i++) {
            rows[i] += o.rows[i];
        }
        if (o.firstBad != null && (firstBad == null || o.firstBad.before(firstBad))) {
            firstBad = o.firstBad;
        }
        if (o.firstFatal != null && (firstFatal == null || o.firstFatal.before(firstFatal))) {
            firstFatal = o.firstFatal;
        }
        for (Map.Entry<String, Long> e : o.bad.entrySet()) {
            bad.merge(e.getKey(), e.getValue(), Long::sum);
        }
        if (labels != null) {
            labels.addAll(o.labels);
        }
        for (int j = 0; j < categories.length; j++) {
            categories[j].addAll(o.categories[j]);
        }
        if (o.n > 0 && n == 0) {
            // exactly the other's statistics, however many empty summaries a tree merges on the way
            copy(o.fMean, fMean);
            copy(o.fM2, fM2);
            copy(o.fMin, fMin);
            copy(o.fMax, fMax);
            copy(o.lMean, lMean);
            copy(o.lM2, lM2);
            copy(o.lMin, lMin);
            copy(o.lMax, lMax);
            n = o.n;
        } else if (o.n > 0) {
            chan(fMean, fM2, fMin, fMax, o.fMean, o.fM2, o.fMin, o.fMax, n, o.n);
            chan(lMean, lM2, lMin, lMax, o.lMean, o.lM2, o.lMin, o.lMax, n, o.n);
            n += o.n;
        }
        return this;
    }

    private static void copy(double[] from, double[] to) {
        System.arraycopy(from, 0, to, 0, from.length);
    }

    private static void chan(double[] mean, double[] m2, double[] min, double[] max,
                             double[] oMean, double[] oM2, double[] oMin, double[] oMax, long na, long nb) {
        double total = (double) na + nb;
        for (int j = 0; j < mean.length; j++) {
            double delta = oMean[j] - mean[j];
            mean[j] += delta * nb / total;
            m2[j] += oM2[j] + delta * delta * ((double) na * nb / total);
            min[j] = Math.min(min[j], oMin[j]);
            max[j] = Math.max(max[j], oMax[j]);
        }
    }

    /** @return bad rows of all reasons */
    long badRows() {
        return bad.values().stream().mapToLong(Long::longValue).sum();
    }
}
