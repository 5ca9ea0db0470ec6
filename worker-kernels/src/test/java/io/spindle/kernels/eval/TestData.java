package io.spindle.kernels.eval;

import java.util.SplittableRandom;

/**
 * Small random data sets with a fixed seed for the metric tests: labels and predictions as
 * float matrices (what a network outputs), with predictions correlated to labels so that the
 * metrics are neither trivial nor perfect.
 */
final class TestData {

    /** Rows of every generated data set: odd, so 2- and 3-way splits are uneven. */
    static final int ROWS = 157;
    static final int CLASSES = 4;
    static final int LABELS = 3;
    static final int TARGETS = 2;

    /** @param labels row-major labels @param predictions row-major predictions */
    record Dataset(float[][] labels, float[][] predictions) {
        int rows() {
            return labels.length;
        }
    }

    private TestData() {
    }

    /** @return the {@code outputs} argument for {@link MetricsAccumulator#create} of each kind */
    static int outputs(TaskKind kind) {
        return switch (kind) {
            case BINARY -> 1;
            case MULTICLASS -> CLASSES;
            case MULTILABEL -> LABELS;
            case REGRESSION -> TARGETS;
        };
    }

    static Dataset of(TaskKind kind, long seed) {
        return switch (kind) {
            case BINARY -> binary(seed);
            case MULTICLASS -> multiclass(seed);
            case MULTILABEL -> multilabel(seed);
            case REGRESSION -> regression(seed);
        };
    }

    /** One-hot labels; softmax predictions whose argmax is the label about 60% of the time. */
    static Dataset multiclass(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[][] y = new float[ROWS][CLASSES];
        float[][] p = new float[ROWS][CLASSES];
        for (int r = 0; r < ROWS; r++) {
            int actual = rng.nextInt(CLASSES);
            y[r][actual] = 1f;
            double[] logits = new double[CLASSES];
            for (int c = 0; c < CLASSES; c++) {
                logits[c] = gaussian(rng);
            }
            logits[actual] += 1.0;
            double sum = 0;
            for (int c = 0; c < CLASSES; c++) {
                logits[c] = Math.exp(logits[c]);
                sum += logits[c];
            }
            for (int c = 0; c < CLASSES; c++) {
                p[r][c] = (float) (logits[c] / sum);
            }
        }
        return new Dataset(y, p);
    }

    /** 0/1 labels in one column; sigmoid predictions. */
    static Dataset binary(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[][] y = new float[ROWS][1];
        float[][] p = new float[ROWS][1];
        for (int r = 0; r < ROWS; r++) {
            boolean positive = rng.nextDouble() < 0.4;
            y[r][0] = positive ? 1f : 0f;
            p[r][0] = sigmoid((positive ? 0.8 : -0.8) + 1.5 * gaussian(rng));
        }
        return new Dataset(y, p);
    }

    /** 0/1 labels per column; one sigmoid per label. */
    static Dataset multilabel(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[][] y = new float[ROWS][LABELS];
        float[][] p = new float[ROWS][LABELS];
        for (int r = 0; r < ROWS; r++) {
            for (int j = 0; j < LABELS; j++) {
                boolean positive = rng.nextDouble() < 0.2 + 0.25 * j;
                y[r][j] = positive ? 1f : 0f;
                p[r][j] = sigmoid((positive ? 1.0 : -1.0) + 1.5 * gaussian(rng));
            }
        }
        return new Dataset(y, p);
    }

    /** Targets with a non-zero mean; predictions = targets + noise + bias. */
    static Dataset regression(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[][] y = new float[ROWS][TARGETS];
        float[][] p = new float[ROWS][TARGETS];
        for (int r = 0; r < ROWS; r++) {
            for (int j = 0; j < TARGETS; j++) {
                double target = 50.0 * (j + 1) + 3.0 * gaussian(rng);
                y[r][j] = (float) target;
                p[r][j] = (float) (target + 0.3 + 1.2 * gaussian(rng));
            }
        }
        return new Dataset(y, p);
    }

    static double gaussian(SplittableRandom rng) {
        // Box–Muller; 1 - u keeps the logarithm's argument in (0, 1]
        double u = 1.0 - rng.nextDouble();
        double v = rng.nextDouble();
        return Math.sqrt(-2.0 * Math.log(u)) * Math.cos(2.0 * Math.PI * v);
    }

    private static float sigmoid(double x) {
        return (float) (1.0 / (1.0 + Math.exp(-x)));
    }

    /** @return rows {@code [from, to)} of a matrix */
    static float[][] slice(float[][] m, int from, int to) {
        float[][] out = new float[to - from][];
        for (int r = from; r < to; r++) {
            out[r - from] = m[r].clone();
        }
        return out;
    }
}
