package io.spindle.kernels.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.lossfunctions.impl.LossBinaryXENT;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;
import org.nd4j.linalg.lossfunctions.impl.LossMSE;

/** The losses' gradients against finite differences of their scores, known values, JSON round trips. */
@Tag("fast")
class LossFunctionsTest {

    static INDArray labels(Activation act, int rows, int cols, long seed) {
        Nd4j.getRandom().setSeed(seed);
        if (act == Activation.SOFTMAX) {
            INDArray y = Nd4j.zeros(DataType.DOUBLE, rows, cols);
            for (int r = 0; r < rows; r++) {
                y.putScalar(r, r % cols, 1.0);
            }
            return y;
        }
        if (act == Activation.SIGMOID) {
            return Nd4j.rand(DataType.DOUBLE, rows, cols).gt(0.5).castTo(DataType.DOUBLE);
        }
        return Nd4j.randn(DataType.DOUBLE, rows, cols).muli(2);
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of(new LossHuber(1.0), Activation.IDENTITY),
                Arguments.of(new LossHuber(0.3), Activation.TANH),
                Arguments.of(new LossFocal(2.0, null), Activation.SOFTMAX),
                Arguments.of(new LossFocal(0.5, new float[] {1f, 2f, 0.5f}), Activation.SOFTMAX),
                Arguments.of(new LossFocal(2.0, null), Activation.SIGMOID),
                Arguments.of(new LossFocal(1.5, new float[] {2f, 1f, 1f}), Activation.SIGMOID));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void gradientMatchesFiniteDifferences(ILossFunction loss, Activation act) {
        IActivation fn = act.getActivationFunction();
        INDArray pre = Nd4j.randn(DataType.DOUBLE, 5, 3).muli(1.5);
        INDArray y = labels(act, 5, 3, 7);
        INDArray grad = loss.computeGradient(y, pre, fn, null);
        double h = 1e-6;
        for (int r = 0; r < 5; r++) {
            for (int c = 0; c < 3; c++) {
                double orig = pre.getDouble(r, c);
                pre.putScalar(r, c, orig + h);
                double plus = loss.computeScore(y, pre, fn, null, false);
                pre.putScalar(r, c, orig - h);
                double minus = loss.computeScore(y, pre, fn, null, false);
                pre.putScalar(r, c, orig);
                double numeric = (plus - minus) / (2 * h);
                assertEquals(numeric, grad.getDouble(r, c), 1e-5 + 1e-4 * Math.abs(numeric),
                        loss.name() + " d/dpre[" + r + "," + c + "]");
            }
        }
    }

    @Test
    void focalWithGammaZeroIsCrossEntropy() {
        INDArray pre = Nd4j.randn(DataType.DOUBLE, 6, 4);
        INDArray y = labels(Activation.SOFTMAX, 6, 4, 3);
        IActivation softmax = Activation.SOFTMAX.getActivationFunction();
        assertEquals(new LossMCXENT().computeScore(y, pre, softmax, null, true),
                new LossFocal(0, null).computeScore(y, pre, softmax, null, true), 1e-6);
        INDArray yb = labels(Activation.SIGMOID, 6, 4, 4);
        IActivation sigmoid = Activation.SIGMOID.getActivationFunction();
        assertEquals(new LossBinaryXENT().computeScore(yb, pre, sigmoid, null, true),
                new LossFocal(0, null).computeScore(yb, pre, sigmoid, null, true), 1e-6);
    }

    @Test
    void focalDownWeightsEasyExamples() {
        IActivation softmax = Activation.SOFTMAX.getActivationFunction();
        INDArray y = Nd4j.create(new double[][] {{1, 0}});
        INDArray easy = Nd4j.create(new double[][] {{4, -4}});
        double ce = new LossMCXENT().computeScore(y, easy, softmax, null, true);
        double focal = new LossFocal(2, null).computeScore(y, easy, softmax, null, true);
        assertTrue(focal < ce / 100, "an easy example's loss shrinks by (1-p)^2: " + focal + " vs " + ce);
    }

    @Test
    void huberKnownValues() {
        IActivation id = Activation.IDENTITY.getActivationFunction();
        INDArray y = Nd4j.create(new double[][] {{0, 0}});
        INDArray pre = Nd4j.create(new double[][] {{0.5, 3.0}});
        // 0.5 * 0.5^2 = 0.125 inside delta 1; 1 * (3 - 0.5) = 2.5 outside; mean over 2 outputs
        assertEquals((0.125 + 2.5) / 2, new LossHuber(1.0).computeScore(y, pre, id, null, true), 1e-12);
        INDArray small = Nd4j.create(new double[][] {{0.2, -0.4}});
        assertEquals(new LossMSE().computeScore(y, small, id, null, true) / 2,
                new LossHuber(1.0).computeScore(y, small, id, null, true), 1e-12, "half the MSE inside delta");
    }

    @Test
    void lossesSurviveTheConfigurationJsonRoundTrip() {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().list()
                .layer(new DenseLayer.Builder().nIn(3).nOut(4).build())
                .layer(new OutputLayer.Builder(new LossFocal(1.5, new float[] {1f, 3f})).nIn(4).nOut(2)
                        .activation(Activation.SOFTMAX).build())
                .build();
        MultiLayerConfiguration back = MultiLayerConfiguration.fromJson(conf.toJson());
        assertEquals(new LossFocal(1.5, new float[] {1f, 3f}),
                ((OutputLayer) back.getConf(1).getLayer()).getLossFn());
        MultiLayerConfiguration huber = new NeuralNetConfiguration.Builder().list()
                .layer(new OutputLayer.Builder(new LossHuber(0.7)).nIn(3).nOut(1).activation(Activation.IDENTITY).build())
                .build();
        assertEquals(new LossHuber(0.7),
                ((OutputLayer) MultiLayerConfiguration.fromJson(huber.toJson()).getConf(0).getLayer()).getLossFn());
    }
}
