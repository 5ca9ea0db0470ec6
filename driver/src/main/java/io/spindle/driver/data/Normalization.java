package io.spindle.driver.data;

import java.io.Serializable;

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
                            float[] labelShift, float[] labelScale) implements Serializable { }
