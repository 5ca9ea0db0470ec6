package io.spindle.kernels;

import java.io.Serializable;
import java.util.Objects;

/**
 * A chunk of ready-to-train rows of one partition, stored flat and row-major so that it moves
 * through Spark's cache and shuffles as two primitive arrays.
 *
 * <p>{@code features} holds {@code rows * featureWidth} values and {@code labels} holds
 * {@code rows * labelWidth} values: one-hot for multiclass tasks, 0/1 per output for binary and
 * multilabel tasks, the (normalized) targets for regression.
 *
 * @param features row-major features, already normalized
 * @param labels row-major labels
 * @param rows number of rows in this block
 */
public record Block(float[] features, float[] labels, int rows) implements Serializable {

    public Block {
        Objects.requireNonNull(features, "features");
        Objects.requireNonNull(labels, "labels");
        if (rows < 0) {
            throw new IllegalArgumentException("rows must be >= 0, got " + rows);
        }
        if (rows > 0 && (features.length % rows != 0 || labels.length % rows != 0)) {
            throw new IllegalArgumentException("features (" + features.length + ") and labels ("
                    + labels.length + ") must both be a multiple of rows (" + rows + ")");
        }
    }

    /** @return values per row of {@link #features()} */
    public int featureWidth() {
        return rows == 0 ? 0 : features.length / rows;
    }

    /** @return values per row of {@link #labels()} */
    public int labelWidth() {
        return rows == 0 ? 0 : labels.length / rows;
    }
}
