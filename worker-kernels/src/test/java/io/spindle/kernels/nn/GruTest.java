package io.spindle.kernels.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.DoubleUnaryOperator;
import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.BackpropType;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.constraint.MaxNormConstraint;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.Bidirectional;
import org.deeplearning4j.nn.conf.layers.recurrent.LastTimeStep;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.impl.ActivationSoftSign;
import org.nd4j.linalg.activations.impl.ActivationTanH;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/**
 * The GRU layer against a plain-Java implementation of Cho et al. (2014) eq. 5-8, DL4J's
 * numerical gradient check (alone, under LastTimeStep and Bidirectional), JSON and model-file
 * round trips, stepwise inference, a small training run and the refusals.
 */
@Tag("fast")
class GruTest {

    // ---- reference: Cho et al. 2014, eq. 5-8, reset before the recurrent product, in double ----

    /**
     * @param x [b][nIn][T]
     * @param w [nIn][3n], u [n][3n], bias [3n]; gate blocks r | z | h~
     * @param h0 [b][n] or null
     * @return h [b][n][T]
     */
    static double[][][] reference(double[][][] x, double[][] w, double[][] u, double[] bias,
            DoubleUnaryOperator act, double[][] h0) {
        int b = x.length;
        int nIn = x[0].length;
        int steps = x[0][0].length;
        int n = u.length;
        double[][][] out = new double[b][n][steps];
        for (int i = 0; i < b; i++) {
            double[] h = h0 == null ? new double[n] : h0[i].clone();
            for (int t = 0; t < steps; t++) {
                double[] r = new double[n];
                double[] z = new double[n];
                for (int j = 0; j < n; j++) {
                    double ar = bias[j];
                    double az = bias[n + j];
                    for (int k = 0; k < nIn; k++) {
                        ar += x[i][k][t] * w[k][j];
                        az += x[i][k][t] * w[k][n + j];
                    }
                    for (int k = 0; k < n; k++) {
                        ar += h[k] * u[k][j];
                        az += h[k] * u[k][n + j];
                    }
                    r[j] = 1 / (1 + Math.exp(-ar));
                    z[j] = 1 / (1 + Math.exp(-az));
                }
                double[] next = new double[n];
                for (int j = 0; j < n; j++) {
                    double ah = bias[2 * n + j];
                    for (int k = 0; k < nIn; k++) {
                        ah += x[i][k][t] * w[k][2 * n + j];
                    }
                    for (int k = 0; k < n; k++) {
                        ah += r[k] * h[k] * u[k][2 * n + j];
                    }
                    double cand = act.applyAsDouble(ah);
                    next[j] = z[j] * h[j] + (1 - z[j]) * cand;
                }
                h = next;
                for (int j = 0; j < n; j++) {
                    out[i][j][t] = h[j];
                }
            }
        }
        return out;
    }

    static double[][][] to3d(INDArray a) {
        int d0 = (int) a.size(0);
        int d1 = (int) a.size(1);
        int d2 = (int) a.size(2);
        double[][][] out = new double[d0][d1][d2];
        for (int i = 0; i < d0; i++) {
            for (int j = 0; j < d1; j++) {
                for (int k = 0; k < d2; k++) {
                    out[i][j][k] = a.getDouble(i, j, k);
                }
            }
        }
        return out;
    }

    static double[][][] reverseTime(double[][][] a) {
        double[][][] out = new double[a.length][a[0].length][];
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a[0].length; j++) {
                int steps = a[i][j].length;
                out[i][j] = new double[steps];
                for (int t = 0; t < steps; t++) {
                    out[i][j][t] = a[i][j][steps - 1 - t];
                }
            }
        }
        return out;
    }

    static void assertClose(double[][][] expected, INDArray actual, double tol, String what) {
        assertArrayEquals(new long[] {expected.length, expected[0].length, expected[0][0].length}, actual.shape(),
                what + " shape");
        for (int i = 0; i < expected.length; i++) {
            for (int j = 0; j < expected[0].length; j++) {
                for (int t = 0; t < expected[0][0].length; t++) {
                    assertEquals(expected[i][j][t], actual.getDouble(i, j, t), tol,
                            what + "[" + i + "," + j + "," + t + "]");
                }
            }
        }
    }

    static INDArray randn(DataType type, long seed, long... shape) {
        Nd4j.getRandom().setSeed(seed);
        return Nd4j.randn(type, shape);
    }

    static Gru gru(long nIn, long n) {
        return new Gru.Builder().nIn(nIn).nOut(n).build();
    }

    static NeuralNetConfiguration.ListBuilder base(DataType type) {
        return new NeuralNetConfiguration.Builder().seed(42).dataType(type).updater(new NoOp())
                .weightInit(WeightInit.XAVIER).list();
    }

    static MultiLayerNetwork net(MultiLayerConfiguration conf) {
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    /** Replaces every parameter with U(-scale, scale) so biases and all gate blocks matter. */
    static void randomizeParams(MultiLayerNetwork net, long seed, double scale) {
        Nd4j.getRandom().setSeed(seed);
        INDArray p = Nd4j.rand(net.params().dataType(), net.params().shape()).subi(0.5).muli(2 * scale);
        net.setParams(p);
    }

    // ---- forward pass ----

    enum Candidate {
        TANH(null, Math::tanh), SOFTSIGN(Activation.SOFTSIGN, v -> v / (1 + Math.abs(v)));

        final Activation activation;
        final DoubleUnaryOperator fn;

        Candidate(Activation activation, DoubleUnaryOperator fn) {
            this.activation = activation;
            this.fn = fn;
        }
    }

    @ParameterizedTest
    @EnumSource(Candidate.class)
    void forwardMatchesChoEquations(Candidate candidate) {
        int b = 3;
        int nIn = 4;
        int n = 5;
        int steps = 6;
        Gru.Builder builder = new Gru.Builder().nIn(nIn).nOut(n);
        if (candidate.activation != null) {
            builder.activation(candidate.activation);
        }
        // the network-wide sigmoid must not replace the layer's tanh default
        MultiLayerNetwork net = net(new NeuralNetConfiguration.Builder().seed(1).dataType(DataType.FLOAT)
                .activation(Activation.SIGMOID).list().layer(builder.build()).build());
        randomizeParams(net, 7, 0.8);
        INDArray x = randn(DataType.FLOAT, 11, b, nIn, steps);
        INDArray out = net.output(x);

        double[][] w = net.getParam("0_W").toDoubleMatrix();
        double[][] u = net.getParam("0_RW").toDoubleMatrix();
        double[] bias = net.getParam("0_b").toDoubleVector();
        assertEquals(3 * n, w[0].length);
        assertClose(reference(to3d(x), w, u, bias, candidate.fn, null), out, 1e-5, "h");
    }

    @Test
    void parametersAreViewsInTheDocumentedLayout() {
        MultiLayerNetwork net = net(base(DataType.DOUBLE).layer(gru(2, 3)).build());
        assertEquals(3 * 3 * (2 + 3 + 1), net.numParams());
        assertArrayEquals(new long[] {2, 9}, net.getParam("0_W").shape());
        assertArrayEquals(new long[] {3, 9}, net.getParam("0_RW").shape());
        assertArrayEquals(new long[] {1, 9}, net.getParam("0_b").shape());
        assertEquals(0.0, net.getParam("0_b").sumNumber().doubleValue(), 0.0, "biases start at 0");
        assertTrue(net.getParam("0_W").norm2Number().doubleValue() > 0, "weights initialized");
        // W occupies the start of the flat array in 'f' order: W[1,0] is element 1
        net.getParam("0_W").putScalar(1, 0, 123.0);
        assertEquals(123.0, net.params().getDouble(1), 0.0);
        net.getParam("0_RW").putScalar(0, 1, 7.0);
        assertEquals(7.0, net.params().getDouble(2 * 9 + 3), 0.0);
        net.getParam("0_b").putScalar(0, 8, -5.0);
        assertEquals(-5.0, net.params().getDouble(net.numParams() - 1), 0.0);

        Gru conf = gru(2, 3);
        GruParamInitializer init = GruParamInitializer.getInstance();
        assertTrue(init.isWeightParam(conf, "W") && init.isWeightParam(conf, "RW") && !init.isWeightParam(conf, "b"));
        assertTrue(init.isBiasParam(conf, "b") && !init.isBiasParam(conf, "W") && !init.isBiasParam(conf, "RW"));
        MultiLayerConfiguration l2 = new NeuralNetConfiguration.Builder().l2(0.1).list().layer(gru(2, 3)).build();
        Layer layer = l2.getConf(0).getLayer();
        assertFalse(layer.getRegularizationByParam("W").isEmpty(), "l2 on W");
        assertFalse(layer.getRegularizationByParam("RW").isEmpty(), "l2 on RW");
        assertTrue(layer.getRegularizationByParam("b").isEmpty(), "no l2 on b");

        LayerMemoryReport report = gru(2, 3).getMemoryReport(InputType.recurrent(2, 10));
        assertEquals(54, report.getParameterSize());

        Gru constrained = new Gru.Builder().nIn(2).nOut(3).constrainRecurrent(new MaxNormConstraint(0.5, 0))
                .constrainInputWeights(new MaxNormConstraint(2.0, 0)).build();
        assertEquals(2, constrained.getConstraints().size());
        assertEquals(Set.of("RW"), constrained.getConstraints().stream()
                .filter(c -> ((MaxNormConstraint) c).getMaxNorm() == 0.5).findFirst().orElseThrow().getParams());
        assertEquals(Set.of("W"), constrained.getConstraints().stream()
                .filter(c -> ((MaxNormConstraint) c).getMaxNorm() == 2.0).findFirst().orElseThrow().getParams());
    }

    // ---- gradients ----

    /** DL4J's central-difference check; it insists on DOUBLE as ND4J's global default type too. */
    static boolean gradientsOk(MultiLayerNetwork net, INDArray x, INDArray y) {
        DataType defaultType = Nd4j.dataType();
        DataType defaultFloat = Nd4j.defaultFloatingPointType();
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        try {
            return GradientCheckUtil.checkGradients(new GradientCheckUtil.MLNConfig().net(net).input(x).labels(y)
                    .epsilon(1e-6).maxRelError(1e-4).minAbsoluteError(1e-8)
                    .print(GradientCheckUtil.PrintMode.FAILURES_ONLY).exitOnFirstError(false));
        } finally {
            Nd4j.setDefaultDataTypes(defaultType, defaultFloat);
        }
    }

    @ParameterizedTest
    @EnumSource(value = WorkspaceMode.class, names = {"ENABLED", "NONE"})
    void gradientCheckStackedWithRnnOutput(WorkspaceMode mode) {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(3).dataType(DataType.DOUBLE)
                .updater(new NoOp()).weightInit(WeightInit.XAVIER)
                .trainingWorkspaceMode(mode).inferenceWorkspaceMode(mode).list()
                .layer(gru(2, 3))
                .layer(new Gru.Builder().nIn(3).nOut(3).activation(Activation.SOFTSIGN).build())
                .layer(new RnnOutputLayer.Builder(LossFunction.MSE).activation(Activation.IDENTITY).nIn(3).nOut(2).build())
                .build();
        MultiLayerNetwork net = net(conf);
        randomizeParams(net, 5, 0.7);
        INDArray x = randn(DataType.DOUBLE, 21, 2, 2, 5);
        INDArray y = randn(DataType.DOUBLE, 22, 2, 2, 5);
        assertTrue(gradientsOk(net, x, y));
    }

    @Test
    void gradientCheckUnderLastTimeStep() {
        MultiLayerNetwork net = net(base(DataType.DOUBLE)
                .layer(new LastTimeStep(gru(2, 4)))
                .layer(new OutputLayer.Builder(LossFunction.MSE).activation(Activation.IDENTITY).nIn(4).nOut(2).build())
                .build());
        randomizeParams(net, 6, 0.7);
        INDArray x = randn(DataType.DOUBLE, 31, 3, 2, 6);
        INDArray y = randn(DataType.DOUBLE, 32, 3, 2);
        assertArrayEquals(new long[] {3, 4}, net.feedForward(x, false).get(1).shape());
        assertTrue(gradientsOk(net, x, y));
    }

    @Test
    void bidirectionalConcatShapeValuesAndGradients() {
        int b = 2;
        int nIn = 2;
        int n = 3;
        int steps = 5;
        MultiLayerNetwork net = net(base(DataType.DOUBLE)
                .layer(new Bidirectional(Bidirectional.Mode.CONCAT, gru(nIn, n)))
                // DL4J M2.1 quirk: after Bidirectional an RnnOutputLayer without an explicit format (or
                // setInputType) rejects NCW labels, whatever the wrapped layer (LSTM, SimpleRnn too)
                .layer(new RnnOutputLayer.Builder(LossFunction.MSE).activation(Activation.IDENTITY).nIn(2 * n).nOut(2)
                        .dataFormat(RNNFormat.NCW).build())
                .build());
        randomizeParams(net, 8, 0.7);
        INDArray x = randn(DataType.DOUBLE, 41, b, nIn, steps);
        INDArray act = net.feedForward(x, false).get(1);
        assertArrayEquals(new long[] {b, 2 * n, steps}, act.shape());

        double[][][] xs = to3d(x);
        double[][][] fwd = reference(xs, net.getParam("0_fW").toDoubleMatrix(), net.getParam("0_fRW").toDoubleMatrix(),
                net.getParam("0_fb").toDoubleVector(), Math::tanh, null);
        double[][][] bwd = reverseTime(reference(reverseTime(xs), net.getParam("0_bW").toDoubleMatrix(),
                net.getParam("0_bRW").toDoubleMatrix(), net.getParam("0_bb").toDoubleVector(), Math::tanh, null));
        assertClose(fwd, act.get(NDArrayIndex.all(), NDArrayIndex.interval(0, n), NDArrayIndex.all()), 1e-12, "forward half");
        assertClose(bwd, act.get(NDArrayIndex.all(), NDArrayIndex.interval(n, 2 * n), NDArrayIndex.all()), 1e-12,
                "backward half");

        INDArray y = randn(DataType.DOUBLE, 42, b, 2, steps);
        assertTrue(gradientsOk(net, x, y));
    }

    // ---- serialization ----

    @Test
    void jsonAndModelFileRoundTrip(@TempDir Path dir) throws Exception {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(9).dataType(DataType.FLOAT)
                .updater(new Adam(1e-3)).weightInit(WeightInit.XAVIER).list()
                .layer(new Gru.Builder().nIn(2).nOut(4).activation(Activation.SOFTSIGN)
                        .weightInitRecurrent(WeightInit.LECUN_NORMAL).l2(1e-4).build())
                .layer(new Bidirectional(Bidirectional.Mode.CONCAT, gru(4, 3)))
                .layer(new LastTimeStep(new Gru.Builder().nIn(6).nOut(5).biasInit(0.1).build()))
                .layer(new OutputLayer.Builder(LossFunction.MSE).activation(Activation.IDENTITY).nIn(5).nOut(1).build())
                .build();
        String json = conf.toJson();
        MultiLayerConfiguration back = MultiLayerConfiguration.fromJson(json);
        assertEquals(conf, back);
        assertEquals(json, back.toJson());
        Gru first = assertInstanceOf(Gru.class, back.getConf(0).getLayer());
        assertEquals(new ActivationSoftSign(), first.getActivationFn());
        assertEquals(4, first.getNOut());
        Gru last = assertInstanceOf(Gru.class, ((LastTimeStep) back.getConf(2).getLayer()).getUnderlying());
        assertEquals(new ActivationTanH(), last.getActivationFn());
        assertEquals(0.1, last.getBiasInit(), 0.0);
        assertNotEquals(gru(4, 3), gru(4, 5));
        assertEquals(gru(4, 3), gru(4, 3));
        assertEquals(gru(4, 3).hashCode(), gru(4, 3).hashCode());

        MultiLayerNetwork net = net(conf);
        randomizeParams(net, 10, 0.5);
        INDArray x = randn(DataType.FLOAT, 51, 3, 2, 7);
        net.fit(x, randn(DataType.FLOAT, 52, 3, 1)); // updater state to save as well
        File file = dir.resolve("gru.zip").toFile();
        ModelSerializer.writeModel(net, file, true);
        MultiLayerNetwork restored = ModelSerializer.restoreMultiLayerNetwork(file, true);
        assertEquals(net.getLayerWiseConfigurations(), restored.getLayerWiseConfigurations());
        assertEquals(net.params(), restored.params());
        assertEquals(net.output(x), restored.output(x));
    }

    // ---- training ----

    @Test
    void learnsScaledSumOfSequence() {
        int steps = 10;
        Random rnd = new Random(17);
        DataSet train = sumData(512, steps, rnd);
        DataSet test = sumData(256, steps, rnd);
        MultiLayerNetwork net = net(new NeuralNetConfiguration.Builder().seed(4).dataType(DataType.FLOAT)
                .updater(new Adam(0.01)).weightInit(WeightInit.XAVIER).list()
                .layer(new LastTimeStep(gru(1, 16)))
                .layer(new OutputLayer.Builder(LossFunction.MSE).activation(Activation.IDENTITY).nIn(16).nOut(1).build())
                .build());
        double before = net.score(test);
        List<DataSet> batches = train.batchBy(32);
        for (int epoch = 0; epoch < 5; epoch++) {
            for (DataSet batch : batches) {
                net.fit(batch);
            }
        }
        double after = net.score(test);
        double constant = test.getLabels().var().getDouble(0); // the loss of predicting the mean
        assertTrue(after < 0.3 * before, "loss " + before + " -> " + after);
        assertTrue(after < 0.05 * constant, "loss " + after + " vs constant predictor " + constant);
    }

    /** x ~ U(-1, 1) [m, 1, T]; y = sum_t x_t / sqrt(T) [m, 1]. */
    static DataSet sumData(int m, int steps, Random rnd) {
        INDArray x = Nd4j.create(DataType.FLOAT, m, 1, steps);
        INDArray y = Nd4j.create(DataType.FLOAT, m, 1);
        for (int i = 0; i < m; i++) {
            double sum = 0;
            for (int t = 0; t < steps; t++) {
                double v = 2 * rnd.nextDouble() - 1;
                x.putScalar(new long[] {i, 0, t}, v);
                sum += v;
            }
            y.putScalar(i, 0, sum / Math.sqrt(steps));
        }
        return new DataSet(x, y);
    }

    // ---- stepwise inference ----

    @Test
    void rnnTimeStepEqualsFullSequence() {
        int b = 3;
        int steps = 6;
        MultiLayerNetwork net = net(base(DataType.FLOAT)
                .layer(gru(2, 5))
                .layer(gru(5, 4))
                .layer(new RnnOutputLayer.Builder(LossFunction.MSE).activation(Activation.IDENTITY).nIn(4).nOut(3).build())
                .build());
        randomizeParams(net, 12, 0.8);
        INDArray x = randn(DataType.FLOAT, 61, b, 2, steps);
        INDArray full = net.output(x);

        net.rnnClearPreviousState();
        for (int t = 0; t < steps; t++) {
            INDArray step = net.rnnTimeStep(x.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(t, t + 1)));
            assertArrayEquals(new long[] {b, 3, 1}, step.shape());
            INDArray expected = full.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(t, t + 1));
            assertTrue(expected.equalsWithEps(step, 1e-5), "step " + t + ": " + step + " vs " + expected);
        }
        assertArrayEquals(new long[] {b, 5}, net.rnnGetPreviousState(0).get(GruLayer.STATE_KEY_PREV_H).shape());

        // chunks of 4 + 2 steps, the second chunk as 2d single steps
        net.rnnClearPreviousState();
        INDArray head = net.rnnTimeStep(x.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(0, 4)));
        assertTrue(full.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(0, 4)).equalsWithEps(head, 1e-5));
        for (int t = 4; t < steps; t++) {
            INDArray step = net.rnnTimeStep(x.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.point(t)));
            assertArrayEquals(new long[] {b, 3}, step.shape());
            INDArray expected = full.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.point(t));
            assertTrue(expected.equalsWithEps(step, 1e-5), "2d step " + t);
        }
        // a cleared state starts again from zero
        net.rnnClearPreviousState();
        INDArray again = net.rnnTimeStep(x.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(0, 1)));
        assertTrue(full.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(0, 1)).equalsWithEps(again, 1e-5));

        // the truncated-BPTT state map (inference use): 3 + 3 steps
        INDArray first = net.rnnActivateUsingStoredState(
                x.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(0, 3)), false, true).get(3);
        INDArray second = net.rnnActivateUsingStoredState(
                x.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(3, 6)), false, true).get(3);
        assertTrue(full.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(0, 3)).equalsWithEps(first, 1e-5));
        assertTrue(full.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(3, 6)).equalsWithEps(second, 1e-5));
    }

    @Test
    void inputDropoutOnlyWhenTraining() {
        MultiLayerNetwork net = net(base(DataType.FLOAT).layer(new Gru.Builder().nIn(4).nOut(3).dropOut(0.5).build()).build());
        randomizeParams(net, 13, 0.8);
        INDArray x = randn(DataType.FLOAT, 81, 2, 4, 5);
        INDArray inference = net.output(x, false);
        assertEquals(inference, net.output(x, false));
        double[][] w = net.getParam("0_W").toDoubleMatrix();
        double[][] u = net.getParam("0_RW").toDoubleMatrix();
        double[] bias = net.getParam("0_b").toDoubleVector();
        assertClose(reference(to3d(x), w, u, bias, Math::tanh, null), inference, 1e-5, "inference without dropout");
        assertNotEquals(inference, net.output(x, true), "training applies dropout to the input");
    }

    // ---- refusals ----

    @Test
    void refusesNwcMasksTruncatedBpttAndNonElementwiseActivations() {
        IllegalStateException nwc = assertThrows(IllegalStateException.class,
                () -> new Gru.Builder().nIn(2).nOut(3).dataFormat(RNNFormat.NWC).build());
        assertTrue(nwc.getMessage().contains("NCW"), nwc.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> new Gru.Builder().nIn(2).nOut(3).activation(Activation.SOFTMAX).build());
        NeuralNetConfiguration.ListBuilder viaInputType = new NeuralNetConfiguration.Builder().list()
                .layer(new Gru.Builder().nOut(3).build())
                .layer(new RnnOutputLayer.Builder(LossFunction.MSE).nOut(1).build());
        IllegalStateException nwcInput = assertThrows(IllegalStateException.class,
                () -> viaInputType.setInputType(InputType.recurrent(2, RNNFormat.NWC)).build());
        assertTrue(nwcInput.getMessage().contains("NCW"), nwcInput.getMessage());

        MultiLayerNetwork net = net(base(DataType.FLOAT).layer(gru(2, 3))
                .layer(new RnnOutputLayer.Builder(LossFunction.MSE).activation(Activation.IDENTITY).nIn(3).nOut(1).build())
                .build());
        INDArray x = randn(DataType.FLOAT, 71, 2, 2, 4);
        INDArray mask = Nd4j.ones(DataType.FLOAT, 2, 4);
        UnsupportedOperationException masked = assertThrows(UnsupportedOperationException.class,
                () -> net.output(x, false, mask, null));
        assertTrue(masked.getMessage().contains("does not support masked"), masked.getMessage());

        MultiLayerNetwork tbptt = net(base(DataType.FLOAT).layer(gru(2, 3))
                .layer(new RnnOutputLayer.Builder(LossFunction.MSE).activation(Activation.IDENTITY).nIn(3).nOut(1).build())
                .backpropType(BackpropType.TruncatedBPTT).tBPTTLength(2).build());
        UnsupportedOperationException truncated = assertThrows(UnsupportedOperationException.class,
                () -> tbptt.fit(x, randn(DataType.FLOAT, 72, 2, 1, 4)));
        assertTrue(truncated.getMessage().contains("truncated BPTT"), truncated.getMessage());
    }
}
