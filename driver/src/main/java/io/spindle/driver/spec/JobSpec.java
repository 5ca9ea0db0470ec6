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
            if (layers.isEmpty() || !(layers.get(layers.size() - 1) instanceof LayerSpec.Output)) {
                throw new IllegalArgumentException("model.layers must end with the output layer");
            }
        }

        /** @return the output layer */
        public LayerSpec.Output output() {
            return (LayerSpec.Output) layers.get(layers.size() - 1);
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
     * @param schedule the learning-rate schedule
     * @param lrAuto whether {@code lr: auto} asked for the range test to choose the rate ({@code lr}
     *     then holds the optimizer's default until a chosen rate replaces the spec)
     */
    public record Training(String optimizer, double lr, double momentum, double beta1, double beta2, double epsilon,
                           double rho, int batchSize, int epochs, long seed, double l2, double weightDecay,
                           double dropout, EarlyStopping earlyStopping, Schedule schedule, boolean lrAuto,
                           Optional<Clipping> clipping) {
        /** Training without gradient clipping. */
        public Training(String optimizer, double lr, double momentum, double beta1, double beta2, double epsilon,
                        double rho, int batchSize, int epochs, long seed, double l2, double weightDecay,
                        double dropout, EarlyStopping earlyStopping, Schedule schedule, boolean lrAuto) {
            this(optimizer, lr, momentum, beta1, beta2, epsilon, rho, batchSize, epochs, seed, l2, weightDecay, dropout,
                    earlyStopping, schedule, lrAuto, Optional.empty());
        }
    }

    /**
     * Gradient clipping, applied by every worker to every minibatch's gradient before the updater.
     *
     * @param norm true: each layer's gradient is rescaled so its L2 norm is at most the threshold
     *     (Pascanu et al. 2013); false: every element is clipped to [-threshold, threshold]
     * @param threshold positive
     */
    public record Clipping(boolean norm, double threshold) { }

    /**
     * A learning-rate schedule; which fields matter depends on {@code type}.
     *
     * @param type constant, step, exponential, cosine, one_cycle or reduce_on_plateau
     * @param stepSize step: epochs between reductions
     * @param gamma step, exponential: factor per reduction
     * @param warmupEpochs cosine: epochs of linear warmup
     * @param minLr cosine, reduce_on_plateau: the lowest rate
     * @param maxLr one_cycle: the peak rate
     * @param pctStart one_cycle: fraction of training spent rising
     * @param divFactor one_cycle: initial rate = maxLr / divFactor
     * @param finalDivFactor one_cycle: final rate = initial rate / finalDivFactor
     * @param factor reduce_on_plateau: factor applied on a plateau
     * @param patience reduce_on_plateau: epochs without improvement before reducing
     * @param cooldown reduce_on_plateau: epochs after a reduction before counting again
     * @param minDelta reduce_on_plateau: smallest change that counts as an improvement
     * @param monitor reduce_on_plateau: val_loss or val_&lt;metric&gt;
     * @param maximize reduce_on_plateau: whether larger monitored values are better
     */
    public record Schedule(String type, int stepSize, double gamma, int warmupEpochs, double minLr, double maxLr,
                           double pctStart, double divFactor, double finalDivFactor, double factor, int patience,
                           int cooldown, double minDelta, String monitor, boolean maximize) {

        /** @return the constant schedule */
        public static Schedule constant() {
            return new Schedule("constant", 0, 1, 0, 0, 0, 0, 1, 1, 1, 1, 0, 0, "val_loss", false);
        }

        /** @return whether the rate depends on validation results (and so on the driver's state) */
        public boolean adaptive() {
            return type.equals("reduce_on_plateau");
        }
    }

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
     * @param workers partitions trained in parallel; empty: the executor cores available
     * @param averagingPeriod minibatches between parameter averages; empty: about 100 ms of compute per round
     * @param averageUpdater whether the optimizer state is averaged with the parameters
     * @param outerOptimizer none, or Nesterov momentum on the averaged change
     * @param lrScaling none, linear or sqrt: how the learning rate grows with the workers
     * @param reshuffleAcross whether rows are re-dealt to the shards every epoch (else each shard
     *     reshuffles its own rows)
     * @param evalEveryRounds also evaluate every this many rounds (0: after every epoch only)
     */
    public record Cluster(Optional<Integer> workers, Optional<Integer> averagingPeriod, boolean averageUpdater,
                          OuterOptimizer outerOptimizer, String lrScaling, boolean reshuffleAcross, int evalEveryRounds) {

        /**
         * @param workers the workers a run trains on
         * @return the factor training.lr is multiplied by
         */
        public double lrFactor(int workers) {
            return switch (lrScaling) {
                case "linear" -> workers;
                case "sqrt" -> Math.sqrt(workers);
                default -> 1.0;
            };
        }
    }

    /**
     * The driver's optimizer on the averaged change Δ = average − current: none applies Δ as is;
     * nesterov keeps a velocity v ← μv + Δ and applies lr·(Δ + μv) (DiLoCo, Douillard et al. 2023;
     * SlowMo, Wang et al. ICLR 2020).
     *
     * @param type none or nesterov
     * @param lr outer learning rate
     * @param momentum outer momentum μ
     */
    public record OuterOptimizer(String type, double lr, double momentum) {
        /** Plain averaging. */
        public static final OuterOptimizer NONE = new OuterOptimizer("none", 1.0, 0.0);

        /** @return whether the driver keeps a velocity */
        public boolean nesterov() {
            return type.equals("nesterov");
        }
    }
}
