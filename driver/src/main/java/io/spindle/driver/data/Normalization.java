package io.spindle.driver.data;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Objects;

/**
 * A fitted affine scaling {@code x' = (x - shift) / scale}, per feature and (for regression) per
 * label, fitted on the train split only. Standardization stores mean and standard deviation,
 * min-max stores minimum and range; a constant column gets scale 1.
 *
 * @param kind {@code standardize}, {@code minmax} or {@code none}
 * @param featureShift per-feature shift
 * @param featureScale per-feature scale (never 0)
 * @param labelShift per-label shift (regression; empty arrays otherwise)
 * @param labelScale per-label scale (regression; empty arrays otherwise)
 */
public record Normalization(String kind, float[] featureShift, float[] featureScale,
                            float[] labelShift, float[] labelScale) implements Serializable {

    /** Equal when the kind and every array are equal element by element. */
    @Override
    public boolean equals(Object o) {
        return o instanceof Normalization n && kind.equals(n.kind) && Arrays.equals(featureShift, n.featureShift)
                && Arrays.equals(featureScale, n.featureScale) && Arrays.equals(labelShift, n.labelShift)
                && Arrays.equals(labelScale, n.labelScale);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, Arrays.hashCode(featureShift), Arrays.hashCode(featureScale),
                Arrays.hashCode(labelShift), Arrays.hashCode(labelScale));
    }

    @Override
    public String toString() {
        return "Normalization[" + kind + ", feature shift " + Arrays.toString(featureShift) + ", feature scale "
                + Arrays.toString(featureScale) + ", label shift " + Arrays.toString(labelShift) + ", label scale "
                + Arrays.toString(labelScale) + "]";
    }
}
