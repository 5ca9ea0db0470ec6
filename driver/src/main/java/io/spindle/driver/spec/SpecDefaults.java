package io.spindle.driver.spec;

import java.util.List;
import java.util.Set;

/**
 * The defaults that follow from other values of the spec (the optimizer, the task, a layer's type
 * or activation). Fixed defaults live in {@link SpecSchema} and the {@link Presets}; these are the
 * rest, each written once here, applied by {@link SpecParser} and listed, rule by rule, in the
 * spec reference ({@link SpecReference}, {@code docs/spec.md}) from {@link #RULES}.
 */
public final class SpecDefaults {

    /** Activations after which He initialization keeps the variance (He et al. 2015). */
    static final Set<String> RELU_LIKE = Set.of("relu", "leaky_relu", "prelu", "gelu", "swish");

    /**
     * One derived default as the reference states it.
     *
     * @param key the spec path it fills
     * @param rule the value it takes, and from what
     */
    public record Rule(String key, String rule) { }

    /** Every derived default, in the order of the spec's sections. */
    public static final List<Rule> RULES = List.of(
            new Rule("model.layers[].activation", "output layer: identity for regression; softmax with the cce or"
                    + " weighted_cce loss, or for multiclass; sigmoid otherwise (binary, multilabel). Hidden layers:"
                    + " relu for dense, conv2d, conv1d and transformer; tanh for lstm, gru and simple_rnn"),
            new Rule("model.layers[].init", "model.init when set; otherwise he after a ReLU-like activation (relu,"
                    + " leaky_relu, prelu, gelu, swish; He et al. 2015) except in a transformer, xavier otherwise (Glorot"
                    + " and Bengio 2010)"),
            new Rule("model.layers[].loss", "output layer: mse for regression, cce for multiclass, bce for binary and"
                    + " multilabel"),
            new Rule("model.layers[].units", "output layer: the number of classes (multiclass), the label columns"
                    + " (multilabel, regression), and for binary 2 with softmax / cce / weighted_cce, else 1"),
            new Rule("model.layers[].ff_size", "transformer: 4 x model_size (Vaswani et al. 2017)"),
            new Rule("training.optimizer", "the preset's (model.preset, or the task's preset); so are training.batch_size"
                    + " and training.epochs"),
            new Rule("training.lr", "0.01 for sgd, momentum and adagrad; 0.001 for adam, adamw and rmsprop (Kingma and"
                    + " Ba 2015)"),
            new Rule("training.weight_decay", "0.01 for adamw (Loshchilov and Hutter 2019), 0 otherwise"),
            new Rule("metrics.compute", "regression: rmse, mae, mse, r2; classification: accuracy, precision, recall,"
                    + " f1, auc"),
            new Rule("metrics.select", "the preset's; without one in the preset, the first of metrics.compute"));

    private SpecDefaults() {
    }

    /**
     * @param optimizer a {@code training.optimizer}
     * @return its default learning rate
     */
    public static double lr(String optimizer) {
        return switch (optimizer) {
            case "sgd", "momentum", "adagrad" -> 0.01;
            default -> 0.001;
        };
    }

    /**
     * @param optimizer a {@code training.optimizer}
     * @return its default decoupled weight decay
     */
    public static double weightDecay(String optimizer) {
        return optimizer.equals("adamw") ? 0.01 : 0.0;
    }

    /**
     * @param task the data's task
     * @return the metrics computed when the spec lists none
     */
    public static List<String> metrics(Task task) {
        return task == Task.REGRESSION ? List.of("rmse", "mae", "mse", "r2")
                : List.of("accuracy", "precision", "recall", "f1", "auc");
    }

    /**
     * @param task the data's task
     * @return the output layer's loss
     */
    public static String loss(Task task) {
        return switch (task) {
            case REGRESSION -> "mse";
            case MULTICLASS -> "cce";
            case BINARY, MULTILABEL -> "bce";
        };
    }

    /**
     * @param task the data's task
     * @param loss the output layer's loss
     * @return the output layer's activation
     */
    public static String outputActivation(Task task, String loss) {
        if (task == Task.REGRESSION) {
            return "identity";
        }
        if (loss.equals("cce") || loss.equals("weighted_cce")) {
            return "softmax";
        }
        return task == Task.MULTICLASS ? "softmax" : "sigmoid";
    }

    /**
     * @param type a hidden layer's type
     * @return its activation ("" for the types that have none)
     */
    public static String activation(String type) {
        return switch (type) {
            case "dense", "conv2d", "conv1d", "transformer" -> "relu";
            case "lstm", "simple_rnn", "gru" -> "tanh";
            default -> "";
        };
    }

    /**
     * @param type the layer's type
     * @param activation its activation
     * @return its weight initialization when neither the layer nor model.init names one
     */
    public static String init(String type, String activation) {
        return RELU_LIKE.contains(activation) && !type.equals("transformer") ? "he" : "xavier";
    }

    /**
     * @param task the data's task
     * @param loss the output layer's loss
     * @param activation the output layer's activation
     * @return the output units when the layer names none; 0: the data decides (classes or label columns)
     */
    public static int outputUnits(Task task, String loss, String activation) {
        if (task != Task.BINARY) {
            return 0;
        }
        return loss.equals("cce") || loss.equals("weighted_cce") || activation.equals("softmax") ? 2 : 1;
    }

    /**
     * @param modelSize a transformer block's model size
     * @return its feed-forward width
     */
    public static int ffSize(int modelSize) {
        return 4 * modelSize;
    }
}
