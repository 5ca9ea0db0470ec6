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
 * @param offsets regression only: row-major values, one per label, added back to the targets and
 *     predictions in the data's units (a forecast window's level); empty: none
 */
public record Block(float[] features, float[] labels, int rows, float[] offsets) implements Serializable {

    /** A block without offsets. */
    public Block(float[] features, float[] labels, int rows) {
        this(features, labels, rows, new float[0]);
    }

    public Block {
        Objects.requireNonNull(features, "features");
        Objects.requireNonNull(labels, "labels");
        Objects.requireNonNull(offsets, "offsets");
        if (offsets.length != 0 && offsets.length != labels.length) {
            throw new IllegalArgumentException("offsets (" + offsets.length + ") must be empty or one per label ("
                    + labels.length + ")");
        }
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
