package io.spindle.kernels.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spindle.kernels.Networks;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNBatchNormHelper;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNConvHelper;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNSubsamplingHelper;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/**
 * oneDNN's layer helpers against DL4J's built-in layer path on the same parameters: outputs (in
 * training and inference mode), the loss and every parameter's gradient agree within 1e-4
 * relative, for the layer settings Spindle's specs can produce; a short training run on the
 * digits data set reaches the same accuracy per epoch either way. Also which layers get helpers,
 * and when none do.
 */
@Tag("fast")
class OneDnnTest {

    private static final double TOLERANCE = 1e-4;

    /** Spec-like layers: conv same / truncate with stride, max and average pooling, batch norm after conv and dense. */
    private static MultiLayerConfiguration cnn(DataType type, boolean lockGammaBeta) {
        return new NeuralNetConfiguration.Builder().seed(11).dataType(type).updater(new Adam(1e-3)).list()
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(8).convolutionMode(ConvolutionMode.Same)
                        .activation(Activation.RELU).build())
                .layer(new BatchNormalization.Builder().lockGammaBeta(lockGammaBeta).build())
                .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build())
                .layer(new ConvolutionLayer.Builder(3, 3).stride(2, 2).nOut(12).convolutionMode(ConvolutionMode.Truncate)
                        .activation(Activation.TANH).build())
                .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.AVG).kernelSize(2, 2).stride(1, 1).build())
                .layer(new DenseLayer.Builder().nOut(16).activation(Activation.RELU).build())
                .layer(new BatchNormalization.Builder().build())
                .layer(new OutputLayer.Builder(LossFunction.MCXENT).nOut(5).activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutionalFlat(16, 16, 1)).build();
    }

    /** @return a network on DL4J's built-in path, whatever the JVM offers */
    private static MultiLayerNetwork builtIn(MultiLayerConfiguration conf, INDArray params) {
        MultiLayerNetwork net = new MultiLayerNetwork(conf.clone());
        net.init(params.dup(), false);
        assertTrue(OneDnn.helperLayers(net).isEmpty(), "DL4J set helpers by itself: " + OneDnn.helperLayers(net));
        return net;
    }

    private static double relative(INDArray expected, INDArray actual) {
        double scale = Math.max(expected.norm2Number().doubleValue(), 1e-12);
        return expected.castTo(DataType.DOUBLE).sub(actual.castTo(DataType.DOUBLE)).norm2Number().doubleValue() / scale;
    }

    @Test
    void thisBuildLoadsOneDnn() {
        assertTrue(OneDnn.available(), "the default build's nd4j-native should carry oneDNN: "
                + OneDnn.unavailableReason().orElse(""));
    }

    @Test
    void helpersGiveTheBuiltInOutputsAndGradients() {
        MultiLayerConfiguration conf = cnn(DataType.FLOAT, false);
        MultiLayerNetwork helped = Networks.create(conf.clone());
        // every convolution, pooling and batch-norm layer runs on its oneDNN helper
        assertEquals(List.of(0, 1, 2, 3, 4, 6), OneDnn.helperLayers(helped));
        assertTrue(helped.getLayer(0).getHelper() instanceof ReusingConvHelper r && r.delegate() instanceof MKLDNNConvHelper);
        // a network that only predicts gets oneDNN's helper alone, on the same layers
        MultiLayerNetwork predicting = Networks.forInference(conf.clone(), helped.params().dup());
        assertTrue(predicting.getLayer(0).getHelper() instanceof MKLDNNConvHelper);
        assertEquals(OneDnn.helperLayers(helped), OneDnn.helperLayers(predicting));
        assertTrue(helped.getLayer(1).getHelper() instanceof MKLDNNBatchNormHelper);
        assertTrue(helped.getLayer(2).getHelper() instanceof MKLDNNSubsamplingHelper);
        assertEquals("oneDNN (6 of 6 convolution, pooling and batch-norm layers)", OneDnn.describe(helped));
        assertEquals(OneDnn.describe(helped), OneDnn.describe(conf));
        MultiLayerNetwork plain = builtIn(conf, helped.params());

        Nd4j.getRandom().setSeed(3);
        INDArray x = Nd4j.rand(DataType.FLOAT, 32, 256);
        INDArray y = Nd4j.zeros(DataType.FLOAT, 32, 5);
        for (int i = 0; i < 32; i++) {
            y.putScalar(i, i % 5, 1);
        }
        for (boolean train : new boolean[] {false, true}) {
            double d = relative(plain.output(x, train), helped.output(x, train));
            assertTrue(d < TOLERANCE, "outputs (train=" + train + ") differ by " + d + " relative");
        }
        plain.setInput(x);
        plain.setLabels(y);
        plain.computeGradientAndScore();
        helped.setInput(x);
        helped.setLabels(y);
        helped.computeGradientAndScore();
        assertEquals(plain.score(), helped.score(), TOLERANCE * Math.abs(plain.score()), "loss");
        Map<String, INDArray> expected = plain.gradient().gradientForVariable();
        Map<String, INDArray> actual = helped.gradient().gradientForVariable();
        assertEquals(expected.keySet(), actual.keySet());
        for (Map.Entry<String, INDArray> e : expected.entrySet()) {
            double d = relative(e.getValue(), actual.get(e.getKey()));
            assertTrue(d < TOLERANCE, "gradient of " + e.getKey() + " differs by " + d + " relative");
        }
    }

    @Test
    void noHelpersWhereTheyDoNotApply() {
        // doubles: the helpers are built for floats
        MultiLayerNetwork doubles = Networks.create(cnn(DataType.DOUBLE, false));
        assertEquals(List.of(), OneDnn.helperLayers(doubles));
        assertTrue(OneDnn.describe(doubles).startsWith("built-in (the network computes in DOUBLE"), OneDnn.describe(doubles));
        // locked gamma and beta (layer 1): the batch-norm helper does not support them, the others still apply
        MultiLayerNetwork locked = Networks.create(cnn(DataType.FLOAT, true));
        assertEquals(List.of(0, 2, 3, 4, 6), OneDnn.helperLayers(locked));
        assertEquals("oneDNN (5 of 6 convolution, pooling and batch-norm layers)", OneDnn.describe(locked));
        assertEquals(OneDnn.describe(locked), OneDnn.describe(cnn(DataType.FLOAT, true)));
        assertEquals(OneDnn.describe(doubles), OneDnn.describe(cnn(DataType.DOUBLE, false)));
        // no convolution, pooling or batch norm at all
        MultiLayerNetwork mlp = Networks.create(new NeuralNetConfiguration.Builder().seed(1).list()
                .layer(new DenseLayer.Builder().nIn(4).nOut(3).build())
                .layer(new OutputLayer.Builder(LossFunction.MCXENT).nIn(3).nOut(2).activation(Activation.SOFTMAX).build())
                .build());
        assertEquals("none", OneDnn.describe(mlp));
    }

    @Test
    void thePropertySwitchesThemOff() {
        String before = System.getProperty(OneDnn.PROPERTY);
        System.setProperty(OneDnn.PROPERTY, "false");
        try {
            MultiLayerNetwork net = Networks.create(cnn(DataType.FLOAT, false));
            assertEquals(List.of(), OneDnn.helperLayers(net));
            assertEquals("built-in (switched off with -Dspindle.onednn=false)", OneDnn.describe(net));
            assertEquals(OneDnn.describe(net), OneDnn.describe(cnn(DataType.FLOAT, false)));
            assertTrue(OneDnn.jvmPath().startsWith("DL4J built-in (switched off"), OneDnn.jvmPath());
        } finally {
            if (before == null) {
                System.clearProperty(OneDnn.PROPERTY);
            } else {
                System.setProperty(OneDnn.PROPERTY, before);
            }
        }
        assertEquals(6, OneDnn.helperLayers(Networks.create(cnn(DataType.FLOAT, false))).size());
    }

    /** The digits data set (8x8 images, 1,797 rows) as features / 16 and one-hot labels. */
    private static DataSet digits() throws IOException {
        Path csv = Path.of("..", "conf", "datasets", "digits.csv");
        List<String> lines = Files.readAllLines(csv);
        String[] header = lines.get(0).split(",");
        int label = List.of(header).indexOf("digit");
        assertTrue(label >= 0, "digits.csv has no 'digit' column: " + lines.get(0));
        int n = lines.size() - 1;
        float[][] f = new float[n][64];
        float[][] y = new float[n][10];
        for (int r = 0; r < n; r++) {
            String[] v = lines.get(r + 1).split(",");
            int c = 0;
            for (int k = 0; k < v.length; k++) {
                if (k == label) {
                    y[r][Integer.parseInt(v[k].trim())] = 1;
                } else {
                    f[r][c++] = Float.parseFloat(v[k]) / 16f;
                }
            }
        }
        return new DataSet(Nd4j.create(f), Nd4j.create(y));
    }

    private static double accuracy(MultiLayerNetwork net, DataSet test) {
        INDArray predicted = net.output(test.getFeatures(), false).argMax(1);
        INDArray actual = test.getLabels().argMax(1);
        return predicted.eq(actual).castTo(DataType.DOUBLE).meanNumber().doubleValue();
    }

    @Test
    void accuracyPerEpochIsTheSameEitherWay() throws IOException {
        DataSet all = digits();
        all.shuffle(5);
        int trainRows = 1400;
        DataSet train = new DataSet(all.getFeatures().get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, trainRows)),
                all.getLabels().get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, trainRows)));
        DataSet test = new DataSet(all.getFeatures().get(org.nd4j.linalg.indexing.NDArrayIndex.interval(trainRows, all.numExamples())),
                all.getLabels().get(org.nd4j.linalg.indexing.NDArrayIndex.interval(trainRows, all.numExamples())));
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(21).updater(new Adam(3e-3)).list()
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(16).convolutionMode(ConvolutionMode.Same)
                        .activation(Activation.RELU).build())
                .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build())
                .layer(new DenseLayer.Builder().nOut(32).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunction.MCXENT).nOut(10).activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutionalFlat(8, 8, 1)).build();
        MultiLayerNetwork helped = Networks.create(conf.clone());
        assertEquals(2, OneDnn.helperLayers(helped).size());
        MultiLayerNetwork plain = builtIn(conf, helped.params());
        List<Double> accHelped = new ArrayList<>();
        List<Double> accPlain = new ArrayList<>();
        List<DataSet> batches = train.batchBy(50);
        for (int epoch = 0; epoch < 4; epoch++) {
            for (DataSet b : batches) {
                helped.fit(b);
                plain.fit(b);
            }
            accHelped.add(accuracy(helped, test));
            accPlain.add(accuracy(plain, test));
        }
        // both learn (10 classes: chance is 0.1), and epoch by epoch within 1.5 points (6 of 397 test rows)
        assertTrue(accPlain.get(3) > 0.9, "built-in path accuracy per epoch " + accPlain);
        for (int e = 0; e < accPlain.size(); e++) {
            assertEquals(accPlain.get(e), accHelped.get(e), 0.015, "epoch " + (e + 1) + ": built-in " + accPlain
                    + " vs oneDNN " + accHelped);
        }
        // the parameters stay close after 112 updates (float rounding differs, the arithmetic does not)
        double d = relative(plain.params(), helped.params());
        assertTrue(d < 1e-3, "parameters after training differ by " + d + " relative");
    }

    @Test
    void theSecondForwardConvolutionOfAStepIsReusedAndANewInputOrNewWeightsAreNot() {
        MultiLayerNetwork net = Networks.create(cnn(DataType.FLOAT, false));
        ReusingConvHelper first = (ReusingConvHelper) net.getLayer(0).getHelper();
        ReusingConvHelper second = (ReusingConvHelper) net.getLayer(3).getHelper();
        Nd4j.getRandom().setSeed(9);
        INDArray x = Nd4j.rand(DataType.FLOAT, 8, 256);
        INDArray y = Nd4j.zeros(DataType.FLOAT, 8, 5);
        for (int i = 0; i < 8; i++) {
            y.putScalar(i, i % 5, 1);
        }
        DataSet ds = new DataSet(x, y);
        net.fit(ds);
        // one step: each layer convolved once, and its backward pass reused that result
        assertEquals(1, first.computed());
        assertEquals(1, first.reused());
        assertEquals(1, second.reused());
        // the same rows again: the weights changed, so the forward convolution is computed anew
        net.fit(ds);
        assertEquals(2, first.computed());
        assertEquals(2, first.reused());
        // inference on other rows computes, and so does a second pass (its input is a new array)
        INDArray other = Nd4j.rand(DataType.FLOAT, 8, 256);
        INDArray once = net.output(other, false);
        INDArray twice = net.output(other, false);
        assertEquals(4, first.computed());
        assertEquals(2, first.reused());
        assertEquals(0.0, relative(once, twice));
    }
}
