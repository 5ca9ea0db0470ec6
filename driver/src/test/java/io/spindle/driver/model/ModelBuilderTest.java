package io.spindle.driver.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spindle.driver.data.PreparedData;
import io.spindle.driver.spec.JobSpec;
import io.spindle.driver.spec.SpecException;
import io.spindle.driver.spec.SpecParser;
import io.spindle.driver.spec.SpecTrees;
import io.spindle.kernels.InputShape;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/** Every layer, activation, loss and optimizer of the spec builds a network that trains. */
@Tag("fast")
class ModelBuilderTest {

    static JobSpec spec(String data, String model, String training) {
        return SpecParser.resolve(SpecTrees.parse("data: {path: x.csv, label: y, " + data + "}\n"
                + "model: " + model + "\ntraining: " + training + "\n", "test"), "test", Path.of("."));
    }

    static PreparedData.Layout layout(int features, int labels, int classes) {
        return new PreparedData.Layout(IntStream.range(0, features).mapToObj(i -> "f" + i).toList(), List.of("y"),
                IntStream.range(0, classes).mapToObj(Integer::toString).toList(), features, labels);
    }

    static Stream<Arguments> networks() {
        return Stream.of(
                Arguments.of("mlp relu he adam", "task: multiclass", "{layers: [{type: dense, units: 8}, {type: dropout, rate: 0.3},"
                        + " {type: batch_norm}, {type: output}]}", "{optimizer: adam}", 6, 3, 3),
                Arguments.of("activations", "task: multiclass", "{layers: [{type: dense, units: 8, activation: leaky_relu},"
                        + " {type: dense, units: 8, activation: prelu}, {type: dense, units: 8, activation: gelu},"
                        + " {type: dense, units: 8, activation: swish}, {type: dense, units: 8, activation: tanh, init: uniform},"
                        + " {type: dense, units: 8, activation: identity, init: normal}, {type: output}]}",
                        "{optimizer: rmsprop}", 6, 3, 3),
                Arguments.of("binary bce sgd", "task: binary", "{layers: [{type: dense, units: 4}, {type: output}]}",
                        "{optimizer: sgd, l2: 0.01}", 5, 1, 2),
                Arguments.of("binary weighted cce", "task: binary", "{layers: [{type: dense, units: 4},"
                        + " {type: output, units: 2, activation: softmax, loss: weighted_cce, class_weights: [1, 3]}]}",
                        "{optimizer: adamw}", 5, 1, 2),
                Arguments.of("focal", "task: multiclass", "{layers: [{type: dense, units: 4},"
                        + " {type: output, loss: focal, gamma: 2, class_weights: [1, 2, 1]}]}", "{optimizer: adagrad}", 5, 3, 3),
                Arguments.of("multilabel", "task: multilabel, label: [a, b]", "{layers: [{type: dense, units: 4}, {type: output}]}",
                        "{optimizer: momentum}", 5, 2, 0),
                Arguments.of("regression huber", "task: regression", "{layers: [{type: dense, units: 4},"
                        + " {type: output, loss: huber, delta: 0.5}]}", "{optimizer: adam}", 5, 1, 0),
                Arguments.of("regression mae", "task: regression", "{layers: [{type: dense, units: 4}, {type: output, loss: mae}]}",
                        "{optimizer: adam}", 5, 1, 0),
                Arguments.of("cnn", "task: multiclass, image: {height: 8, width: 8, channels: 1}",
                        "{layers: [{type: conv2d, filters: 4, kernel: 3}, {type: pooling, size: 2},"
                        + " {type: conv2d, filters: 4, kernel: [2, 2], padding: valid}, {type: global_pooling, pool: max},"
                        + " {type: output}]}", "{optimizer: momentum}", 64, 3, 3),
                Arguments.of("lstm", "task: multiclass, sequence: {steps: 4}", "{layers: [{type: lstm, units: 6,"
                        + " return_sequences: true}, {type: simple_rnn, units: 5}, {type: output}]}", "{optimizer: rmsprop}", 12, 3, 3),
                Arguments.of("attention", "task: multiclass, sequence: {steps: 5}", "{layers: [{type: self_attention, heads: 2},"
                        + " {type: global_pooling}, {type: output}]}", "{optimizer: adam}", 20, 3, 3),
                Arguments.of("gru", "task: regression, sequence: {steps: 6}", "{layers: [{type: gru, units: 6,"
                        + " return_sequences: true}, {type: gru, units: 5}, {type: output}]}", "{optimizer: adam}", 12, 1, 0),
                Arguments.of("bidirectional", "task: multiclass, sequence: {steps: 4}", "{layers: [{type: lstm, units: 4,"
                        + " bidirectional: true, return_sequences: true}, {type: simple_rnn, units: 3, bidirectional: true,"
                        + " return_sequences: true}, {type: gru, units: 3, bidirectional: true}, {type: output}]}",
                        "{optimizer: adam}", 12, 3, 3),
                Arguments.of("conv1d", "task: regression, sequence: {steps: 8}", "{layers: [{type: conv1d, filters: 4,"
                        + " kernel: 3, padding: causal, dilation: 2}, {type: conv1d, filters: 4, kernel: 2, padding: valid},"
                        + " {type: global_pooling, pool: max}, {type: output}]}", "{optimizer: adam}", 16, 1, 0),
                Arguments.of("transformer", "task: regression, sequence: {steps: 6}", "{layers: [{type: transformer,"
                        + " model_size: 8, heads: 2, ff_size: 16, blocks: 2, dropout: 0}, {type: output}]}",
                        "{optimizer: adam}", 12, 1, 0));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("networks")
    void buildsAndTrains(String name, String data, String model, String training, int features, int labels, int classes) {
        JobSpec spec = spec(data, model, training);
        PreparedData.Layout layout = layout(features, labels, classes);
        MultiLayerConfiguration conf = ModelBuilder.build(spec, layout, new long[] {10, 20, 30}.length == classes
                ? new long[] {10, 20, 30} : null);
        assertEquals(conf.toJson(), MultiLayerConfiguration.fromJson(conf.toJson()).toJson(), "JSON round trip");
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        int steps = spec.data().sequence().map(s -> s.steps()).orElse(0);
        boolean twoColumns = spec.model().output().units() == 2 && labels == 1;
        InputShape shape = new InputShape(steps, twoColumns);
        Nd4j.getRandom().setSeed(1);
        INDArray x = Nd4j.rand(DataType.FLOAT, 16, features);
        INDArray y = classes > 0 && labels > 1
                ? new org.nd4j.linalg.factory.ops.NDBase().oneHot(Nd4j.createFromArray(IntStream.range(0, 16).map(i -> i % classes)
                        .toArray()), classes, -1, 1.0, 0.0, DataType.FLOAT)
                : Nd4j.rand(DataType.FLOAT, 16, labels).gt(0.5).castTo(DataType.FLOAT);
        DataSet ds = new DataSet(shape.features(x), shape.labels(y));
        double before = net.score(ds);
        for (int i = 0; i < 30; i++) {
            net.fit(ds);
        }
        double after = net.score(ds);
        assertTrue(Double.isFinite(after), name + ": finite loss");
        assertTrue(after < before, name + ": loss falls on a fixed batch (" + before + " -> " + after + ")");
    }

    @Test
    void outputUnitsMustMatchTheData() {
        JobSpec spec = spec("task: multiclass", "{layers: [{type: output, units: 4}]}", "{}");
        SpecException e = assertThrows(SpecException.class, () -> ModelBuilder.build(spec, layout(5, 3, 3), null));
        assertTrue(e.getMessage().contains("model.layers[0].units must be 3 for this data (3 classes), got 4"), e.getMessage());
    }

    @Test
    void sequencesMustBeReducedBeforeDense() {
        JobSpec spec = spec("task: multiclass, sequence: {steps: 4}",
                "{layers: [{type: lstm, units: 4, return_sequences: true}, {type: output}]}", "{}");
        SpecException e = assertThrows(SpecException.class, () -> ModelBuilder.build(spec, layout(8, 3, 3), null));
        assertTrue(e.getMessage().contains("global_pooling"), e.getMessage());
    }

    @Test
    void sequenceLayersGiveTheShapesTheirSettingsSay() {
        // 3 features per step, 6 steps: [batch, width, steps] out of each layer
        Map<String, long[]> shapes = new java.util.LinkedHashMap<>();
        shapes.put("{type: gru, units: 5, return_sequences: true}", new long[] {2, 5, 6});
        shapes.put("{type: gru, units: 5, bidirectional: true, return_sequences: true}", new long[] {2, 10, 6});
        shapes.put("{type: lstm, units: 4, bidirectional: true}", new long[] {2, 8});
        shapes.put("{type: simple_rnn, units: 3, bidirectional: true, return_sequences: true}", new long[] {2, 6, 6});
        shapes.put("{type: conv1d, filters: 7, kernel: 3}", new long[] {2, 7, 6});
        shapes.put("{type: conv1d, filters: 7, kernel: 3, padding: valid}", new long[] {2, 7, 4});
        shapes.put("{type: conv1d, filters: 7, kernel: 2, stride: 2, padding: causal}", new long[] {2, 7, 3});
        shapes.put("{type: transformer, model_size: 8, heads: 4, blocks: 1, return_sequences: true}", new long[] {2, 8, 6});
        shapes.put("{type: transformer, model_size: 12, heads: 3, positional: learned}", new long[] {2, 12});
        for (Map.Entry<String, long[]> e : shapes.entrySet()) {
            boolean steps = e.getValue().length == 3;
            JobSpec spec = spec("task: regression, sequence: {steps: 6}", "{layers: [" + e.getKey()
                    + (steps ? ", {type: global_pooling}" : "") + ", {type: output}]}", "{}");
            MultiLayerNetwork net = new MultiLayerNetwork(ModelBuilder.build(spec, layout(18, 1, 0), null));
            net.init();
            INDArray x = new InputShape(6, false).features(Nd4j.rand(DataType.FLOAT, 2, 18));
            List<INDArray> acts = net.feedForward(x, false);
            INDArray out = acts.get(1);
            assertArrayEquals(e.getValue(), out.shape(), e.getKey());
        }
    }

    @Test
    void transformerHeadsMustDivideTheModelSize() {
        SpecException e = assertThrows(SpecException.class, () -> spec("task: regression, sequence: {steps: 4}",
                "{layers: [{type: transformer, model_size: 30, heads: 4}, {type: output}]}", "{}"));
        assertTrue(e.getMessage().contains("model.layers[0].model_size 30 is not divisible by heads 4"), e.getMessage());
    }

    @Test
    void classWeightsNeedOnePerOutput() {
        JobSpec spec = spec("task: multiclass", "{layers: [{type: output, loss: weighted_cce, class_weights: [1, 2]}]}", "{}");
        SpecException e = assertThrows(SpecException.class, () -> ModelBuilder.build(spec, layout(5, 3, 3), null));
        assertTrue(e.getMessage().contains("class_weights must have one weight per output (3), got 2"), e.getMessage());
    }

    /** One SGD step at rate 1 moves no parameter further than clipping allows. */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"norm", "value", "none"})
    void gradientClippingBoundsTheUpdate(String type) {
        String clip = type.equals("none") ? "" : ", gradient_clipping: {type: " + type + ", threshold: 0.001}";
        JobSpec spec = spec("task: regression", "{layers: [{type: dense, units: 16}, {type: output}]}",
                "{optimizer: sgd, lr: 1.0" + clip + "}");
        org.deeplearning4j.nn.multilayer.MultiLayerNetwork net = new org.deeplearning4j.nn.multilayer.MultiLayerNetwork(
                ModelBuilder.build(spec, layout(6, 1, 0), null));
        net.init();
        org.nd4j.linalg.api.ndarray.INDArray before = net.params().dup();
        org.nd4j.linalg.factory.Nd4j.getRandom().setSeed(7);
        // targets far from the initial outputs: large gradients
        net.fit(new org.nd4j.linalg.dataset.DataSet(org.nd4j.linalg.factory.Nd4j.rand(32, 6).muli(10),
                org.nd4j.linalg.factory.Nd4j.rand(32, 1).addi(100)));
        org.nd4j.linalg.api.ndarray.INDArray step = net.params().sub(before);
        double largest = org.nd4j.linalg.ops.transforms.Transforms.abs(step).maxNumber().doubleValue();
        switch (type) {
            case "value" -> assertTrue(largest <= 0.001 + 1e-7, "every element within the threshold: " + largest);
            case "norm" -> {
                // two layers, each layer's whole gradient (weights and biases) at most 0.001 in L2 norm
                assertTrue(step.norm2Number().doubleValue() <= Math.sqrt(2) * 0.001 + 1e-6, step.norm2Number().toString());
            }
            default -> assertTrue(largest > 0.01, "without clipping the same step is large: " + largest);
        }
    }
}
