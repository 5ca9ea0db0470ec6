package io.spindle.kernels;

import java.io.Serializable;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * How flat rows become network input and labels.
 *
 * @param sequenceSteps for sequence rows, the time steps per row (the features are step-major);
 *     0 for tabular and image rows (images stay flat: DL4J's convolutionalFlat input type reshapes them)
 * @param binaryTwoColumns whether a one-column 0/1 label feeds a two-unit softmax output as
 *     {@code [1 - y, y]}
 */
public record InputShape(int sequenceSteps, boolean binaryTwoColumns) implements Serializable {

    /** Flat rows, labels as stored. */
    public static final InputShape FLAT = new InputShape(0, false);

    /**
     * @param flat {@code [rows, featureWidth]} features
     * @return the network input: unchanged, or {@code [rows, featureWidth / steps, steps]} for sequences
     */
    public INDArray features(INDArray flat) {
        if (sequenceSteps <= 0) {
            return flat;
        }
        long rows = flat.size(0);
        long perStep = flat.size(1) / sequenceSteps;
        return flat.reshape('c', rows, sequenceSteps, perStep).permute(0, 2, 1).dup('c');
    }

    /**
     * @param stored labels as stored in blocks
     * @return the labels the network is trained against
     */
    public INDArray labels(INDArray stored) {
        if (!binaryTwoColumns) {
            return stored;
        }
        return org.nd4j.linalg.factory.Nd4j.hstack(stored.rsub(1.0), stored);
    }
}
