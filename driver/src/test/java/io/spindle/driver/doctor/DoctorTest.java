package io.spindle.driver.doctor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spindle.driver.spec.Metric;
import io.spindle.driver.spec.Task;
import io.spindle.driver.train.EpochRecord;
import io.spindle.driver.train.Status;
import io.spindle.kernels.eval.Metrics;
import io.spindle.kernels.eval.TaskKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.IntToDoubleFunction;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Each diagnosis on synthetic histories: it fires where it should and stays quiet on a healthy run. */
@Tag("fast")
class DoctorTest {

    static final long[] BALANCED = {100, 100, 100};

    /** A history of n epochs: train-sample loss / accuracy and validation loss / accuracy per epoch. */
    static List<EpochRecord> history(int n, IntToDoubleFunction trainLoss, IntToDoubleFunction trainAcc,
                                     IntToDoubleFunction valLoss, IntToDoubleFunction valAcc) {
        List<EpochRecord> h = new ArrayList<>();
        for (int e = 1; e <= n; e++) {
            h.add(new EpochRecord(e, trainLoss.applyAsDouble(e), valLoss.applyAsDouble(e),
                    Map.of("accuracy", valAcc.applyAsDouble(e), "loss", valLoss.applyAsDouble(e)), 0.001, 1000, 1, 1, false,
                    Map.of("accuracy", trainAcc.applyAsDouble(e), "loss", trainLoss.applyAsDouble(e))));
        }
        return h;
    }

    static Metrics val(double accuracy, long[][] confusion) {
        return metrics(Map.of("accuracy", accuracy), confusion);
    }

    static Metrics metrics(Map<String, Double> values, long[][] confusion) {
        return new Metrics(confusion.length == 2 ? TaskKind.BINARY : confusion.length == 0 ? TaskKind.REGRESSION
                : TaskKind.MULTICLASS, 100, 0, values, Map.of(), confusion);
    }

    static List<String> codes(Status status, int epochs, List<EpochRecord> h, Optional<Metrics> v, long[] counts) {
        return codes(Task.MULTICLASS, Metric.ACCURACY, status, epochs, h, v, counts);
    }

    static List<String> codes(Task task, Metric select, Status status, int epochs, List<EpochRecord> h,
                              Optional<Metrics> v, long[] counts) {
        OptionalDouble base = Doctor.baseline(select, task, counts);
        return Doctor.diagnose(new Doctor.Facts(task, select, status, 0.001, epochs, h, v, counts, base,
                "model.layers[2]")).stream().map(Diagnosis::code).toList();
    }

    static final long[][] SPREAD = {{30, 2, 1}, {2, 30, 1}, {1, 2, 30}};

    @Test
    void aHealthyRunHasNoDiagnosis() {
        // loss falls and flattens, train and validation close together, early stopping ended it
        List<EpochRecord> h = history(30, e -> 0.1 + 1.0 / e, e -> 0.97 - 0.3 / e, e -> 0.15 + 1.0 / e,
                e -> 0.95 - 0.3 / e);
        assertEquals(List.of(), codes(Status.EARLY_STOPPED, 60, h, Optional.of(val(0.94, SPREAD)), BALANCED));
    }

    @Test
    void divergedSaysDivideTheRateByTen() {
        List<Diagnosis> d = Doctor.diagnose(new Doctor.Facts(Task.MULTICLASS, Metric.ACCURACY, Status.DIVERGED, 0.5, 10,
                List.of(), Optional.empty(), BALANCED, OptionalDouble.empty(), "model.layers[1]"));
        assertEquals(1, d.size());
        assertEquals("diverged", d.get(0).code());
        assertEquals(List.of("training.lr=0.05000"), d.get(0).fix());
    }

    static Doctor.Facts running(List<EpochRecord> h) {
        return new Doctor.Facts(Task.MULTICLASS, Metric.ACCURACY, Status.RUNNING, 0.3, 12, h, Optional.empty(), BALANCED,
                Doctor.baseline(Metric.ACCURACY, Task.MULTICLASS, BALANCED), "model.layers[2]");
    }

    @Test
    void theLiveCheckReportsARateTooHighOnceAtTheEpochThatSettlesItAndStopsWhenAsked() {
        // validation loss spikes at epochs 3, 6 and 9: the third spike settles it
        List<EpochRecord> h = history(12, e -> 0.5, e -> 0.8, e -> e % 3 == 0 ? 2.0 : 0.5, e -> 0.8);
        List<String> heard = new ArrayList<>();
        LiveCheck watch = new LiveCheck(DoctorTest::running, (e, d) -> heard.add(e.epoch() + " " + d.code()), false);
        LiveCheck stopper = new LiveCheck(DoctorTest::running, (e, d) -> { }, true);
        List<io.spindle.driver.train.Decision> decisions = new ArrayList<>();
        for (int n = 1; n <= 11; n++) {
            var ev = new io.spindle.driver.train.TrialCallback.Evaluation(h.get(n - 1), 12, 0, h.subList(0, n));
            assertEquals(io.spindle.driver.train.Decision.CONTINUE, watch.afterEvaluation(ev), "observing never steers");
            decisions.add(stopper.afterEvaluation(ev));
        }
        assertEquals(List.of("9 lr_too_high"), heard, "said once, when the third spike came");
        for (int n = 1; n <= 11; n++) {
            io.spindle.driver.train.Decision d = decisions.get(n - 1);
            if (n == 9) {
                assertEquals(io.spindle.driver.train.Decision.stop(Status.EARLY_STOPPED, "stopped after epoch 9: lr_too_high"), d);
            } else {
                assertEquals(io.spindle.driver.train.Decision.CONTINUE, d, "epoch " + n);
            }
        }
        assertEquals(List.of("training.lr=0.1000"), Doctor.live(running(h)).get(0).fix());
    }

    @Test
    void theLiveCheckLeavesTheLastEpochAndAHealthyRunAlone() {
        List<EpochRecord> spiky = history(12, e -> 0.5, e -> 0.8, e -> e % 3 == 0 ? 2.0 : 0.5, e -> 0.8);
        LiveCheck stopper = new LiveCheck(DoctorTest::running, (e, d) -> { }, true);
        // the whole history at once, but as the spec's last epoch: the finished run is diagnosed in full instead
        assertEquals(io.spindle.driver.train.Decision.CONTINUE, stopper.afterEvaluation(
                new io.spindle.driver.train.TrialCallback.Evaluation(spiky.get(11), 12, 0, spiky)));
        List<EpochRecord> healthy = history(30, e -> 0.1 + 1.0 / e, e -> 0.97 - 0.3 / e, e -> 0.15 + 1.0 / e,
                e -> 0.95 - 0.3 / e);
        for (int n = 1; n <= 30; n++) {
            assertEquals(List.of(), Doctor.live(running(healthy.subList(0, n))), "epoch " + n);
        }
        // a crawl is settled at epoch 20, not before
        List<EpochRecord> crawl = history(25, e -> 2.3 - 0.001 * e, e -> 0.1, e -> 2.3, e -> 0.1);
        assertEquals(List.of(), Doctor.live(running(crawl.subList(0, 19))));
        assertEquals("lr_too_low", Doctor.live(running(crawl.subList(0, 20))).get(0).code());
    }

    @Test
    void lrTooHighOnAJumpyValidationLoss() {
        List<EpochRecord> h = history(12, e -> 0.5, e -> 0.8, e -> e % 3 == 0 ? 2.0 : 0.5, e -> 0.8);
        assertTrue(codes(Status.COMPLETED, 12, h, Optional.of(val(0.8, SPREAD)), BALANCED).contains("lr_too_high"));
    }

    @Test
    void lrTooLowOnASlowCrawlFarFromGood() {
        List<EpochRecord> h = history(40, e -> 1.09 * Math.pow(0.998, e), e -> 0.4, e -> 1.1 * Math.pow(0.998, e),
                e -> 0.4);
        List<String> c = codes(Status.COMPLETED, 40, h, Optional.of(val(0.4, SPREAD)), BALANCED);
        assertTrue(c.contains("lr_too_low"), c.toString());
        // fast progress first, a crawl only once it converged: not a low rate
        List<EpochRecord> converged = history(60, e -> e <= 20 ? 1.5 * Math.pow(0.9, e) : 0.18 * Math.pow(0.998, e - 20),
                e -> 0.4, e -> 1.1, e -> 0.4);
        assertTrue(!codes(Status.COMPLETED, 60, converged, Optional.of(val(0.4, SPREAD)), BALANCED).contains("lr_too_low"));
        List<EpochRecord> tooShort = history(10, e -> 1.09 * Math.pow(0.998, e), e -> 0.4, e -> 1.1, e -> 0.4);
        assertTrue(!codes(Status.COMPLETED, 10, tooShort, Optional.of(val(0.4, SPREAD)), BALANCED).contains("lr_too_low"));
    }

    @Test
    void notConvergedWhenTheLastEpochIsTheBestAndStillFalling() {
        List<EpochRecord> h = history(10, e -> 1.0 / e, e -> 0.9, e -> 1.2 / e, e -> 0.9);
        assertTrue(codes(Status.COMPLETED, 10, h, Optional.of(val(0.9, SPREAD)), BALANCED).contains("not_converged"));
        assertTrue(!codes(Status.EARLY_STOPPED, 10, h, Optional.of(val(0.9, SPREAD)), BALANCED).contains("not_converged"),
                "an early-stopped run converged by definition");
    }

    @Test
    void overfittingWhenTrainPullsAwayAndValidationLossRises() {
        List<EpochRecord> h = history(20, e -> 1.0 / e, e -> Math.min(1.0, 0.7 + 0.02 * e),
                e -> e < 8 ? 1.0 / e : 0.125 + 0.03 * (e - 8), e -> 0.8);
        List<String> c = codes(Status.EARLY_STOPPED, 30, h, Optional.of(val(0.8, SPREAD)), BALANCED);
        assertTrue(c.contains("overfitting"), "the gap is there at the kept epoch 8 already: " + c);
        List<EpochRecord> late = history(20, e -> 1.0 / e, e -> e <= 8 ? 0.8 : Math.min(1.0, 0.8 + 0.02 * (e - 8)),
                e -> e < 8 ? 1.0 / e : 0.125 + 0.03 * (e - 8), e -> 0.8);
        assertTrue(!codes(Status.EARLY_STOPPED, 30, late, Optional.of(val(0.8, SPREAD)), BALANCED).contains("overfitting"),
                "early stopping kept epoch 8, before the gap opened");
        assertTrue(codes(Status.COMPLETED, 20, late, Optional.of(val(0.8, SPREAD)), BALANCED).contains("overfitting"),
                "without early stopping the last epoch is kept");
    }

    @Test
    void underfittingWhenTrainAndValidationAreBothPoor() {
        List<EpochRecord> h = history(15, e -> 1.0, e -> 0.45, e -> 1.0, e -> 0.44);
        List<String> c = codes(Status.EARLY_STOPPED, 50, h, Optional.of(val(0.44, SPREAD)), BALANCED);
        assertTrue(c.contains("underfitting"), c.toString());
    }

    /** Facts with the network's shape: hidden layers (path to units), dropout, weight decay, patience. */
    static List<Diagnosis> withModel(List<EpochRecord> h, Status status, Doctor.Model model) {
        return Doctor.diagnose(new Doctor.Facts(Task.MULTICLASS, Metric.ACCURACY, status, 0.001, 30, h,
                Optional.of(val(h.get(h.size() - 1).validation().get("accuracy"), SPREAD)), BALANCED,
                Doctor.baseline(Metric.ACCURACY, Task.MULTICLASS, BALANCED), "model.layers[1]", model));
    }

    static Doctor.Model model(int units, double dropout) {
        java.util.LinkedHashMap<String, Integer> hidden = new java.util.LinkedHashMap<>();
        hidden.put("model.layers[0]", units);
        return new Doctor.Model(hidden, dropout, 0, 10);
    }

    @Test
    void aHiddenLayerNarrowerThanTheClassesIsUnderfittingEvenWithAGap() {
        // train 0.93, validation 0.83: a gap, and train still short of a fit, behind 2 units for 3 classes;
        // validation loss creeps up 29% from its minimum (overfitting), never 50% (no rate problem)
        List<EpochRecord> h = history(20, e -> 1.0 / e, e -> 0.93, e -> e < 8 ? 1.0 / e : 0.125 + 0.003 * (e - 8),
                e -> 0.83);
        List<Diagnosis> narrow = withModel(h, Status.COMPLETED, model(2, 0.7));
        List<String> c = narrow.stream().map(Diagnosis::code).toList();
        assertTrue(c.indexOf("underfitting") >= 0 && c.indexOf("underfitting") < c.indexOf("overfitting"),
                "capacity first, then regularization: " + c);
        Diagnosis u = narrow.get(c.indexOf("underfitting"));
        assertTrue(u.evidence().contains("model.layers[0] has 2 units for 3 classes"), u.evidence());
        assertEquals(List.of("model.layers[0].units=64", "training.epochs=60", "training.dropout=0.3500"), u.fix());
        List<String> wide = withModel(h, Status.COMPLETED, model(256, 0.7)).stream().map(Diagnosis::code).toList();
        assertTrue(!wide.contains("underfitting") && wide.contains("overfitting"), "a wide layer that overfits: " + wide);
    }

    @Test
    void theOverfittingFixAddsRegularizationFromWhereTheSpecIs() {
        List<EpochRecord> h = history(20, e -> 1.0 / e, e -> Math.min(1.0, 0.7 + 0.02 * e),
                e -> e < 8 ? 1.0 / e : 0.125 + 0.03 * (e - 8), e -> 0.8);
        java.util.function.Function<Doctor.Model, List<String>> fix = m -> withModel(h, Status.COMPLETED, m).stream()
                .filter(d -> d.code().equals("overfitting")).findFirst().orElseThrow().fix();
        java.util.LinkedHashMap<String, Integer> hidden = new java.util.LinkedHashMap<>(Map.of("model.layers[0]", 256));
        assertEquals(List.of("training.dropout=0.3", "training.weight_decay=0.0001000", "training.early_stopping.patience=5"),
                fix.apply(new Doctor.Model(hidden, 0, 0, 10)));
        assertEquals(List.of("training.dropout=0.5", "training.weight_decay=0.001000"),
                fix.apply(new Doctor.Model(hidden, 0.3, 1e-4, 5)));
        assertEquals(List.of("training.weight_decay=0.01000"), fix.apply(new Doctor.Model(hidden, 0.7, 1e-3, 5)),
                "never more dropout than 0.5: a spec at 0.7 gets weight decay only");
    }

    @Test
    void imbalancedAccuracyOnMildlySkewedClassesOnlyWhenTheRareClassIsMissedMore() {
        List<EpochRecord> h = history(10, e -> 0.2, e -> 0.97, e -> 0.2, e -> 0.97);
        long[] counts = {250, 150};
        Map<String, Map<String, Double>> trailing = Map.of("0", Map.of("recall", 1.0), "1", Map.of("recall", 0.93));
        Metrics missed = new Metrics(TaskKind.BINARY, 83, 0, Map.of("accuracy", 0.97), trailing,
                new long[][] {{54, 0}, {2, 27}});
        List<Diagnosis> d = Doctor.diagnose(new Doctor.Facts(Task.BINARY, Metric.ACCURACY, Status.EARLY_STOPPED, 0.001,
                50, h, Optional.of(missed), counts, Doctor.baseline(Metric.ACCURACY, Task.BINARY, counts),
                "model.layers[2]"));
        Diagnosis i = d.stream().filter(x -> x.code().equals("imbalanced_accuracy")).findFirst().orElseThrow();
        assertTrue(i.evidence().contains("1.7:1") && i.evidence().contains("0.9300"), i.evidence());
        assertEquals(List.of("metrics.select=auc", "model.layers[2].units=2", "model.layers[2].activation=softmax",
                "model.layers[2].loss=weighted_cce", "model.layers[2].class_weights=balanced"), i.fix());
        Map<String, Map<String, Double>> even = Map.of("0", Map.of("recall", 0.97), "1", Map.of("recall", 0.97));
        Metrics fair = new Metrics(TaskKind.BINARY, 83, 0, Map.of("accuracy", 0.97), even, new long[][] {{53, 1}, {1, 28}});
        assertTrue(Doctor.diagnose(new Doctor.Facts(Task.BINARY, Metric.ACCURACY, Status.EARLY_STOPPED, 0.001, 50, h,
                Optional.of(fair), counts, Doctor.baseline(Metric.ACCURACY, Task.BINARY, counts), "model.layers[2]"))
                .stream().noneMatch(x -> x.code().equals("imbalanced_accuracy")), "errors spread evenly: accuracy is fair");
    }

    static List<Diagnosis> probed(io.spindle.kernels.Probe.LayerProbe... probes) {
        List<EpochRecord> h = history(30, e -> 0.1 + 1.0 / e, e -> 0.97 - 0.3 / e, e -> 0.15 + 1.0 / e, e -> 0.95 - 0.3 / e);
        List<String> layers = new ArrayList<>();
        for (int i = 0; i < probes.length; i++) {
            layers.add("model.layers[" + i + "]");
        }
        return Doctor.diagnose(new Doctor.Facts(Task.MULTICLASS, Metric.ACCURACY, Status.EARLY_STOPPED, 0.003, 60, h,
                Optional.of(val(0.94, SPREAD)), BALANCED, Doctor.baseline(Metric.ACCURACY, Task.MULTICLASS, BALANCED),
                layers.get(layers.size() - 1), new Doctor.Model(new java.util.LinkedHashMap<>(), 0, 0, 10, layers),
                List.of(probes)));
    }

    static io.spindle.kernels.Probe.LayerProbe layer(int i, boolean relu, double dead, double grad) {
        return new io.spindle.kernels.Probe.LayerProbe(i, relu, 128, dead, grad);
    }

    @Test
    void deadUnitsWhenMostOfAReluLayerNeverActivates() {
        List<Diagnosis> d = probed(layer(0, true, 0.1, 1), layer(1, true, 0.7, 1), layer(2, false, Double.NaN, 1));
        assertEquals(List.of("dead_units"), d.stream().map(Diagnosis::code).toList());
        assertTrue(d.get(0).evidence().startsWith("70% of the 128 ReLU units of model.layers[1] never activate"),
                d.get(0).evidence());
        assertEquals(List.of("model.layers[1].activation=leaky_relu", "model.layers[1].init=he", "training.lr=0.001000"),
                d.get(0).fix());
        assertEquals(List.of(), probed(layer(0, true, 0.4, 1), layer(1, true, 0.5, 1), layer(2, false, Double.NaN, 1)),
                "half or fewer dead is no diagnosis");
    }

    @Test
    void gradientNormsFarBelowOrAboveTheOtherLayers() {
        List<Diagnosis> v = probed(layer(0, false, Double.NaN, 1.0), layer(1, false, Double.NaN, 0.05),
                layer(2, false, Double.NaN, 1.2), layer(3, false, Double.NaN, 2.0));
        assertEquals(List.of("vanishing_gradients"), v.stream().map(Diagnosis::code).toList());
        assertTrue(v.get(0).evidence().contains("model.layers[1]'s weights is 0.05000, 1/24 of the median 1.200"),
                v.get(0).evidence());
        assertEquals(List.of("model.layers[1].activation=relu", "model.layers[1].init=he"), v.get(0).fix());
        List<Diagnosis> x = probed(layer(0, true, 0, 1.0), layer(1, true, 0, 30), layer(2, true, 0, 1.2),
                layer(3, false, Double.NaN, 1.1));
        assertEquals(List.of("exploding_gradients"), x.stream().map(Diagnosis::code).toList());
        assertEquals(List.of("training.lr=0.001000"), x.get(0).fix());
        assertEquals(List.of(), probed(layer(0, true, 0, 1), layer(1, true, 0, 3), layer(2, false, Double.NaN, 5)),
                "a few times apart is normal");
        assertEquals(List.of(), probed(layer(0, true, 0, 1), layer(1, false, Double.NaN, 100)), "two layers have no 'others'");
    }

    @Test
    void oneClassWhenNearlyEveryPredictionIsTheSame() {
        long[][] collapsed = {{0, 40, 0}, {0, 40, 0}, {0, 39, 1}};
        List<EpochRecord> h = history(10, e -> 1.0 / e, e -> 0.34, e -> 1.0 / e, e -> 0.34);
        List<String> c = codes(Status.EARLY_STOPPED, 50, h, Optional.of(val(0.34, collapsed)), BALANCED);
        assertTrue(c.contains("one_class"), c.toString());
        assertTrue(!c.contains("underfitting"), "the collapse explains the poor fit: " + c);
    }

    @Test
    void aRateTooHighExplainsAPoorFitByItself() {
        List<EpochRecord> h = history(12, e -> 0.7, e -> 0.45, e -> e % 3 == 0 ? 2.0 : 0.6, e -> 0.44);
        List<String> c = codes(Status.COMPLETED, 12, h, Optional.of(val(0.44, SPREAD)), BALANCED);
        assertTrue(c.contains("lr_too_high") && !c.contains("underfitting"), c.toString());
    }

    @Test
    void imbalancedAccuracyWhenAccuracySelectsOnSkewedClasses() {
        List<EpochRecord> h = history(10, e -> 0.2, e -> 0.9, e -> 0.2, e -> 0.9);
        List<String> c = codes(Task.BINARY, Metric.ACCURACY, Status.EARLY_STOPPED, 50, h,
                Optional.of(metrics(Map.of("accuracy", 0.9), new long[][] {{85, 5}, {5, 5}})),
                new long[] {900, 100});
        assertTrue(c.contains("imbalanced_accuracy"), c.toString());
        assertTrue(!codes(Task.BINARY, Metric.F1, Status.EARLY_STOPPED, 50, h, Optional.empty(), new long[] {900, 100})
                .contains("imbalanced_accuracy"));
    }

    @Test
    void outlierTargetsWhenRmseDwarfsMae() {
        Metrics m = metrics(Map.of("rmse", 10.0, "mae", 2.0, "r2", 0.6), new long[0][]);
        List<Diagnosis> d = Doctor.diagnose(new Doctor.Facts(Task.REGRESSION, Metric.RMSE, Status.EARLY_STOPPED, 0.001, 10,
                List.of(), Optional.of(m), null, OptionalDouble.empty(), "model.layers[3]"));
        assertEquals(List.of("outlier_targets"), d.stream().map(Diagnosis::code).toList());
        assertEquals(List.of("model.layers[3].loss=huber"), d.get(0).fix());
    }

    @Test
    void noBetterThanBaselineAgainstTheMajorityClass() {
        List<EpochRecord> h = history(10, e -> 0.7, e -> 0.6, e -> 0.7, e -> 0.6);
        List<String> c = codes(Task.BINARY, Metric.ACCURACY, Status.EARLY_STOPPED, 50, h,
                Optional.of(metrics(Map.of("accuracy", 0.6), new long[][] {{60, 0}, {40, 0}})),
                new long[] {60, 40});
        assertTrue(c.contains("no_better_than_baseline"), c.toString());
    }

    @Test
    void baselines() {
        assertEquals(0.6, Doctor.baseline(Metric.ACCURACY, Task.BINARY, new long[] {60, 40}).getAsDouble(), 1e-12);
        assertEquals(0.5, Doctor.baseline(Metric.AUC, Task.BINARY, new long[] {60, 40}).getAsDouble());
        assertEquals(0.0, Doctor.baseline(Metric.F1, Task.BINARY, new long[] {60, 40}).getAsDouble());
        assertEquals(2 * 0.6 / 1.6, Doctor.baseline(Metric.F1, Task.BINARY, new long[] {40, 60}).getAsDouble(), 1e-12);
        assertEquals(0.0, Doctor.baseline(Metric.R2, Task.REGRESSION, null).getAsDouble());
        assertTrue(Doctor.baseline(Metric.RMSE, Task.REGRESSION, null).isEmpty());
    }
}
