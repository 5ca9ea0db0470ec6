package io.spindle.driver.spec;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A fully resolved, validated job spec (preset &lt; file &lt; overrides). Immutable: a trial with
 * other hyperparameters is {@link #withOverrides(Map)}, a new spec.
 *
 * @param name run name
 * @param data the data section
 * @param model the network
 * @param training the optimization
 * @param metrics what is measured and what ranks models
 * @param cluster data-parallel settings
 * @param warnings advice where the spec contradicts the seeds' guidance (never fatal)
 * @param source the user's tree (file plus overrides), kept to derive trials from
 * @param resolved the resolved tree, as printed by {@code spindle validate}
 */
public record JobSpec(
        String name,
        DataSpec data,
        Model model,
        Training training,
        Metrics metrics,
        Cluster cluster,
        List<String> warnings,
        ObjectNode source,
        ObjectNode resolved) {

    public JobSpec {
        Objects.requireNonNull(name);
        warnings = List.copyOf(warnings);
        source = source.deepCopy();
        resolved = resolved.deepCopy();
    }

    @Override
    public ObjectNode source() {
        return source.deepCopy();
    }

    @Override
    public ObjectNode resolved() {
        return resolved.deepCopy();
    }

    /**
     * @param overrides spec paths and values, e.g. {@code training.lr -> 0.01}
     * @return a new spec: this spec's source with the overrides applied, resolved again
     * @throws SpecException when the result is invalid
     */
    public JobSpec withOverrides(Map<String, Object> overrides) {
        ObjectNode tree = source();
        overrides.forEach((k, v) -> SpecTrees.set(tree, k + "=" + SpecTrees.MAPPER.valueToTree(v)));
        return SpecParser.resolve(tree, name, Path.of("."));
    }

    /**
     * @param preset the preset that filled the defaults
     * @param layers the layers, the last being the output layer
     */
    public record Model(String preset, List<LayerSpec> layers) {
        public Model {
            layers = List.copyOf(layers);
        }

        /** @return the output layer */
        public LayerSpec output() {
            return layers.get(layers.size() - 1);
        }
    }

    /**
     * @param optimizer sgd, momentum, adam, adamw, rmsprop or adagrad
     * @param lr learning rate
     * @param momentum momentum coefficient
     * @param beta1 Adam first-moment decay
     * @param beta2 Adam second-moment decay
     * @param epsilon optimizer epsilon
     * @param rho RMSprop decay
     * @param batchSize minibatch size
     * @param epochs maximum epochs
     * @param seed seed of initialization, shuffling and dropout
     * @param l2 L2 penalty
     * @param weightDecay decoupled weight decay
     * @param dropout dropout between hidden layers
     * @param earlyStopping early stopping
     */
    public record Training(String optimizer, double lr, double momentum, double beta1, double beta2, double epsilon,
                           double rho, int batchSize, int epochs, long seed, double l2, double weightDecay,
                           double dropout, EarlyStopping earlyStopping) { }

    /**
     * @param enabled whether training stops early
     * @param monitor {@code val_loss} or {@code val_<metric>}
     * @param maximize whether larger monitored values are better
     * @param patience epochs without improvement before stopping
     * @param minDelta smallest improvement that counts
     * @param restoreBest keep the best epoch's parameters
     */
    public record EarlyStopping(boolean enabled, String monitor, boolean maximize, int patience, double minDelta,
                                boolean restoreBest) { }

    /**
     * @param compute metrics computed on validation and test
     * @param select the validation metric that ranks models
     */
    public record Metrics(List<String> compute, String select) {
        public Metrics {
            compute = List.copyOf(compute);
        }
    }

    /**
     * @param workers partitions trained in parallel
     * @param averagingPeriod minibatches between parameter averages; empty: once per epoch
     */
    public record Cluster(int workers, Optional<Integer> averagingPeriod) { }
}
