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
 * @param warnings advice where the spec contradicts the training guidance (never fatal)
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
     * The learning-rate schedule of {@code training.schedule}: a sealed family, one record per type,
     * each checking its own settings. The fixed schedules give the rate of every round from the
     * base rate; reduce-on-plateau follows the validation results instead (the trainer's
     * {@code ReduceOnPlateau} callback).
     */
    public sealed interface Schedule permits Schedule.Constant, Schedule.Step, Schedule.Exponential, Schedule.Cosine,
            Schedule.OneCycle, Schedule.ReduceOnPlateau {

        /** @return the spec's type name: constant, step, exponential, cosine, one_cycle or reduce_on_plateau */
        String type();

        /** @return whether the rate depends on validation results (and so on the driver's state) */
        default boolean adaptive() {
            return false;
        }

        /**
         * @param base training.lr
         * @param epoch 0-based epoch
         * @param k 0-based round since the start of training
         * @param total rounds in the whole training
         * @param roundsPerEpoch rounds in one epoch
         * @return the rate of that round (the adaptive schedule: the base rate)
         */
        double rate(double base, int epoch, long k, long total, int roundsPerEpoch);

        /** @return the constant schedule */
        static Schedule constant() {
            return new Constant();
        }

        private static void check(boolean ok, String what) {
            if (!ok) {
                throw new SpecException("training.schedule." + what);
            }
        }

        /** training.lr throughout. */
        record Constant() implements Schedule {
            @Override
            public String type() {
                return "constant";
            }

            @Override
            public double rate(double base, int epoch, long k, long total, int roundsPerEpoch) {
                return base;
            }
        }

        /**
         * @param stepSize epochs between reductions
         * @param gamma factor per reduction
         */
        record Step(int stepSize, double gamma) implements Schedule {
            public Step {
                check(stepSize >= 1, "step_size must be >= 1, got " + stepSize);
                check(gamma > 0 && gamma <= 1, "gamma must be in (0, 1], got " + gamma);
            }

            @Override
            public String type() {
                return "step";
            }

            @Override
            public double rate(double base, int epoch, long k, long total, int roundsPerEpoch) {
                return base * Math.pow(gamma, epoch / stepSize);
            }
        }

        /** @param gamma factor after every epoch */
        record Exponential(double gamma) implements Schedule {
            public Exponential {
                check(gamma > 0 && gamma <= 1, "gamma must be in (0, 1], got " + gamma);
            }

            @Override
            public String type() {
                return "exponential";
            }

            @Override
            public double rate(double base, int epoch, long k, long total, int roundsPerEpoch) {
                return base * Math.pow(gamma, epoch);
            }
        }

        /**
         * Cosine decay from the base rate to {@code minLr} (Loshchilov and Hutter 2017), after a
         * linear warmup.
         *
         * @param warmupEpochs epochs of linear warmup
         * @param minLr the rate at the end
         */
        record Cosine(int warmupEpochs, double minLr) implements Schedule {
            public Cosine {
                check(warmupEpochs >= 0, "warmup_epochs must be >= 0, got " + warmupEpochs);
                check(minLr >= 0, "min_lr must be >= 0, got " + minLr);
            }

            @Override
            public String type() {
                return "cosine";
            }

            @Override
            public double rate(double base, int epoch, long k, long total, int roundsPerEpoch) {
                long warmup = (long) warmupEpochs * roundsPerEpoch;
                if (k < warmup) {
                    return base * (k + 1) / warmup;
                }
                double t = total == warmup ? 1 : (double) (k - warmup) / (total - warmup);
                return minLr + (base - minLr) * 0.5 * (1 + Math.cos(Math.PI * t));
            }
        }

        /**
         * The one-cycle policy (Smith 2018): a cosine rise to {@code maxLr} over {@code pctStart} of
         * training, then a cosine decay.
         *
         * @param maxLr the peak rate
         * @param pctStart fraction of training spent rising
         * @param divFactor initial rate = maxLr / divFactor
         * @param finalDivFactor final rate = initial rate / finalDivFactor
         */
        record OneCycle(double maxLr, double pctStart, double divFactor, double finalDivFactor) implements Schedule {
            public OneCycle {
                check(maxLr > 0, "max_lr must be > 0, got " + maxLr);
                check(pctStart > 0 && pctStart < 1, "pct_start must be in (0, 1), got " + pctStart);
                check(divFactor > 0, "div_factor must be > 0, got " + divFactor);
                check(finalDivFactor > 0, "final_div_factor must be > 0, got " + finalDivFactor);
            }

            @Override
            public String type() {
                return "one_cycle";
            }

            @Override
            public double rate(double base, int epoch, long k, long total, int roundsPerEpoch) {
                double initial = maxLr / divFactor;
                double last = initial / finalDivFactor;
                long up = Math.max(1, Math.round(pctStart * total));
                if (k < up) {
                    return cosine(initial, maxLr, (double) k / up);
                }
                long down = Math.max(1, total - up);
                return cosine(maxLr, last, Math.min(1.0, (double) (k - up) / down));
            }

            /** Cosine interpolation from {@code from} (t = 0) to {@code to} (t = 1). */
            private static double cosine(double from, double to, double t) {
                return to + (from - to) * 0.5 * (1 + Math.cos(Math.PI * t));
            }
        }

        /**
         * @param factor factor applied on a plateau
         * @param patience evaluations without improvement before reducing
         * @param cooldown evaluations after a reduction before counting again
         * @param minDelta smallest change that counts as an improvement
         * @param minLr the lowest rate
         * @param monitor val_loss or val_&lt;metric&gt;
         * @param maximize whether larger monitored values are better
         */
        record ReduceOnPlateau(double factor, int patience, int cooldown, double minDelta, double minLr, String monitor,
                               boolean maximize) implements Schedule {
            public ReduceOnPlateau {
                check(factor > 0 && factor < 1, "factor must be < 1, got " + factor);
                check(patience >= 1, "patience must be >= 1, got " + patience);
                check(cooldown >= 0, "cooldown must be >= 0, got " + cooldown);
                check(minDelta >= 0, "min_delta must be >= 0, got " + minDelta);
                check(minLr >= 0, "min_lr must be >= 0, got " + minLr);
                java.util.Objects.requireNonNull(monitor, "monitor");
            }

            @Override
            public String type() {
                return "reduce_on_plateau";
            }

            @Override
            public boolean adaptive() {
                return true;
            }

            @Override
            public double rate(double base, int epoch, long k, long total, int roundsPerEpoch) {
                return base;
            }
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
     * @param lrScaling auto, none, linear or sqrt: how the learning rate grows with the workers
     * @param lrWarmupEpochs epochs over which a scaled rate ramps up from training.lr (0: none)
     * @param reshuffleAcross whether rows are re-dealt to the shards every epoch (else each shard
     *     reshuffles its own rows)
     * @param evalEveryRounds also evaluate every this many rounds (0: after every epoch only)
     * @param checkpointEveryEpochs write the checkpoint once this many epochs have passed since the last one (0: by time only)
     * @param checkpointEverySeconds also once this many seconds have (0: by epochs only)
     */
    public record Cluster(Optional<Integer> workers, Optional<Integer> averagingPeriod, boolean averageUpdater,
                          OuterOptimizer outerOptimizer, String lrScaling, int lrWarmupEpochs, boolean reshuffleAcross,
                          int evalEveryRounds, int checkpointEveryEpochs, double checkpointEverySeconds) {

        /**
         * @param optimizer training.optimizer
         * @return the rule {@code lr_scaling} comes to for that optimizer: {@code auto} is linear for
         *     SGD and momentum (Goyal et al. 2017) and the square root for the adaptive optimizers
         *     (Malladi et al. 2022); the others are themselves
         */
        public String lrScalingFor(String optimizer) {
            if (!lrScaling.equals("auto")) {
                return lrScaling;
            }
            return optimizer.equals("sgd") || optimizer.equals("momentum") ? "linear" : "sqrt";
        }

        /**
         * @param workers the workers a run trains on
         * @param optimizer training.optimizer (what {@code auto} depends on)
         * @return the factor training.lr is multiplied by
         */
        public double lrFactor(int workers, String optimizer) {
            return switch (lrScalingFor(optimizer)) {
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
