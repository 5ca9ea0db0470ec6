package io.spindle.driver.data;

import io.spindle.driver.spec.Task;
import io.spindle.kernels.Block;
import java.io.Serializable;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * Executor side, second stage: encodes good rows of one split (one-hot categoricals and labels),
 * applies the fitted normalization and packs them into {@link Block}s of up to
 * {@link #BLOCK_ROWS} rows.
 */
final class BlockEncoder implements Serializable {
    private static final long serialVersionUID = 1L;
    static final int BLOCK_ROWS = 1024;

    private final Task task;
    /** per feature-list entry: output offset, and source index into numeric (>= 0) or categorical (~index) */
    private final int[] featureOffset;
    private final int[] featureSource;
    private final HashMap<String, Integer>[] categoryIndex;
    private final HashMap<String, Integer> classIndex;
    private final int featureWidth;
    private final int labelWidth;
    private final double[] shift;
    private final double[] scale;
    private final double[] labelShift;
    private final double[] labelScale;

    BlockEncoder(Task task, int[] featureOffset, int[] featureSource, HashMap<String, Integer>[] categoryIndex,
                 HashMap<String, Integer> classIndex, int featureWidth, int labelWidth, Normalization norm) {
        this.task = task;
        this.featureOffset = featureOffset;
        this.featureSource = featureSource;
        this.categoryIndex = categoryIndex;
        this.classIndex = classIndex;
        this.featureWidth = featureWidth;
        this.labelWidth = labelWidth;
        this.shift = toDouble(norm.featureShift());
        this.scale = toDouble(norm.featureScale());
        this.labelShift = toDouble(norm.labelShift());
        this.labelScale = toDouble(norm.labelScale());
    }

    private static double[] toDouble(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            d[i] = a[i];
        }
        return d;
    }

    /**
     * Writes one row's encoded, normalized features from {@code base} on; a category the train
     * split never showed stays all zeros.
     *
     * @return -1, or the categorical column index of the first category the train split never showed
     */
    int encodeFeatures(Rec r, float[] features, int base) {
        int unknown = -1;
        for (int k = 0; k < featureOffset.length; k++) {
            int src = featureSource[k];
            int o = featureOffset[k];
            if (src >= 0) {
                features[base + o] = (float) ((r.numeric[src] - shift[o]) / scale[o]);
            } else {
                int c = ~src;
                Integer hot = categoryIndex[c].get(r.categories[c]);
                if (hot != null) {
                    features[base + o + hot] = 1f;
                } else if (unknown < 0) {
                    unknown = c;
                }
            }
        }
        return unknown;
    }

    /** @return values per encoded row */
    int featureWidth() {
        return featureWidth;
    }

    /** Writes one row's encoded, normalized features and labels at row {@code i} of the arrays. */
    void encode(Rec r, float[] features, float[] labels, int i) {
        encodeFeatures(r, features, i * featureWidth);
        int lb = i * labelWidth;
        switch (task) {
            case MULTICLASS -> labels[lb + classIndex.get(r.label)] = 1f;
            case BINARY, MULTILABEL -> {
                for (int j = 0; j < labelWidth; j++) {
                    labels[lb + j] = (float) r.labels[j];
                }
            }
            case REGRESSION -> {
                for (int j = 0; j < labelWidth; j++) {
                    labels[lb + j] = (float) ((r.labels[j] - labelShift[j]) / labelScale[j]);
                }
            }
            default -> throw new IllegalStateException("unknown task " + task);
        }
    }

    /** Packs the good rows of an iterator into blocks, lazily. */
    Iterator<Block> blocks(Iterator<Rec> rows) {
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return rows.hasNext();
            }

            @Override
            public Block next() {
                if (!rows.hasNext()) {
                    throw new NoSuchElementException();
                }
                float[] f = new float[BLOCK_ROWS * featureWidth];
                float[] l = new float[BLOCK_ROWS * labelWidth];
                int n = 0;
                while (n < BLOCK_ROWS && rows.hasNext()) {
                    encode(rows.next(), f, l, n);
                    n++;
                }
                if (n < BLOCK_ROWS) {
                    f = Arrays.copyOf(f, n * featureWidth);
                    l = Arrays.copyOf(l, n * labelWidth);
                }
                return new Block(f, l, n);
            }
        };
    }
}
