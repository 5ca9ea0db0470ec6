package io.spindle.kernels.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spindle.kernels.nn.TransformerEncoder.FeedForwardActivation;
import io.spindle.kernels.nn.TransformerEncoder.PositionalEncoding;
import java.io.File;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * {@link TransformerEncoder} in DL4J networks: shapes and parameter count, gradients against finite
 * differences, the positional encoding, dropout only while training, masks, JSON and model-file
 * round trips, and a small task it must learn.
 */
@Tag("fast")
class TransformerEncoderTest {

    static TransformerEncoder encoder(int modelSize, int heads, int ffSize, int blocks, PositionalEncoding pe,
            FeedForwardActivation act, double dropout) {
        return new TransformerEncoder.Builder().modelSize(modelSize).heads(heads).ffSize(ffSize).blocks(blocks)
                .positionalEncoding(pe).ffActivation(act).dropoutRate(dropout).build();
    }

    /** encoder -> average over time -> linear MSE output. */
    static MultiLayerNetwork net(Layer encoder, long nIn, long t, int nOut, DataType dt, IUpdater updater) {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(42).dataType(dt).updater(updater)
                .list()
                .layer(encoder)
                .layer(new GlobalPoolingLayer.Builder(PoolingType.AVG).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).activation(Activation.IDENTITY)
                        .nOut(nOut).build())
                .setInputType(InputType.recurrent(nIn, t))
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    /** The parameter count as documented on {@link TransformerEncoder}, written out independently. */
    static long expectedParams(long nIn, long c, long f, long blocks, long learnedT) {
        return nIn * c + c + c * learnedT + blocks * (4 * c * c + 2 * c * f + f + 5 * c);
    }

    static Stream<Arguments> shapes() {
        return Stream.of(
                Arguments.of(1, 1, PositionalEncoding.SINUSOIDAL, FeedForwardActivation.RELU),
                Arguments.of(4, 2, PositionalEncoding.LEARNED, FeedForwardActivation.GELU),
                Arguments.of(4, 1, PositionalEncoding.SINUSOIDAL, FeedForwardActivation.GELU),
                Arguments.of(1, 2, PositionalEncoding.LEARNED, FeedForwardActivation.RELU));
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void outputShapeAndParameterCount(int heads, int blocks, PositionalEncoding pe, FeedForwardActivation act) {
        int nIn = 3;
        int t = 7;
        int c = 8;
        int f = 12;
        MultiLayerNetwork net = net(encoder(c, heads, f, blocks, pe, act, 0.0), nIn, t, 2, DataType.FLOAT, new NoOp());
        INDArray x = Nd4j.randn(DataType.FLOAT, 5, nIn, t);
        INDArray encoded = net.feedForward(x, false).get(1);
        assertArrayEquals(new long[] {5, c, t}, encoded.shape());
        assertArrayEquals(new long[] {5, 2}, net.output(x).shape());

        long expected = expectedParams(nIn, c, f, blocks, pe == PositionalEncoding.LEARNED ? t : 0);
        assertEquals(expected, net.getLayer(0).numParams());
        assertEquals(expected, ((TransformerEncoder) net.getLayerWiseConfigurations().getConf(0).getLayer())
                .parameterCount());
    }

    /** GradientCheckUtil insists on ND4J's global default type being DOUBLE; restored afterwards. */
    static boolean checkInDouble(GradientCheckUtil.MLNConfig check) {
        DataType before = Nd4j.dataType();
        DataType beforeFloat = Nd4j.defaultFloatingPointType();
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        try {
            return GradientCheckUtil.checkGradients(check);
        } finally {
            Nd4j.setDefaultDataTypes(before, beforeFloat);
        }
    }

    static Stream<Arguments> gradientCases() {
        return Stream.of(
                Arguments.of(2, 2, PositionalEncoding.SINUSOIDAL, FeedForwardActivation.RELU, true),
                Arguments.of(1, 1, PositionalEncoding.LEARNED, FeedForwardActivation.GELU, false));
    }

    @ParameterizedTest
    @MethodSource("gradientCases")
    void gradientsMatchFiniteDifferences(int heads, int blocks, PositionalEncoding pe, FeedForwardActivation act,
            boolean masked) {
        Nd4j.getRandom().setSeed(11);
        int batch = 3;
        int nIn = 2;
        int t = 4;
        MultiLayerNetwork net = net(encoder(4, heads, 6, blocks, pe, act, 0.0), nIn, t, 2, DataType.DOUBLE,
                new NoOp());
        INDArray x = Nd4j.randn(DataType.DOUBLE, batch, nIn, t);
        INDArray y = Nd4j.randn(DataType.DOUBLE, batch, 2);
        INDArray mask = null;
        if (masked) {
            mask = Nd4j.ones(DataType.DOUBLE, batch, t);
            mask.putScalar(0, t - 1, 0);
            mask.putScalar(2, t - 1, 0);
            mask.putScalar(2, t - 2, 0);
        }
        boolean ok = checkInDouble(new GradientCheckUtil.MLNConfig().net(net).input(x).labels(y)
                .inputMask(mask).epsilon(1e-6).maxRelError(1e-4).minAbsoluteError(1e-8)
                .print(GradientCheckUtil.PrintMode.FAILURES_ONLY));
        assertTrue(ok, "analytic gradients differ from central differences");
    }

    /**
     * With dropout on, a training-mode gradient must be that of the training-mode forward pass with
     * the same masks: re-seeding before every evaluation makes the masks repeat.
     */
    @Test
    void gradientsWithDropoutBelongToTheirForwardPass() {
        Nd4j.getRandom().setSeed(5);
        TransformerEncoder enc = new TransformerEncoder.Builder().modelSize(4).heads(2).ffSize(6).blocks(1)
                .dropoutRate(0.3).dropOut(0.8).build();
        MultiLayerNetwork net = net(enc, 2, 4, 2, DataType.DOUBLE, new NoOp());
        INDArray x = Nd4j.randn(DataType.DOUBLE, 3, 2, 4);
        INDArray y = Nd4j.randn(DataType.DOUBLE, 3, 2);
        boolean ok = checkInDouble(new GradientCheckUtil.MLNConfig().net(net).input(x).labels(y)
                .epsilon(1e-6).maxRelError(1e-4).minAbsoluteError(1e-8)
                .callEachIter(n -> Nd4j.getRandom().setSeed(12345))
                .print(GradientCheckUtil.PrintMode.FAILURES_ONLY));
        assertTrue(ok, "gradients with dropout differ from central differences under the same masks");
    }

    @Test
    void sinusoidalTableFollowsThePaper() {
        int d = 16;
        INDArray pe = TransformerEncoder.sinusoidalTable(d, 20, DataType.DOUBLE);
        assertArrayEquals(new long[] {d, 20}, pe.shape());
        int[][] rowPos = {{0, 0}, {1, 0}, {0, 1}, {1, 1}, {4, 3}, {5, 3}, {10, 7}, {15, 19}, {14, 19}};
        for (int[] rp : rowPos) {
            int row = rp[0];
            int pos = rp[1];
            int i = row / 2;
            double angle = pos / Math.pow(10000, 2.0 * i / d);
            double expected = row % 2 == 0 ? Math.sin(angle) : Math.cos(angle);
            assertEquals(expected, pe.getDouble(row, pos), 1e-12, "PE(" + pos + ", " + row + ")");
        }
        assertEquals(0.0, pe.getDouble(0, 0), 0.0);
        assertEquals(1.0, pe.getDouble(1, 0), 0.0);
    }

    /**
     * Without a positional encoding self-attention is permutation-equivariant: swapping steps 1 and 4
     * of the input would swap outputs 1 and 4. With the encoding it must not.
     */
    @ParameterizedTest
    @MethodSource("encodings")
    void swappingTwoStepsChangesTheOutput(PositionalEncoding pe, double minChange) {
        Nd4j.getRandom().setSeed(3);
        MultiLayerNetwork net = net(encoder(8, 2, 16, 1, pe, FeedForwardActivation.RELU, 0.0), 2, 6, 1,
                DataType.DOUBLE, new NoOp());
        INDArray x = Nd4j.randn(DataType.DOUBLE, 4, 2, 6);
        INDArray swapped = x.dup();
        swapped.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.point(1))
                .assign(x.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.point(4)));
        swapped.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.point(4))
                .assign(x.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.point(1)));
        INDArray out = net.feedForward(x, false).get(1);
        INDArray outSwapped = net.feedForward(swapped, false).get(1);
        double change = outSwapped.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.point(1))
                .sub(out.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.point(4)))
                .amaxNumber().doubleValue();
        assertTrue(change > minChange, "step 1 of the swapped input gave step 4's output (change " + change + ")");
    }

    static Stream<Arguments> encodings() {
        return Stream.of(Arguments.of(PositionalEncoding.SINUSOIDAL, 1e-2), Arguments.of(PositionalEncoding.LEARNED,
                1e-4));
    }

    @Test
    void dropoutOnlyWhileTraining() {
        Nd4j.getRandom().setSeed(9);
        TransformerEncoder enc = new TransformerEncoder.Builder().modelSize(8).heads(2).ffSize(16).blocks(2)
                .dropoutRate(0.3).dropOut(0.8).build();
        MultiLayerNetwork net = net(enc, 2, 6, 1, DataType.FLOAT, new Adam(1e-3));
        INDArray x = Nd4j.randn(DataType.FLOAT, 8, 2, 6);
        INDArray y = Nd4j.randn(DataType.FLOAT, 8, 1);

        INDArray first = net.output(x);
        assertEquals(first, net.output(x), "inference must be deterministic");
        // the same weights without any dropout give the same inference output: masks are ones, not rescaled
        MultiLayerNetwork plain = net(encoder(8, 2, 16, 2, PositionalEncoding.SINUSOIDAL, FeedForwardActivation.RELU,
                0.0), 2, 6, 1, DataType.FLOAT, new Adam(1e-3));
        plain.setParams(net.params().dup());
        assertTrue(first.equalsWithEps(plain.output(x), 1e-6));
        // training-mode passes draw fresh masks
        INDArray train1 = net.output(x, true);
        INDArray train2 = net.output(x, true);
        assertNotEquals(train1, train2);
        assertNotEquals(first, train1);

        INDArray before = net.params().dup();
        DataSet ds = new DataSet(x, y);
        for (int i = 0; i < 3; i++) {
            net.fit(ds);
        }
        assertTrue(Double.isFinite(net.score()));
        assertNotEquals(before, net.params());
        assertEquals(net.output(x), net.output(x));
    }

    @Test
    void paddedStepsNeitherAttendedToNorOutput() {
        Nd4j.getRandom().setSeed(4);
        MultiLayerNetwork net = net(encoder(8, 2, 16, 2, PositionalEncoding.SINUSOIDAL, FeedForwardActivation.RELU,
                0.0), 2, 6, 1, DataType.DOUBLE, new NoOp());
        INDArray x = Nd4j.randn(DataType.DOUBLE, 3, 2, 6);
        INDArray mask = Nd4j.ones(DataType.DOUBLE, 3, 6);
        mask.putScalar(0, 5, 0);
        mask.putScalar(0, 4, 0);
        INDArray changed = x.dup();
        changed.get(NDArrayIndex.point(0), NDArrayIndex.all(), NDArrayIndex.interval(4, 6)).assign(7.5);

        INDArray enc = net.feedForward(x, mask, null).get(1);
        INDArray encChanged = net.feedForward(changed, mask, null).get(1);
        assertEquals(0.0, enc.get(NDArrayIndex.point(0), NDArrayIndex.all(), NDArrayIndex.interval(4, 6))
                .amaxNumber().doubleValue(), 0.0);
        assertTrue(enc.equalsWithEps(encChanged, 1e-12), "padded steps leaked into real ones");
        assertTrue(net.output(x, false, mask, null).equalsWithEps(net.output(changed, false, mask, null), 1e-12));
        // and without the mask the same change does matter
        assertTrue(net.feedForward(x, false).get(1).sub(net.feedForward(changed, false).get(1)).amaxNumber()
                .doubleValue() > 1e-3);
    }

    @Test
    void sequenceLength() {
        MultiLayerNetwork sinusoidal = net(encoder(8, 2, 16, 1, PositionalEncoding.SINUSOIDAL,
                FeedForwardActivation.RELU, 0.0), 2, 7, 1, DataType.FLOAT, new NoOp());
        INDArray x7 = Nd4j.randn(DataType.FLOAT, 2, 2, 7);
        INDArray out7 = sinusoidal.feedForward(x7, false).get(1);
        assertArrayEquals(new long[] {2, 8, 5}, sinusoidal.feedForward(Nd4j.randn(DataType.FLOAT, 2, 2, 5), false)
                .get(1).shape());
        assertEquals(out7, sinusoidal.feedForward(x7, false).get(1));

        MultiLayerNetwork learned = net(encoder(8, 2, 16, 1, PositionalEncoding.LEARNED, FeedForwardActivation.RELU,
                0.0), 2, 7, 1, DataType.FLOAT, new NoOp());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> learned.output(Nd4j.randn(DataType.FLOAT, 2, 2, 5)));
        assertTrue(e.getMessage().contains("T = 7"), e.getMessage());
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> new NeuralNetConfiguration.Builder().list()
                        .layer(encoder(8, 2, 16, 1, PositionalEncoding.LEARNED, FeedForwardActivation.RELU, 0.0))
                        .layer(new GlobalPoolingLayer.Builder(PoolingType.AVG).build())
                        .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nOut(1).build())
                        .setInputType(InputType.recurrent(2)).build());
        assertTrue(unknown.getMessage().contains("sequence length"), unknown.getMessage());
    }

    @Test
    void builderRejectsBadSizes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new TransformerEncoder.Builder().modelSize(30).heads(4).build());
        assertEquals("model_size 30 is not divisible by heads 4", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new TransformerEncoder.Builder().heads(0).build());
        assertThrows(IllegalArgumentException.class, () -> new TransformerEncoder.Builder().ffSize(0).build());
        assertThrows(IllegalArgumentException.class, () -> new TransformerEncoder.Builder().blocks(0).build());
        assertThrows(IllegalArgumentException.class, () -> new TransformerEncoder.Builder().dropoutRate(1.0).build());
        assertThrows(IllegalArgumentException.class, () -> new TransformerEncoder.Builder().dropoutRate(-0.1).build());
        assertEquals(PositionalEncoding.LEARNED, PositionalEncoding.parse("learned"));
        assertEquals(FeedForwardActivation.GELU, FeedForwardActivation.parse("GELU"));
        assertThrows(IllegalArgumentException.class, () -> PositionalEncoding.parse("rotary"));
    }

    @Test
    void jsonAndModelFileRoundTrips(@TempDir Path dir) throws Exception {
        Nd4j.getRandom().setSeed(8);
        TransformerEncoder enc = new TransformerEncoder.Builder().modelSize(8).heads(4).ffSize(16).blocks(2)
                .positionalEncoding(PositionalEncoding.LEARNED).ffActivation(FeedForwardActivation.GELU)
                .dropoutRate(0.1).build();
        MultiLayerNetwork net = net(enc, 3, 5, 2, DataType.FLOAT, new Adam(1e-2));
        INDArray x = Nd4j.randn(DataType.FLOAT, 4, 3, 5);
        net.fit(new DataSet(x, Nd4j.randn(DataType.FLOAT, 4, 2))); // updater state too
        INDArray expected = net.output(x);

        MultiLayerConfiguration conf = net.getLayerWiseConfigurations();
        MultiLayerConfiguration back = MultiLayerConfiguration.fromJson(conf.toJson());
        assertEquals(conf, back);
        TransformerEncoder restored = (TransformerEncoder) back.getConf(0).getLayer();
        assertEquals(enc.getHeads(), restored.getHeads());
        assertEquals(PositionalEncoding.LEARNED, restored.getPositionalEncoding());
        assertEquals(FeedForwardActivation.GELU, restored.getFfActivation());
        assertEquals(0.1, restored.getDropoutRate());
        assertEquals(5, restored.getTimeSteps());
        MultiLayerNetwork fromJson = new MultiLayerNetwork(back);
        fromJson.init(net.params().dup(), false);
        assertEquals(expected, fromJson.output(x));

        File file = dir.resolve("encoder.zip").toFile();
        ModelSerializer.writeModel(net, file, true);
        MultiLayerNetwork fromFile = ModelSerializer.restoreMultiLayerNetwork(file, true);
        assertEquals(expected, fromFile.output(x));
        assertEquals(net.getUpdater().getStateViewArray(), fromFile.getUpdater().getStateViewArray());
    }

    /**
     * DL4J 1.0.0-M2.1's LastTimeStep wrapper takes only DL4J's own recurrent layers, so the encoder
     * gives its last step itself: the full output's last column, and differentiable.
     */
    @Test
    void lastStepIsTheLastColumnOfTheFullOutputAndHasExactGradients() {
        Nd4j.getRandom().setSeed(3);
        TransformerEncoder.Builder b = new TransformerEncoder.Builder().modelSize(4).heads(2).ffSize(6).blocks(2)
                .positionalEncoding(PositionalEncoding.SINUSOIDAL);
        MultiLayerNetwork full = net(b.build(), 2, 5, 2, DataType.DOUBLE, new NoOp());
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(42).dataType(DataType.DOUBLE)
                .updater(new NoOp()).list()
                .layer(b.lastStep(true).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).activation(Activation.IDENTITY).nOut(2)
                        .build())
                .setInputType(InputType.recurrent(2, 5))
                .build();
        assertEquals(conf, MultiLayerConfiguration.fromJson(conf.toJson()), "lastStep survives JSON");
        MultiLayerNetwork last = new MultiLayerNetwork(conf);
        last.init();
        last.getLayer(0).setParams(full.getLayer(0).params().dup());
        INDArray x = Nd4j.randn(DataType.DOUBLE, 3, 2, 5);
        INDArray every = full.feedForward(x, false).get(1);
        INDArray lastOnly = last.feedForward(x, false).get(1);
        assertArrayEquals(new long[] {3, 4}, lastOnly.shape());
        assertEquals(every.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.point(4)), lastOnly);
        INDArray y = Nd4j.randn(DataType.DOUBLE, 3, 2);
        assertTrue(checkInDouble(new GradientCheckUtil.MLNConfig().net(last).input(x).labels(y).epsilon(1e-6)
                .maxRelError(1e-4).minAbsoluteError(1e-8).print(GradientCheckUtil.PrintMode.FAILURES_ONLY)),
                "analytic gradients differ from central differences");
    }

    /** Predict the value at position 2 of a random sequence: needs attention and the positions. */
    @Test
    void learnsTheValueAtAFixedPosition() {
        Nd4j.getRandom().setSeed(7);
        int t = 8;
        int n = 128;
        INDArray x = Nd4j.randn(DataType.FLOAT, n, 1, t);
        INDArray y = x.get(NDArrayIndex.all(), NDArrayIndex.point(0), NDArrayIndex.point(2)).reshape(n, 1).dup();
        DataSet ds = new DataSet(x, y);
        MultiLayerNetwork net = net(encoder(16, 2, 32, 1, PositionalEncoding.SINUSOIDAL, FeedForwardActivation.RELU,
                0.0), 1, t, 1, DataType.FLOAT, new Adam(1e-2));
        double initial = net.score(ds);
        for (int i = 0; i < 60; i++) {
            net.fit(ds);
        }
        double last = net.score(ds);
        assertTrue(last < 0.3 * initial, "loss " + initial + " -> " + last);
    }
}
