package io.spindle.kernels.nn;

import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.LossUtil;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Huber loss (Huber, "Robust Estimation of a Location Parameter", 1964): quadratic for errors
 * up to {@code delta}, linear beyond, so outliers pull less than under MSE. Per example it is
 * the mean over outputs of {@code 0.5 e^2} ({@code |e| <= delta}) or
 * {@code delta (|e| - 0.5 delta)}, the same scale as DL4J's {@code LossMSE}.
 */
public class LossHuber extends ElementwiseLoss {

    private static final long serialVersionUID = 1L;

    private double delta = 1.0;

    /** Huber loss with delta 1 (for JSON deserialization). */
    public LossHuber() {
    }

    /**
     * @param delta the error size where the loss turns from quadratic to linear (> 0)
     */
    public LossHuber(double delta) {
        if (!(delta > 0)) {
            throw new IllegalArgumentException("delta must be > 0, got " + delta);
        }
        this.delta = delta;
    }

    /** @return the threshold between the quadratic and linear parts */
    public double getDelta() {
        return delta;
    }

    /** @param delta the threshold (JSON) */
    public void setDelta(double delta) {
        this.delta = delta;
    }

    @Override
    public INDArray computeScoreArray(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        INDArray error = activationFn.getActivation(preOutput.dup(), true).subi(labels);
        INDArray abs = Transforms.abs(error, true);
        INDArray quad = Transforms.min(abs, delta, true);
        // 0.5 * quad^2 + delta * (|e| - quad): equals 0.5 e^2 inside delta and delta (|e| - delta/2) outside
        INDArray perOutput = quad.mul(quad).muli(0.5).addi(abs.subi(quad).muli(delta));
        if (mask != null) {
            LossUtil.applyMask(perOutput, mask);
        }
        return perOutput.sum(true, 1).divi(perOutput.size(1));
    }

    @Override
    public INDArray computeGradient(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        INDArray error = activationFn.getActivation(preOutput.dup(), true).subi(labels);
        // dL/dy = clip(e, -delta, delta) / outputs
        INDArray dLdOut = Transforms.max(Transforms.min(error, delta, false), -delta, false).divi(error.size(1));
        INDArray grad = activationFn.backprop(preOutput.dup(), dLdOut).getFirst();
        if (mask != null) {
            LossUtil.applyMask(grad, mask);
        }
        return grad;
    }

    @Override
    public String name() {
        return "LossHuber(delta=" + delta + ")";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LossHuber h && h.delta == delta;
    }

    @Override
    public int hashCode() {
        return Double.hashCode(delta);
    }
}
