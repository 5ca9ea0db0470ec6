package io.spindle.driver.spec;

import java.util.List;
import java.util.Objects;

/**
 * One layer of {@code model.layers}, with every default resolved: a sealed family, one record
 * per layer type, each checking its own fields. The interface's accessors give the values
 * every layer can be asked about (a layer without units answers 0, without an activation "").
 */
public sealed interface LayerSpec permits LayerSpec.Dense, LayerSpec.DropoutLayer, LayerSpec.BatchNorm,
        LayerSpec.Conv2d, LayerSpec.Conv1d, LayerSpec.Pooling, LayerSpec.GlobalPooling, LayerSpec.Recurrent,
        LayerSpec.SelfAttention, LayerSpec.Transformer, LayerSpec.Output {

    /** @return the spec's type name (dense, lstm, output, ...) */
    String type();

    /** @return the spec path of this layer, for messages */
    String path();

    /** @return output units (0 for layers without them; an output layer's 0 means inferred) */
    default int units() {
        return 0;
    }

    /** @return the activation name, or empty for layers without one */
    default String activation() {
        return "";
    }

    /** @return the weight initialization name, or empty for layers without weights */
    default String init() {
        return "";
    }

    /** @return the dropout rate applied to this layer's input (0: none) */
    default double dropout() {
        return 0;
    }

    /** @return whether this layer consumes time steps (recurrent, attention, transformer, conv1d) */
    default boolean isSequential() {
        return false;
    }

    /** @return whether the layer passes every time step on (only meaningful for sequential layers) */
    default boolean keepsSteps() {
        return false;
    }

    /** @return the width of this layer's output per position, or 0 when it keeps its input's width */
    default int width() {
        return units();
    }

    /** The layer types that {@code model.layers[i].type} accepts. */
    List<String> TYPES = List.of("dense", "dropout", "batch_norm", "conv2d", "conv1d", "pooling", "global_pooling",
            "lstm", "gru", "simple_rnn", "self_attention", "transformer", "output");

    /** The types that need {@code data.sequence} (or {@code data.window}). */
    List<String> SEQUENCE_TYPES = List.of("conv1d", "lstm", "gru", "simple_rnn", "self_attention", "transformer");

    private static void positive(String path, String key, int v) {
        if (v < 1) {
            throw new SpecException(path + "." + key + " must be >= 1, got " + v);
        }
    }

    private static void fraction(String path, String key, double v) {
        if (!(v >= 0 && v < 1)) {
            throw new SpecException(path + "." + key + " must be in [0, 1), got " + v);
        }
    }

    /** Fully connected layer. */
    record Dense(int units, String activation, String init, double dropout, String path) implements LayerSpec {
        public Dense {
            positive(path, "units", units);
            fraction(path, "dropout", dropout);
        }

        @Override
        public String type() {
            return "dense";
        }
    }

    /** Drops a fraction {@code rate} of its inputs while training. */
    record DropoutLayer(double rate, String path) implements LayerSpec {
        public DropoutLayer {
            fraction(path, "rate", rate);
        }

        @Override
        public String type() {
            return "dropout";
        }
    }

    /** Batch normalization. */
    record BatchNorm(double dropout, String path) implements LayerSpec {
        public BatchNorm {
            fraction(path, "dropout", dropout);
        }

        @Override
        public String type() {
            return "batch_norm";
        }
    }

    /** 2-D convolution over images: kernel and stride are [height, width]. */
    record Conv2d(int filters, List<Integer> kernel, List<Integer> stride, String padding, String activation,
                  String init, double dropout, String path) implements LayerSpec {
        public Conv2d {
            positive(path, "filters", filters);
            kernel = List.copyOf(kernel);
            stride = List.copyOf(stride);
            fraction(path, "dropout", dropout);
        }

        @Override
        public String type() {
            return "conv2d";
        }

        @Override
        public int width() {
            return filters;
        }
    }

    /** 1-D convolution over time steps; keeps the steps (same padding) or shrinks them (valid). */
    record Conv1d(int filters, int kernel, int stride, int dilation, String padding, String activation, String init,
                  double dropout, String path) implements LayerSpec {
        public Conv1d {
            positive(path, "filters", filters);
            positive(path, "kernel", kernel);
            positive(path, "stride", stride);
            positive(path, "dilation", dilation);
            fraction(path, "dropout", dropout);
        }

        @Override
        public String type() {
            return "conv1d";
        }

        @Override
        public int width() {
            return filters;
        }

        @Override
        public boolean isSequential() {
            return true;
        }

        @Override
        public boolean keepsSteps() {
            return true;
        }
    }

    /** 2-D pooling over images: size and stride are [height, width]. */
    record Pooling(String pool, List<Integer> size, List<Integer> stride, String path) implements LayerSpec {
        public Pooling {
            size = List.copyOf(size);
            stride = List.copyOf(stride);
        }

        @Override
        public String type() {
            return "pooling";
        }
    }

    /** Pooling over every spatial position or time step. */
    record GlobalPooling(String pool, String path) implements LayerSpec {
        @Override
        public String type() {
            return "global_pooling";
        }
    }

    /**
     * A recurrent layer: lstm, gru or simple_rnn.
     *
     * @param type lstm, gru or simple_rnn
     * @param returnSequences output every step (true) or the last (false)
     * @param bidirectional also run the sequence backwards and concatenate both directions'
     *     outputs (2 x units wide)
     */
    record Recurrent(String type, int units, String activation, String init, double dropout, boolean returnSequences,
                     boolean bidirectional, String path) implements LayerSpec {
        public Recurrent {
            if (!List.of("lstm", "gru", "simple_rnn").contains(type)) {
                throw new SpecException(path + ".type '" + type + "' is not a recurrent layer");
            }
            positive(path, "units", units);
            fraction(path, "dropout", dropout);
        }

        @Override
        public boolean isSequential() {
            return true;
        }

        @Override
        public boolean keepsSteps() {
            return returnSequences;
        }

        @Override
        public int width() {
            return bidirectional ? 2 * units : units;
        }
    }

    /**
     * Multi-head dot-product self-attention.
     *
     * @param headSize size of each head (0: input size / heads)
     * @param projection learn query, key, value and output projections
     */
    record SelfAttention(int heads, int headSize, boolean projection, String path) implements LayerSpec {
        public SelfAttention {
            positive(path, "heads", heads);
        }

        @Override
        public String type() {
            return "self_attention";
        }

        @Override
        public boolean isSequential() {
            return true;
        }

        @Override
        public boolean keepsSteps() {
            return true;
        }
    }

    /**
     * A transformer encoder (Vaswani et al. 2017): an input projection to {@code modelSize},
     * positional encoding, then {@code blocks} blocks of multi-head self-attention and a
     * feed-forward network, each with a residual connection and layer normalization.
     *
     * @param positional sinusoidal or learned
     * @param activation the feed-forward activation (relu or gelu)
     * @param dropout dropout inside the blocks while training
     * @param returnSequences output every step (true) or the last (false)
     */
    record Transformer(int modelSize, int heads, int ffSize, int blocks, String positional, String activation,
                       String init, double dropout, boolean returnSequences, String path) implements LayerSpec {
        public Transformer {
            positive(path, "model_size", modelSize);
            positive(path, "heads", heads);
            positive(path, "ff_size", ffSize);
            positive(path, "blocks", blocks);
            fraction(path, "dropout", dropout);
            if (modelSize % heads != 0) {
                throw new SpecException(path + ".model_size " + modelSize + " is not divisible by heads " + heads
                        + ": each head gets model_size / heads dimensions; use a model_size that is a multiple of "
                        + heads + " (e.g. " + (heads * Math.max(1, Math.round((float) modelSize / heads))) + ")");
            }
            if (!positional.equals("sinusoidal") && !positional.equals("learned")) {
                throw new SpecException(path + ".positional must be sinusoidal or learned, got '" + positional + "'");
            }
        }

        @Override
        public String type() {
            return "transformer";
        }

        @Override
        public int width() {
            return modelSize;
        }

        @Override
        public boolean isSequential() {
            return true;
        }

        @Override
        public boolean keepsSteps() {
            return returnSequences;
        }
    }

    /**
     * The output layer (last).
     *
     * @param units outputs (0: inferred from the data)
     * @param loss loss name
     * @param classWeights per-class loss weights (empty: none)
     * @param balancedWeights weights inversely proportional to class frequency in train
     * @param gamma focal loss gamma
     * @param delta huber loss delta
     */
    record Output(int units, String activation, String init, double dropout, String loss, List<Double> classWeights,
                  boolean balancedWeights, double gamma, double delta, String path) implements LayerSpec {
        public Output {
            Objects.requireNonNull(loss, "loss");
            classWeights = List.copyOf(classWeights);
            fraction(path, "dropout", dropout);
        }

        @Override
        public String type() {
            return "output";
        }
    }
}
