package io.spindle.driver.spec;

import java.util.List;
import java.util.Objects;

/**
 * One layer of {@code model.layers}, with every default resolved. Fields that do not apply to
 * the layer's type hold neutral values (0, empty, false).
 *
 * @param type dense, dropout, batch_norm, conv2d, pooling, global_pooling, lstm, simple_rnn,
 *     gru, self_attention or output
 * @param units output units (0 for an output layer means "inferred from the data")
 * @param activation activation name, or empty for layers without one
 * @param init weight initialization name, or empty for layers without weights
 * @param dropout dropout rate applied to this layer's input (0: none)
 * @param rate dropout rate of a {@code dropout} layer
 * @param filters conv2d output channels
 * @param kernel conv2d kernel [height, width]
 * @param stride conv2d / pooling stride [height, width]
 * @param padding conv2d padding: same or valid
 * @param pool pooling kind: max or avg
 * @param size pooling window [height, width]
 * @param returnSequences recurrent layers: output every step (true) or the last (false)
 * @param heads self_attention heads
 * @param headSize self_attention head size (0: input size / heads)
 * @param projection self_attention: learn query, key, value and output projections
 * @param loss output loss name
 * @param classWeights output: per-class loss weights (empty: none)
 * @param balancedWeights output: weights inversely proportional to class frequency in train
 * @param gamma focal loss gamma
 * @param delta huber loss delta
 * @param path spec path of this layer, for messages
 */
public record LayerSpec(
        String type,
        int units,
        String activation,
        String init,
        double dropout,
        double rate,
        int filters,
        List<Integer> kernel,
        List<Integer> stride,
        String padding,
        String pool,
        List<Integer> size,
        boolean returnSequences,
        int heads,
        int headSize,
        boolean projection,
        String loss,
        List<Double> classWeights,
        boolean balancedWeights,
        double gamma,
        double delta,
        String path) {

    public LayerSpec {
        Objects.requireNonNull(type, "type");
        kernel = List.copyOf(kernel);
        stride = List.copyOf(stride);
        size = List.copyOf(size);
        classWeights = List.copyOf(classWeights);
    }

    /** @return whether this layer has trainable weights that an initialization applies to */
    public boolean hasWeights() {
        return switch (type) {
            case "dense", "conv2d", "lstm", "simple_rnn", "gru", "output", "self_attention" -> true;
            default -> false;
        };
    }

    /** @return whether this is a recurrent or attention layer that consumes sequences */
    public boolean isSequential() {
        return switch (type) {
            case "lstm", "simple_rnn", "gru", "self_attention" -> true;
            default -> false;
        };
    }
}
