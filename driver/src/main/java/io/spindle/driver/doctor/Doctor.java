package io.spindle.driver.doctor;

import io.spindle.driver.spec.Metric;
import io.spindle.driver.spec.Task;
import io.spindle.driver.train.EpochRecord;
import io.spindle.driver.train.Status;
import io.spindle.kernels.Probe;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;

/**
 * Diagnoses a trial after it ends. Rules (each a pure function of the facts):
 * <ul>
 *   <li>{@code diverged}: the loss or the parameters became NaN or infinite; divide the rate by 10.</li>
 *   <li>{@code lr_too_high}: validation loss more than 50% above its best so far at more than two
 *       checks, or the train-sample loss rising for three checks in a row in the first ten; divide
 *       the rate by 3.</li>
 *   <li>{@code lr_too_low}: over the first 20 epochs the train-sample loss fell by less than 1% per
 *       epoch on average while the selected metric is still far from the best the task allows
 *       (more than half the way from it to the trivial baseline); multiply the rate by 3.</li>
 *   <li>{@code not_converged}: the best epoch is the last one and the validation loss still fell
 *       clearly over the last epochs; train longer.</li>
 *   <li>{@code overfitting} (read after underfitting: capacity first, then regularization): the
 *       selected metric on the train sample is well above validation's
 *       and validation loss rose from its minimum while the train-sample loss kept falling (when
 *       early stopping ended the run, the gap must already be there at the epoch it kept)
 *       (Goodfellow et al., "Deep Learning", 2016, section 5.2); more dropout, weight decay, earlier
 *       stopping.</li>
 *   <li>{@code underfitting}: the selected metric is poor on the train sample and validation alike:
 *       for classification, more than a tenth of the way from a perfect fit back to the trivial
 *       baseline is missing on the train sample while validation trails it by at most a quarter
 *       of that shortfall; for regression (whose noise keeps the best error above zero), the train
 *       sample is nearer the baseline than the best and validation is close to it; also when a
 *       twentieth of the way is missing behind a hidden layer narrower than the classes; wider
 *       layers, more epochs, half the dropout.</li>
 *   <li>{@code dead_units}: a probe of the kept parameters on up to 256 validation rows finds more
 *       than half of a ReLU layer's units never above zero; leaky ReLU, He init, a lower rate.</li>
 *   <li>{@code vanishing_gradients} / {@code exploding_gradients}: on the same probe, one layer's
 *       weight-gradient norm is below a tenth of (above ten times) the median of the other layers'
 *       (three layers with weights at least; vanishing is read first, as a chain that vanishes
 *       toward the input also stands high at the output end); a ReLU activation and He init for
 *       the starved layer, or a lower rate.</li>
 *   <li>{@code one_class}: more than 95% of validation predictions are one class while validation
 *       holds several; class weights, a lower rate.</li>
 *   <li>{@code imbalanced_accuracy}: accuracy selects the models while the train classes are more
 *       than 4:1 apart, or more than 1.5:1 apart with validation recall lower on the rarest class
 *       than on the commonest (accuracy suits balanced classes only); select F1 or AUC, weight the
 *       classes.</li>
 *   <li>{@code outlier_targets}: validation RMSE more than 3x the MAE; a Huber or MAE loss.</li>
 *   <li>{@code no_better_than_baseline}: the selected validation metric is no better than the
 *       trivial baseline (the majority class; the mean of the train targets); check labels,
 *       features and normalization.</li>
 * </ul>
 */
public final class Doctor {

    private Doctor() {
    }

    /**
     * What the doctor looks at.
     *
     * @param task the task
     * @param select the selected metric
     * @param status how the trial ended
     * @param lr the spec's learning rate
     * @param epochs the epochs the spec asks for
     * @param history every check, in order
     * @param validation validation metrics of the kept parameters (with the confusion matrix), or empty
     * @param classCounts train rows per class (classification), or null
     * @param baseline the trivial baseline's value of the selected metric, if known
     * @param outputLayer the spec path of the output layer ({@code model.layers[2]})
     * @param model the network's capacity and regularization
     */
    public record Facts(Task task, Metric select, Status status, double lr, int epochs, List<EpochRecord> history,
                        Optional<io.spindle.kernels.eval.Metrics> validation, long[] classCounts,
                        OptionalDouble baseline, String outputLayer, Model model, List<Probe.LayerProbe> probes) {
        /** Facts without the network's shape (rules that need it stay silent). */
        public Facts(Task task, Metric select, Status status, double lr, int epochs, List<EpochRecord> history,
                     Optional<io.spindle.kernels.eval.Metrics> validation, long[] classCounts,
                     OptionalDouble baseline, String outputLayer) {
            this(task, select, status, lr, epochs, history, validation, classCounts, baseline, outputLayer, Model.UNKNOWN);
        }

        /** Facts without probes (the probe rules stay silent). */
        public Facts(Task task, Metric select, Status status, double lr, int epochs, List<EpochRecord> history,
                     Optional<io.spindle.kernels.eval.Metrics> validation, long[] classCounts,
                     OptionalDouble baseline, String outputLayer, Model model) {
            this(task, select, status, lr, epochs, history, validation, classCounts, baseline, outputLayer, model, List.of());
        }
    }

    /** A ReLU layer with more than this share of units that never activate has dead units. */
    static final double DEAD = 0.5;
    /** A layer whose weights' gradient norm is this many times above (below) the median of the others'. */
    static final double GRADIENT_SPREAD = 10;

    /**
     * The network as the capacity and regularization rules read it.
     *
     * @param hidden spec path of every hidden layer that has units ({@code model.layers[0]}) to its units
     * @param dropout training.dropout
     * @param weightDecay training.weight_decay
     * @param patience training.early_stopping.patience
     * @param layers the spec path of every layer, the output last (empty when unknown)
     */
    public record Model(java.util.LinkedHashMap<String, Integer> hidden, double dropout, double weightDecay, int patience,
                        List<String> layers) {
        /** Nothing known. */
        public static final Model UNKNOWN = new Model(new java.util.LinkedHashMap<>(), 0, 0, 10);

        /** A model whose layers' paths are unknown (probes name layers by index). */
        public Model(java.util.LinkedHashMap<String, Integer> hidden, double dropout, double weightDecay, int patience) {
            this(hidden, dropout, weightDecay, patience, List.of());
        }
    }

    /** Hidden layers narrower than this are widened by the underfitting fix. */
    static final int NARROW = 64;

    /**
     * @param f the facts
     * @return the diagnoses, most fundamental first (divergence and the rate before capacity)
     */
    public static List<Diagnosis> diagnose(Facts f) {
        List<Diagnosis> out = new ArrayList<>();
        List<EpochRecord> whole = f.history().stream().filter(e -> !e.partial()).toList();
        String lr3down = "training.lr=" + fmt(f.lr() / 3);
        if (f.status() == Status.DIVERGED) {
            out.add(new Diagnosis("diverged", "the loss or the parameters became NaN or infinite",
                    "the learning rate is far too high for this model and data.", List.of("training.lr=" + fmt(f.lr() / 10))));
            return out; // nothing else can be read from a run that blew up
        }
        lrTooHigh(whole, lr3down).ifPresent(out::add);
        if (out.isEmpty()) {
            lrTooLow(f, whole).ifPresent(out::add);
        }
        notConverged(f, whole).ifPresent(out::add);
        oneClass(f).ifPresent(out::add);
        // capacity before regularization: grow a model that cannot fit, then regularize one that overfits;
        // a rate too low or too high, or predictions collapsed onto one class, explain a poor fit by themselves
        if (out.stream().noneMatch(d -> Set.of("lr_too_low", "lr_too_high", "one_class").contains(d.code()))) {
            underfitting(f, whole).ifPresent(out::add);
        }
        overfitting(f, whole).ifPresent(out::add);
        deadUnits(f).ifPresent(out::add);
        gradients(f).forEach(out::add);
        imbalancedAccuracy(f).ifPresent(out::add);
        outlierTargets(f).ifPresent(out::add);
        noBetterThanBaseline(f).ifPresent(out::add);
        return out;
    }

    /**
     * The rules a history still growing already settles: the rate far too high (loss spikes, or
     * train loss rising early on) or far too low (the first 20 epochs crawl). Both only look at
     * epochs already run and, once they fire, stay fired however the run goes on.
     *
     * @param f the facts so far (status RUNNING)
     * @return at most one diagnosis
     */
    public static List<Diagnosis> live(Facts f) {
        List<EpochRecord> whole = f.history().stream().filter(e -> !e.partial()).toList();
        Optional<Diagnosis> high = lrTooHigh(whole, "training.lr=" + fmt(f.lr() / 3));
        if (high.isPresent()) {
            return List.of(high.get());
        }
        return lrTooLow(f, whole).map(List::of).orElse(List.of());
    }

    static Optional<Diagnosis> lrTooHigh(List<EpochRecord> h, String fix) {
        double best = Double.POSITIVE_INFINITY;
        List<Integer> spikes = new ArrayList<>();
        for (EpochRecord e : h) {
            if (Double.isFinite(best) && e.valLoss() > 1.5 * best) {
                spikes.add(e.epoch());
            }
            if (Double.isFinite(e.valLoss())) {
                best = Math.min(best, e.valLoss());
            }
        }
        if (spikes.size() > 2) {
            return Optional.of(new Diagnosis("lr_too_high", "validation loss more than 50% above its best so far at epochs "
                    + spikes, "the loss jumps around instead of settling: steps overshoot.", List.of(fix)));
        }
        int rising = 0;
        for (int i = 1; i < Math.min(10, h.size()); i++) {
            double a = trainLoss(h.get(i - 1));
            double b = trainLoss(h.get(i));
            rising = b > a ? rising + 1 : 0;
            if (rising >= 3) {
                return Optional.of(new Diagnosis("lr_too_high", "train loss rose for 3 epochs in a row up to epoch "
                        + h.get(i).epoch() + " (" + fmt(trainLoss(h.get(i - 3))) + " -> " + fmt(b) + ")",
                        "early training should lower the loss; rising loss means the steps overshoot.", List.of(fix)));
            }
        }
        return Optional.empty();
    }

    static Optional<Diagnosis> lrTooLow(Facts f, List<EpochRecord> h) {
        if (h.size() < 20) {
            return Optional.empty();
        }
        // the first 20 epochs: a workable rate makes its fastest progress there (a converged run's
        // last epochs crawl too, and rightly so)
        EpochRecord first = h.get(0);
        EpochRecord last = h.get(19);
        double a = trainLoss(first);
        double b = trainLoss(last);
        if (!(a > 0) || !Double.isFinite(b)) {
            return Optional.empty();
        }
        double perEpoch = 1 - Math.pow(b / a, 1.0 / 19);
        OptionalDouble gap = gapToBest(f, valMetric(last, f.select()));
        if (perEpoch < 0.01 && gap.isPresent() && gap.getAsDouble() > 0.5) {
            return Optional.of(new Diagnosis("lr_too_low", String.format(Locale.ROOT,
                    "train loss fell %.2f%% per epoch over epochs %d-%d (%s -> %s) while val_%s is %s",
                    100 * perEpoch, first.epoch(), last.epoch(), fmt(a), fmt(b), f.select().spelling(),
                    fmt(valMetric(last, f.select()))), "the model learns, but very slowly.",
                    List.of("training.lr=" + fmt(f.lr() * 3))));
        }
        return Optional.empty();
    }

    static Optional<Diagnosis> notConverged(Facts f, List<EpochRecord> h) {
        if (h.size() < 4 || f.status() != Status.COMPLETED) {
            return Optional.empty();
        }
        int k = Math.min(5, h.size() - 1);
        EpochRecord last = h.get(h.size() - 1);
        EpochRecord before = h.get(h.size() - 1 - k);
        double bestVal = h.stream().mapToDouble(EpochRecord::valLoss).filter(Double::isFinite).min().orElse(Double.NaN);
        double drop = (before.valLoss() - last.valLoss()) / before.valLoss();
        if (last.valLoss() <= bestVal && drop > 0.02) {
            return Optional.of(new Diagnosis("not_converged", String.format(Locale.ROOT,
                    "validation loss still fell %.1f%% over the last %d epochs (%s -> %s) and the last epoch is the best",
                    100 * drop, k, fmt(before.valLoss()), fmt(last.valLoss())), "training stopped while it was still improving.",
                    List.of("training.epochs=" + (f.epochs() * 2))));
        }
        return Optional.empty();
    }

    static Optional<Diagnosis> overfitting(Facts f, List<EpochRecord> h) {
        if (h.size() < 3 || h.get(h.size() - 1).train().isEmpty()) {
            return Optional.empty();
        }
        int minAt = 0;
        for (int i = 1; i < h.size(); i++) {
            if (h.get(i).valLoss() < h.get(minAt).valLoss()) {
                minAt = i;
            }
        }
        EpochRecord last = h.get(h.size() - 1);
        EpochRecord atMin = h.get(minAt);
        boolean valRose = minAt < h.size() - 1 && last.valLoss() > atMin.valLoss() * 1.1;
        boolean trainFell = trainLoss(last) < trainLoss(atMin);
        double train = trainMetric(last, f.select());
        double val = valMetric(last, f.select());
        // the gap counts in the direction where the train sample looks better
        double gap = f.select().higherIsBetter() ? train - val : relative(val, train);
        boolean wide = f.select().higherIsBetter() ? gap > 0.05 : gap > 0.3;
        // early stopping keeps the epoch of least validation loss: only a gap already there is the kept model's
        double gapAtMin = f.select().higherIsBetter() ? trainMetric(atMin, f.select()) - valMetric(atMin, f.select())
                : relative(valMetric(atMin, f.select()), trainMetric(atMin, f.select()));
        boolean kept = f.status() != Status.EARLY_STOPPED
                || (f.select().higherIsBetter() ? gapAtMin > 0.05 : gapAtMin > 0.3);
        if (valRose && trainFell && wide && kept) {
            return Optional.of(new Diagnosis("overfitting", String.format(Locale.ROOT,
                    "at epoch %d train_%s %s vs val_%s %s; val_loss rose from %s (epoch %d) to %s while the train-sample"
                            + " loss fell from %s to %s", last.epoch(), f.select().spelling(), fmt(train),
                    f.select().spelling(), fmt(val), fmt(atMin.valLoss()), atMin.epoch(), fmt(last.valLoss()),
                    fmt(trainLoss(atMin)), fmt(trainLoss(last))),
                    "the model learns the train rows rather than what generalizes.",
                    regularize(f)));
        }
        return Optional.empty();
    }

    static Optional<Diagnosis> underfitting(Facts f, List<EpochRecord> h) {
        if (h.isEmpty() || h.get(h.size() - 1).train().isEmpty() || f.baseline().isEmpty()) {
            return Optional.empty();
        }
        EpochRecord last = h.get(h.size() - 1);
        double train = trainMetric(last, f.select());
        double val = valMetric(last, f.select());
        OptionalDouble trainGap = gapToBest(f, train);
        if (trainGap.isEmpty() || !Double.isFinite(val)) {
            return Optional.empty();
        }
        double span = Math.max(1e-9, Math.abs(best(f.select()) - f.baseline().getAsDouble()));
        boolean fires;
        Optional<Map.Entry<String, Integer>> bottleneck = f.classCounts() == null ? Optional.empty()
                : f.model().hidden().entrySet().stream().filter(e -> e.getValue() < f.classCounts().length).findFirst();
        if (f.task().isClassification()) {
            // a tenth or more of the way to a perfect fit is missing on the train rows themselves, and validation is
            // nearly as good as train: the model has not started to trade generalization for fit; or a twentieth is
            // missing behind a hidden layer narrower than the classes it must tell apart
            fires = trainGap.getAsDouble() > 0.1 && Math.abs(train - val) <= 0.25 * Math.abs(best(f.select()) - train)
                    || trainGap.getAsDouble() > 0.05 && bottleneck.isPresent();
        } else {
            // noisy targets keep a regression's best error above zero: only a fit nearer the baseline counts
            fires = trainGap.getAsDouble() > 0.5 && Math.abs(train - val) <= 0.05 * span;
        }
        if (fires) {
            String narrow = bottleneck.map(e -> String.format(Locale.ROOT, "; %s has %d units for %d classes", e.getKey(),
                    e.getValue(), f.classCounts().length)).orElse("");
            return Optional.of(new Diagnosis("underfitting", String.format(Locale.ROOT,
                    "train_%s %s and val_%s %s, far from the best possible %s (baseline %s)%s",
                    f.select().spelling(), fmt(train), f.select().spelling(), fmt(val), fmt(best(f.select())),
                    fmt(f.baseline().getAsDouble()), narrow), "the model cannot even fit its own train rows.",
                    grow(f)));
        }
        return Optional.empty();
    }

    /**
     * The underfitting fix: hidden layers narrower than {@value #NARROW} units four times wider (at
     * least {@value #NARROW}; with none narrow, the first twice as wide), twice the epochs, half the
     * dropout.
     */
    static List<String> grow(Facts f) {
        List<String> fix = new ArrayList<>();
        f.model().hidden().forEach((path, units) -> {
            if (units < NARROW) {
                fix.add(path + ".units=" + Math.max(NARROW, 4 * units));
            }
        });
        if (fix.isEmpty()) {
            f.model().hidden().entrySet().stream().findFirst()
                    .ifPresentOrElse(e -> fix.add(e.getKey() + ".units=" + 2 * e.getValue()),
                            () -> fix.add("model.layers[0].units=256"));
        }
        fix.add("training.epochs=" + f.epochs() * 2);
        if (f.model().dropout() > 0) {
            fix.add("training.dropout=" + fmt(f.model().dropout() / 2));
        }
        return fix;
    }

    /**
     * The overfitting fix: more dropout (0.3, then 0.5; none past 0.5), ten times the weight decay
     * (1e-4 from none), a patience of 5 when it is longer.
     */
    static List<String> regularize(Facts f) {
        List<String> fix = new ArrayList<>();
        double d = f.model().dropout();
        if (d < 0.3) {
            fix.add("training.dropout=0.3");
        } else if (d < 0.5) {
            fix.add("training.dropout=0.5");
        }
        double wd = f.model().weightDecay();
        fix.add("training.weight_decay=" + fmt(wd > 0 ? wd * 10 : 1e-4));
        if (f.model().patience() > 5) {
            fix.add("training.early_stopping.patience=5");
        }
        return fix;
    }

    /** @return a layer's spec path when the network maps one to one onto the spec's layers, else "layer i" */
    private static String path(Facts f, int index) {
        List<String> layers = f.model().layers();
        return layers.size() == f.probes().size() && index < layers.size() ? layers.get(index) : "layer " + index;
    }

    static Optional<Diagnosis> deadUnits(Facts f) {
        for (Probe.LayerProbe p : f.probes()) {
            if (p.relu() && Double.isFinite(p.dead()) && p.dead() > DEAD && p.units() > 1) {
                String at = path(f, p.index());
                List<String> fix = new ArrayList<>();
                if (at.startsWith("model.")) {
                    fix.add(at + ".activation=leaky_relu");
                    fix.add(at + ".init=he");
                }
                fix.add("training.lr=" + fmt(f.lr() / 3));
                return Optional.of(new Diagnosis("dead_units", String.format(Locale.ROOT,
                        "%.0f%% of the %d ReLU units of %s never activate on a batch of validation rows", 100 * p.dead(),
                        p.units(), at), "units whose input stays negative get no gradient and stop learning for good.",
                        fix));
            }
        }
        return Optional.empty();
    }

    static List<Diagnosis> gradients(Facts f) {
        List<Probe.LayerProbe> withWeights = f.probes().stream()
                .filter(p -> Double.isFinite(p.gradientNorm()) && p.gradientNorm() >= 0).toList();
        if (withWeights.size() < 3) {
            return List.of(); // "far from the others" needs others
        }
        // vanishing first: in a chain whose gradient dies toward the input, the layers near the output
        // stand far above the rest too, and that is the same spread seen from the other end
        Optional<Diagnosis> d = spread(f, withWeights, true);
        return d.or(() -> spread(f, withWeights, false)).map(List::of).orElse(List.of());
    }

    private static Optional<Diagnosis> spread(Facts f, List<Probe.LayerProbe> withWeights, boolean vanishing) {
        for (Probe.LayerProbe p : withWeights) {
            double[] others = withWeights.stream().filter(o -> o != p).mapToDouble(Probe.LayerProbe::gradientNorm).sorted()
                    .toArray();
            double median = others.length % 2 == 1 ? others[others.length / 2]
                    : (others[others.length / 2 - 1] + others[others.length / 2]) / 2;
            String at = path(f, p.index());
            if (!vanishing && median > 0 && p.gradientNorm() > GRADIENT_SPREAD * median) {
                return Optional.of(new Diagnosis("exploding_gradients", String.format(Locale.ROOT,
                        "the gradient norm of %s's weights is %s, %.0fx the median %s of the other layers", at,
                        fmt(p.gradientNorm()), p.gradientNorm() / median, fmt(median)),
                        "one layer's updates dwarf the others' and can throw training off.",
                        List.of("training.lr=" + fmt(f.lr() / 3))));
            }
            if (vanishing && p.gradientNorm() < median / GRADIENT_SPREAD) {
                List<String> fix = new ArrayList<>();
                if (at.startsWith("model.") && !p.relu() && !at.equals(f.outputLayer())) {
                    fix.add(at + ".activation=relu");
                    fix.add(at + ".init=he");
                } else {
                    fix.add("training.lr=" + fmt(f.lr() * 3));
                }
                return Optional.of(new Diagnosis("vanishing_gradients", String.format(Locale.ROOT,
                        "the gradient norm of %s's weights is %s, 1/%.0f of the median %s of the other layers", at,
                        fmt(p.gradientNorm()), median / Math.max(p.gradientNorm(), 1e-300), fmt(median)),
                        "the layer barely learns: too little of the error reaches it.", fix));
            }
        }
        return Optional.empty();
    }

    static Optional<Diagnosis> oneClass(Facts f) {
        if (f.validation().isEmpty() || f.validation().get().confusionMatrix() == null) {
            return Optional.empty();
        }
        long[][] m = f.validation().get().confusionMatrix();
        int classes = m.length;
        if (classes < 2) {
            return Optional.empty();
        }
        long total = 0;
        long[] predicted = new long[classes];
        int present = 0;
        for (int a = 0; a < classes; a++) {
            long row = 0;
            for (int p = 0; p < classes; p++) {
                predicted[p] += m[a][p];
                row += m[a][p];
            }
            total += row;
            present += row > 0 ? 1 : 0;
        }
        int top = 0;
        for (int p = 1; p < classes; p++) {
            top = predicted[p] > predicted[top] ? p : top;
        }
        if (present > 1 && total > 0 && predicted[top] > 0.95 * total) {
            return Optional.of(new Diagnosis("one_class", String.format(Locale.ROOT,
                    "%.1f%% of %d validation predictions are class %d while validation holds %d classes",
                    100.0 * predicted[top] / total, total, top, present), "the model predicts one class for nearly every row.",
                    with(weighted(f), "training.lr=" + fmt(f.lr() / 3))));
        }
        return Optional.empty();
    }

    static Optional<Diagnosis> imbalancedAccuracy(Facts f) {
        if (f.classCounts() == null || f.classCounts().length < 2 || f.select() != Metric.ACCURACY) {
            return Optional.empty();
        }
        long max = 0;
        long min = Long.MAX_VALUE;
        for (long c : f.classCounts()) {
            max = Math.max(max, c);
            min = Math.min(min, c);
        }
        String ratio = min == 0 ? "one is missing" : String.format(Locale.ROOT, "%.1f:1", (double) max / min);
        String select = f.task() == Task.BINARY ? "auc" : "f1_macro";
        List<String> fix = new ArrayList<>(List.of("metrics.select=" + select));
        fix.addAll(weighted(f));
        if (min > 0 && (double) max / min > 4 || min == 0 && max > 0) {
            return Optional.of(new Diagnosis("imbalanced_accuracy", "train classes range from " + min + " to " + max
                    + " rows (" + ratio + ") and accuracy selects the models",
                    "accuracy rewards predicting the majority class.", fix));
        }
        Optional<double[]> recalls = recalls(f);
        if (min > 0 && (double) max / min > 1.5 && recalls.isPresent() && recalls.get()[0] < recalls.get()[1]) {
            return Optional.of(new Diagnosis("imbalanced_accuracy", String.format(Locale.ROOT, "train classes are %s apart,"
                    + " accuracy selects the models, and validation recall is %s on the rarest class against %s on the"
                    + " commonest", ratio, fmt(recalls.get()[0]), fmt(recalls.get()[1])),
                    "accuracy counts errors on the rare class as little as any other, so it hides them.", fix));
        }
        return Optional.empty();
    }

    /**
     * @return the spec lines that weight the classes by their inverse frequency (scikit-learn's
     *     "balanced"): a weighted cross-entropy over one softmax output per class
     */
    static List<String> weighted(Facts f) {
        String o = f.outputLayer();
        List<String> lines = new ArrayList<>();
        if (f.task() == Task.BINARY) {
            lines.add(o + ".units=2");
            lines.add(o + ".activation=softmax");
        }
        lines.add(o + ".loss=weighted_cce");
        lines.add(o + ".class_weights=balanced");
        return lines;
    }

    private static List<String> with(List<String> a, String b) {
        List<String> out = new ArrayList<>(a);
        out.add(b);
        return out;
    }

    /** @return validation recall of the rarest and of the commonest train class, when validation has both */
    private static Optional<double[]> recalls(Facts f) {
        if (f.validation().isEmpty() || f.validation().get().perClass() == null) {
            return Optional.empty();
        }
        long[] c = f.classCounts();
        int rare = 0;
        int common = 0;
        for (int i = 1; i < c.length; i++) {
            rare = c[i] < c[rare] ? i : rare;
            common = c[i] > c[common] ? i : common;
        }
        Map<String, Map<String, Double>> per = f.validation().get().perClass();
        Double r = per.getOrDefault(String.valueOf(rare), Map.of()).get("recall");
        Double m = per.getOrDefault(String.valueOf(common), Map.of()).get("recall");
        return r == null || m == null || !Double.isFinite(r) || !Double.isFinite(m) ? Optional.empty()
                : Optional.of(new double[] {r, m});
    }

    static Optional<Diagnosis> outlierTargets(Facts f) {
        if (f.task() != Task.REGRESSION || f.validation().isEmpty()) {
            return Optional.empty();
        }
        Map<String, Double> v = f.validation().get().values();
        Double rmse = v.get("rmse");
        Double mae = v.get("mae");
        if (rmse != null && mae != null && mae > 0 && rmse > 3 * mae) {
            return Optional.of(new Diagnosis("outlier_targets", String.format(Locale.ROOT,
                    "validation rmse %s is %.1fx its mae %s", fmt(rmse), rmse / mae, fmt(mae)),
                    "a few rows with extreme targets dominate the squared error.",
                    List.of(f.outputLayer() + ".loss=huber")));
        }
        return Optional.empty();
    }

    static Optional<Diagnosis> noBetterThanBaseline(Facts f) {
        if (f.baseline().isEmpty() || f.validation().isEmpty()) {
            return Optional.empty();
        }
        Double v = f.validation().get().values().get(f.select().spelling());
        double b = f.baseline().getAsDouble();
        if (v == null || !Double.isFinite(v)) {
            return Optional.empty();
        }
        boolean notBetter = f.select().higherIsBetter() ? v <= b + 1e-9 : v >= b - 1e-9;
        if (notBetter) {
            return Optional.of(new Diagnosis("no_better_than_baseline", "val_" + f.select().spelling() + " " + fmt(v)
                    + " vs the trivial baseline's " + fmt(b), "the model does no better than always predicting the "
                    + (f.task() == Task.REGRESSION ? "mean of the train targets." : "most common class."),
                    List.of()));
        }
        return Optional.empty();
    }

    /**
     * The trivial baseline's value of the selected metric: always the most common train class
     * (accuracy: its share; AUC: 0.5; binary F1 of the positive class: 0 when negatives are the
     * majority), or the mean of the train targets (R2: 0).
     *
     * @param select the selected metric
     * @param task the task
     * @param classCounts train rows per class, or null
     * @return the baseline, where it is defined without the data's targets
     */
    public static OptionalDouble baseline(Metric select, Task task, long[] classCounts) {
        if (select == Metric.R2) {
            return OptionalDouble.of(0);
        }
        if (select == Metric.AUC) {
            return OptionalDouble.of(0.5);
        }
        if (classCounts == null || classCounts.length < 2 || task == Task.MULTILABEL) {
            return OptionalDouble.empty();
        }
        long total = 0;
        long max = 0;
        for (long c : classCounts) {
            total += c;
            max = Math.max(max, c);
        }
        if (total == 0) {
            return OptionalDouble.empty();
        }
        if (select == Metric.ACCURACY) {
            return OptionalDouble.of((double) max / total);
        }
        if (task == Task.BINARY && (select == Metric.F1 || select == Metric.PRECISION || select == Metric.RECALL)) {
            boolean positiveMajority = classCounts[1] >= classCounts[0];
            double p = (double) classCounts[1] / total;
            return OptionalDouble.of(!positiveMajority ? 0 : select == Metric.RECALL ? 1 : select == Metric.PRECISION ? p
                    : 2 * p / (1 + p));
        }
        return OptionalDouble.empty();
    }

    /** @return how far a value is from the best the metric allows, as a fraction of the baseline's distance */
    private static OptionalDouble gapToBest(Facts f, double value) {
        if (f.baseline().isEmpty() || !Double.isFinite(value)) {
            return OptionalDouble.empty();
        }
        double span = best(f.select()) - f.baseline().getAsDouble();
        if (Math.abs(span) < 1e-9) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of((best(f.select()) - value) / span);
    }

    private static double best(Metric m) {
        return m.higherIsBetter() ? 1.0 : 0.0;
    }

    private static double trainLoss(EpochRecord e) {
        return e.train().getOrDefault("loss", e.trainLoss());
    }

    private static double trainMetric(EpochRecord e, Metric m) {
        return e.train().getOrDefault(m.spelling(), Double.NaN);
    }

    private static double valMetric(EpochRecord e, Metric m) {
        return m == Metric.LOSS ? e.valLoss() : e.validation().getOrDefault(m.spelling(), Double.NaN);
    }

    private static double relative(double a, double b) {
        return b > 0 ? (a - b) / b : Double.NaN;
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.4g", v);
    }
}
