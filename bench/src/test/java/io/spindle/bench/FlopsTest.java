package io.spindle.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

@Tag("fast")
class FlopsTest {

    @Test
    void theCnnCasesNetworkCountsItsConvolutionAndDenseMultiplyAdds() {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().list()
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(32).convolutionMode(ConvolutionMode.Same).build())
                .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build())
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(64).convolutionMode(ConvolutionMode.Same).build())
                .layer(new BatchNormalization.Builder().build())
                .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build())
                .layer(new DenseLayer.Builder().nOut(128).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunction.MCXENT).nOut(10).activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutionalFlat(28, 28, 1)).build();
        // conv 1: 28x28 positions x 32 filters x 1 channel x 3x3; conv 2: 14x14 x 64 x 32 x 3x3;
        // dense: 7x7x64 -> 128; output: 128 -> 10; pooling and batch norm count nothing
        long expected = 28L * 28 * 32 * 9 + 14L * 14 * 64 * 32 * 9 + 7L * 7 * 64 * 128 + 128L * 10;
        assertEquals(expected, Flops.forwardMultiplyAdds(conf, InputType.convolutionalFlat(28, 28, 1)));
        assertEquals(6.0 * expected, Flops.trainingFlopsPerSample(conf, InputType.convolutionalFlat(28, 28, 1)));
    }

    @Test
    void aStridedValidConvolutionCountsItsSmallerOutput() {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().list()
                .layer(new ConvolutionLayer.Builder(5, 5).stride(2, 2).nOut(4).convolutionMode(ConvolutionMode.Truncate).build())
                .layer(new OutputLayer.Builder(LossFunction.MCXENT).nOut(3).activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutionalFlat(13, 13, 2)).build();
        // (13 - 5) / 2 + 1 = 5 positions per side
        assertEquals(5L * 5 * 4 * 2 * 25 + 5L * 5 * 4 * 3, Flops.forwardMultiplyAdds(conf, InputType.convolutionalFlat(13, 13, 2)));
    }
}
