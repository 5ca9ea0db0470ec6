package io.spindle.bench;

import java.util.List;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.Layer;

/**
 * Floating-point operations of a network, counted from its configuration: the multiply-adds of its
 * dense, output and 2-D convolution layers (pooling, activations, normalization and the updater are left out:
 * on these networks they are a few percent). A training step costs about three forward passes
 * (forward, gradient of the input, gradient of the weights), each multiply-add two operations, so
 * training costs {@code 6 x multiply-adds} per sample, the usual convention (e.g. Kaplan et al.
 * 2020, "Scaling laws for neural language models", sec. 2.1).
 */
public final class Flops {

    private Flops() {
    }

    /**
     * @param conf the network
     * @param input its input type (e.g. {@code InputType.convolutionalFlat(28, 28, 1)})
     * @return multiply-adds of one sample's forward pass
     */
    public static long forwardMultiplyAdds(MultiLayerConfiguration conf, InputType input) {
        List<InputType> outputs = conf.getLayerActivationTypes(input);
        long total = 0;
        for (int i = 0; i < conf.getConfs().size(); i++) {
            Layer l = conf.getConf(i).getLayer();
            if (l instanceof ConvolutionLayer c) {
                // every output position: a kernel-sized dot product over the input channels, per filter
                long positions = outputs.get(i).arrayElementsPerExample() / c.getNOut();
                long[] k = java.util.Arrays.stream(c.getKernelSize()).asLongStream().toArray();
                long kernel = java.util.Arrays.stream(k).reduce(1, Math::multiplyExact);
                total += positions * c.getNOut() * c.getNIn() * kernel;
            } else if (l instanceof DenseLayer || l instanceof BaseOutputLayer) {
                FeedForwardLayer f = (FeedForwardLayer) l;
                total += f.getNIn() * f.getNOut();
            }
        }
        return total;
    }

    /**
     * @param conf the network
     * @param input its input type
     * @return floating-point operations of training on one sample: 6 x {@link #forwardMultiplyAdds}
     */
    public static double trainingFlopsPerSample(MultiLayerConfiguration conf, InputType input) {
        return 6.0 * forwardMultiplyAdds(conf, input);
    }
}
