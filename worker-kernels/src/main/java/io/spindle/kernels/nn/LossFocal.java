package io.spindle.kernels.nn;

import java.util.Arrays;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossUtil;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Focal loss (Lin, Goyal, Girshick, He, Dollár, "Focal Loss for Dense Object Detection",
 * ICCV 2017): cross-entropy scaled by {@code (1 - p)^gamma}, so well-classified examples count
 * less and training focuses on hard ones. With softmax outputs (one-hot labels) the loss of an
 * example is {@code -sum_c alpha_c y_c (1 - p_c)^gamma log p_c}; with sigmoid outputs every output
 * is its own binary problem, {@code -alpha_j [y (1 - p)^gamma log p + (1 - y) p^gamma log(1 - p)]}.
 * {@code gamma = 0} and no weights is plain cross-entropy.
 */
public class LossFocal extends ElementwiseLoss {

    private static final long serialVersionUID = 1L;
    private static final double EPS = 1e-7;

    private double gamma = 2.0;
    private float[] alpha;

    /** Focal loss with gamma 2 and no weights (for JSON deserialization). */
    public LossFocal() {
    }

    /**
     * @param gamma focusing parameter (>= 0)
     * @param alpha per-output weights, or null for none
     */
    public LossFocal(double gamma, float[] alpha) {
        if (!(gamma >= 0)) {
            throw new IllegalArgumentException("gamma must be >= 0, got " + gamma);
        }
        this.gamma = gamma;
        this.alpha = alpha == null ? null : alpha.clone();
    }

    /** @return the focusing parameter */
    public double getGamma() {
        return gamma;
    }

    /** @param gamma the focusing parameter (JSON) */
    public void setGamma(double gamma) {
        this.gamma = gamma;
    }

    /** @return the per-output weights, or null */
    public float[] getAlpha() {
        return alpha == null ? null : alpha.clone();
    }

    /** @param alpha per-output weights (JSON) */
    public void setAlpha(float[] alpha) {
        this.alpha = alpha == null ? null : alpha.clone();
    }

    private INDArray probabilities(INDArray preOutput, IActivation activationFn) {
        INDArray p = activationFn.getActivation(preOutput.dup(), true);
        return Transforms.max(Transforms.min(p, 1 - EPS, false), EPS, false);
    }

    private INDArray weighted(INDArray perOutput) {
        if (alpha == null) {
            return perOutput;
        }
        INDArray a = Nd4j.createFromArray(alpha).castTo(perOutput.dataType()).reshape(1, alpha.length);
        return perOutput.muliRowVector(a);
    }

    @Override
    public INDArray computeScoreArray(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        INDArray p = probabilities(preOutput, activationFn);
        INDArray y = labels.castTo(p.dataType());
        // y (1 - p)^gamma log p
        INDArray perOutput = Transforms.pow(p.rsub(1.0), gamma, true).muli(Transforms.log(p, true)).muli(y);
        if (!(activationFn instanceof ActivationSoftmax)) {
            // + (1 - y) p^gamma log(1 - p)
            perOutput.addi(Transforms.pow(p, gamma, true).muli(Transforms.log(p.rsub(1.0), false)).muli(y.rsub(1.0)));
        }
        perOutput = weighted(perOutput.negi());
        if (mask != null) {
            LossUtil.applyMask(perOutput, mask);
        }
        return perOutput.sum(true, 1);
    }

    @Override
    public INDArray computeGradient(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        INDArray p = probabilities(preOutput, activationFn);
        INDArray y = labels.castTo(p.dataType());
        INDArray q = p.rsub(1.0);
        // d/dp [y (1-p)^g log p] = y [(1-p)^g / p - g (1-p)^(g-1) log p]
        INDArray dA = Transforms.pow(q, gamma, true).divi(p)
                .subi(Transforms.pow(q, gamma - 1, true).muli(Transforms.log(p, true)).muli(gamma)).muli(y);
        if (!(activationFn instanceof ActivationSoftmax)) {
            // d/dp [(1-y) p^g log(1-p)] = (1-y) [g p^(g-1) log(1-p) - p^g / (1-p)]
            INDArray dB = Transforms.pow(p, gamma - 1, true).muli(Transforms.log(q, true)).muli(gamma)
                    .subi(Transforms.pow(p, gamma, true).divi(q)).muli(y.rsub(1.0));
            dA.addi(dB);
        }
        INDArray dLdp = weighted(dA.negi());
        INDArray grad = activationFn.backprop(preOutput.dup(), dLdp).getFirst();
        if (mask != null) {
            LossUtil.applyMask(grad, mask);
        }
        return grad;
    }

    @Override
    public String name() {
        return "LossFocal(gamma=" + gamma + ", alpha=" + Arrays.toString(alpha) + ")";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LossFocal f && f.gamma == gamma && Arrays.equals(f.alpha, alpha);
    }

    @Override
    public int hashCode() {
        return 31 * Double.hashCode(gamma) + Arrays.hashCode(alpha);
    }
}
