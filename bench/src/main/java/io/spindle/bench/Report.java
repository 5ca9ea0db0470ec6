package io.spindle.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Turns benchmark results into the files of the output folder: {@code bench-training.csv} (the
 * accuracy cases), {@code bench-training-rmse.csv} (the RMSE cases, when any ran),
 * {@code bench-rounds.csv} and {@code bench-training.md} (results tables, target ratios, Spindle's
 * per-round costs, the cost model's predictions, how each system ran). Pure: no Spark.
 */
public final class Report {

    /** File name of the results table of the accuracy (MNIST) cases. */
    public static final String TRAINING_CSV = "bench-training.csv";
    /** File name of the results table of the RMSE (sequence) cases. */
    public static final String RMSE_CSV = "bench-training-rmse.csv";
    /** File name of the markdown report. */
    public static final String TRAINING_MD = "bench-training.md";
    /** File name of Spindle's per-round costs. */
    public static final String ROUNDS_CSV = "bench-rounds.csv";
    /** Worker counts the cost model predicts for. */
    public static final int[] MODEL_WORKERS = {2, 8, 32, 128};
    /** Target: Spindle's samples/s on the standalone cluster at least this fraction of its local[2] samples/s. */
    public static final double STANDALONE_TARGET = 0.8;
    /** Target: Spindle 2 workers' samples/s on {@code co2-lstm} at least this multiple of the single JVM's. */
    public static final double SEQUENCE_TARGET = 1.3;
    /** Target: Spindle 2 workers' samples/s on {@code mnist-cnn} at least this multiple of PyTorch's (2 threads). */
    public static final double CNN_TARGET = 1.5;
    /** The least Spindle 2 workers / single JVM samples/s ratio on {@code mnist-mlp} that reaches its target. */
    public static final double DATA_PARALLEL_TARGET = 1.8;

    private Report() {
    }

    /**
     * @param rows result rows
     * @return {@code bench-training.csv}: the header and one line per row of an accuracy case (the
     *     RMSE rows go to {@link #rmseCsv}); an empty {@code seconds_to_target} when the target was
     *     never reached
     */
    public static String trainingCsv(List<ResultRow> rows) {
        StringBuilder sb = new StringBuilder(ResultRow.HEADER).append('\n');
        for (ResultRow r : of(rows, Quality.ACCURACY)) {
            sb.append(csvField(r.caseName())).append(',').append(csvField(r.system())).append(',')
                    .append(fmt("%.1f", r.samplesPerSecond())).append(',')
                    .append(r.secondsToTarget().isPresent() ? fmt("%.3f", r.secondsToTarget().getAsDouble()) : "")
                    .append(',').append(fmt("%.4f", r.finalValue())).append(',').append(r.epochs()).append('\n');
        }
        return sb.toString();
    }

    /**
     * @param rows result rows
     * @return {@code bench-training-rmse.csv}: the header and one line per row of an RMSE case
     *     ({@code final_rmse} in the data's units)
     */
    public static String rmseCsv(List<ResultRow> rows) {
        StringBuilder sb = new StringBuilder(ResultRow.RMSE_HEADER).append('\n');
        for (ResultRow r : of(rows, Quality.RMSE)) {
            sb.append(csvField(r.caseName())).append(',').append(csvField(r.system())).append(',')
                    .append(fmt("%.1f", r.samplesPerSecond())).append(',').append(fmt("%.4f", r.finalValue()))
                    .append(',').append(r.epochs()).append('\n');
        }
        return sb.toString();
    }

    /**
     * @param rows result rows
     * @return whether any is of an RMSE case
     */
    public static boolean hasRmse(List<ResultRow> rows) {
        return !of(rows, Quality.RMSE).isEmpty();
    }

    private static List<ResultRow> of(List<ResultRow> rows, Quality q) {
        return rows.stream().filter(r -> r.quality() == q).toList();
    }

    /**
     * @param rounds per-case round costs
     * @return {@code bench-rounds.csv}
     */
    public static String roundsCsv(List<RoundCosts> rounds) {
        StringBuilder sb = new StringBuilder(RoundCosts.HEADER).append('\n');
        for (RoundCosts r : rounds) {
            sb.append(csvField(r.caseName())).append(',').append(r.workers()).append(',').append(r.minibatches())
                    .append(',').append(r.rounds()).append(',').append(fmt("%.3f", r.broadcastMs())).append(',')
                    .append(fmt("%.3f", r.fetchMs())).append(',').append(fmt("%.3f", r.computeMs())).append(',')
                    .append(fmt("%.3f", r.aggregateMs())).append(',').append(fmt("%.3f", r.wallMs())).append(',')
                    .append(r.stateBytes()).append('\n');
        }
        return sb.toString();
    }

    /**
     * The results as markdown: the accuracy cases' table (when any ran, or nothing ran at all), then
     * the RMSE cases' table (when any ran).
     *
     * @param rows result rows
     * @param targetAccuracy the target, in [0, 1]
     * @return the tables, separated by an empty line
     */
    public static String resultTables(List<ResultRow> rows, double targetAccuracy) {
        boolean rmse = hasRmse(rows);
        boolean accuracy = !rmse || !of(rows, Quality.ACCURACY).isEmpty();
        return (accuracy ? trainingTable(rows, targetAccuracy) : "") + (accuracy && rmse ? "\n" : "")
                + (rmse ? rmseTable(rows) : "");
    }

    /**
     * @param rows result rows
     * @return the RMSE cases' rows as a markdown table with {@code bench-training-rmse.csv}'s columns
     */
    public static String rmseTable(List<ResultRow> rows) {
        StringBuilder sb = new StringBuilder("| case | system | samples/s | final test RMSE | epochs |\n"
                + "| --- | --- | ---: | ---: | ---: |\n");
        for (ResultRow r : of(rows, Quality.RMSE)) {
            sb.append("| ").append(r.caseName()).append(" | ").append(r.system()).append(" | ")
                    .append(fmt("%,.0f", r.samplesPerSecond())).append(" | ").append(fmt("%.4f", r.finalValue()))
                    .append(" | ").append(r.epochs()).append(" |\n");
        }
        return sb.toString();
    }

    /**
     * @param rows result rows
     * @param targetAccuracy the target, in [0, 1]
     * @return the accuracy cases' rows as a markdown table with the CSV's columns
     */
    public static String trainingTable(List<ResultRow> rows, double targetAccuracy) {
        StringBuilder sb = new StringBuilder();
        sb.append("| case | system | samples/s | seconds to ").append(fmt("%.0f", targetAccuracy * 100))
                .append("% | final accuracy | epochs |\n");
        sb.append("| --- | --- | ---: | ---: | ---: | ---: |\n");
        for (ResultRow r : of(rows, Quality.ACCURACY)) {
            sb.append("| ").append(r.caseName()).append(" | ").append(r.system()).append(" | ")
                    .append(fmt("%,.0f", r.samplesPerSecond())).append(" | ")
                    .append(r.secondsToTarget().isPresent() ? fmt("%.1f", r.secondsToTarget().getAsDouble()) : "not reached")
                    .append(" | ").append(fmt("%.4f", r.finalValue())).append(" | ").append(r.epochs()).append(" |\n");
        }
        return sb.toString();
    }

    /**
     * @param ratios the target ratios
     * @return a markdown table of them
     */
    public static String ratioTable(List<Ratio> ratios) {
        StringBuilder sb = new StringBuilder("| ratio | value | from |\n| --- | ---: | --- |\n");
        for (Ratio r : ratios) {
            sb.append("| ").append(r.name()).append(" | ")
                    .append(r.value().isPresent() ? fmt("%.2fx", r.value().getAsDouble()) : "n/a")
                    .append(" | ").append(r.detail()).append(" |\n");
        }
        return sb.toString();
    }

    /**
     * @param rounds per-case round costs
     * @return a markdown table of them
     */
    public static String roundsTable(List<RoundCosts> rounds) {
        StringBuilder sb = new StringBuilder("| case | workers | minibatches/round | rounds | broadcast ms | fetch ms "
                + "| compute ms | aggregate ms | wall ms | state bytes |\n"
                + "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        for (RoundCosts r : rounds) {
            sb.append("| ").append(r.caseName()).append(" | ").append(r.workers()).append(" | ").append(r.minibatches())
                    .append(" | ").append(r.rounds()).append(" | ").append(fmt("%.1f", r.broadcastMs())).append(" | ")
                    .append(fmt("%.1f", r.fetchMs())).append(" | ").append(fmt("%.1f", r.computeMs())).append(" | ")
                    .append(fmt("%.1f", r.aggregateMs())).append(" | ").append(fmt("%.1f", r.wallMs())).append(" | ")
                    .append(fmt("%,d", r.stateBytes())).append(" |\n");
        }
        return sb.toString();
    }

    /**
     * @param caseName the case the model was measured on
     * @param model the cost model
     * @param bandwidthGbps link bandwidth in Gbit/s
     * @return a markdown table of the model's predictions at {@link #MODEL_WORKERS}
     */
    public static String costModelTable(String caseName, CostModel model, double bandwidthGbps) {
        StringBuilder sb = new StringBuilder();
        sb.append("| case | workers | compute ms | overhead ms | transfer ms | round ms | efficiency "
                + "| speedup | efficiency (flat gather) |\n");
        sb.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        for (int n : MODEL_WORKERS) {
            sb.append("| ").append(caseName).append(" | ").append(n).append(" | ").append(fmt("%.1f", model.computeMs()))
                    .append(" | ").append(fmt("%.1f", model.overheadMs())).append(" | ")
                    .append(fmt("%.1f", model.transferMs(n, bandwidthGbps))).append(" | ")
                    .append(fmt("%.1f", model.roundMs(n, bandwidthGbps))).append(" | ")
                    .append(fmt("%.0f%%", 100 * model.efficiency(n, bandwidthGbps))).append(" | ")
                    .append(fmt("%.1fx", n * model.efficiency(n, bandwidthGbps))).append(" | ")
                    .append(fmt("%.0f%%", 100 * model.gatherEfficiency(n, bandwidthGbps))).append(" |\n");
        }
        return sb.toString();
    }

    /**
     * The ratios the project targets, from the runs of the {@code mnist-mlp} and
     * {@code mnist-large-mlp} cases (a ratio whose inputs are missing is reported as such; left out
     * when only the sequence case ran), then the standalone cluster's and the sequence case's ratio
     * when those ran.
     *
     * @param runs every run
     * @param target the target accuracy, in [0, 1]
     * @return the ratios, in a fixed order
     */
    public static List<Ratio> ratios(List<SystemRun> runs, double target) {
        List<Ratio> out = new ArrayList<>();
        if (runs.isEmpty() || runs.stream().anyMatch(r -> r.quality() == Quality.ACCURACY)) {
            out.addAll(mnistRatios(runs, target));
        }
        sequenceRatio(runs).ifPresent(out::add);
        return out;
    }

    private static List<Ratio> mnistRatios(List<SystemRun> runs, double target) {
        List<Ratio> out = new ArrayList<>();
        String pct = fmt("%.0f%%", target * 100);
        Optional<SystemRun> spindle = find(runs, Systems.MNIST, Systems.SPINDLE);
        Optional<SystemRun> single = find(runs, Systems.MNIST, Systems.SINGLE_JVM);
        out.add(Ratio.of(Systems.MNIST + ": Spindle 2 workers / single JVM, samples/s",
                sps(spindle), sps(single), describe(spindle, "samples/s", sps(spindle)) + " vs "
                        + describe(single, "samples/s", sps(single))));
        Optional<SystemRun> scaled = find(runs, Systems.MNIST, Systems.SPINDLE_UNSCALED);
        for (Optional<SystemRun> sp : List.of(spindle, scaled)) {
            String name = sp == spindle ? "Spindle 2 workers" : "Spindle 2 workers, lr not scaled";
            out.add(Ratio.of(Systems.MNIST + ": single JVM / " + name + ", seconds to " + pct + " (speedup)",
                    secondsTo(single, target), secondsTo(sp, target),
                    describe(single, "s", secondsTo(single, target)) + " vs " + describe(sp, "s", secondsTo(sp, target))));
        }
        for (String patm : List.of(Systems.PATM_5, Systems.PATM_20)) {
            Optional<SystemRun> p = find(runs, Systems.MNIST, patm);
            out.add(Ratio.of(Systems.MNIST + ": Spindle 2 workers / " + patm + ", samples/s", sps(spindle), sps(p),
                    describe(spindle, "samples/s", sps(spindle)) + " vs " + describe(p, "samples/s", sps(p))));
        }
        Optional<SystemRun> mllib = find(runs, Systems.MNIST, Systems.MLLIB);
        OptionalDouble mllibSeconds = mllib.map(r -> OptionalDouble.of(r.last().trainSeconds())).orElse(OptionalDouble.empty());
        for (Optional<SystemRun> sp : List.of(spindle, scaled)) {
            String name = sp == spindle ? "Spindle" : "Spindle (lr not scaled)";
            OptionalDouble spindleToMllib = sp.isPresent() && mllib.isPresent()
                    ? sp.get().secondsTo(mllib.get().finalAccuracy()) : OptionalDouble.empty();
            out.add(Ratio.of(Systems.MNIST + ": MLlib seconds / " + name + " seconds to MLlib's final accuracy (speedup)",
                    mllibSeconds, spindleToMllib,
                    mllib.map(m -> "MLlib " + fmt("%.4f", m.finalAccuracy()) + " in " + fmt("%.1f s", m.last().trainSeconds()))
                            .orElse("MLlib not run") + "; " + name + " "
                            + (sp.isEmpty() ? "not run" : spindleToMllib.isPresent()
                            ? "reached it in " + fmt("%.1f s", spindleToMllib.getAsDouble()) : "never reached it")));
        }
        Optional<SystemRun> largeSpindle = find(runs, Systems.LARGE, Systems.SPINDLE);
        Optional<SystemRun> largeSingle = find(runs, Systems.LARGE, Systems.SINGLE_JVM);
        out.add(Ratio.of(Systems.LARGE + ": Spindle 2 workers / single JVM, samples/s", sps(largeSpindle),
                sps(largeSingle), describe(largeSpindle, "samples/s", sps(largeSpindle)) + " vs "
                        + describe(largeSingle, "samples/s", sps(largeSingle))));
        standaloneRatio(runs).ifPresent(out::add);
        standaloneFreshRatio(runs).ifPresent(out::add);
        return out;
    }

    /**
     * What the cores allow a case: the {@link CoreCeiling} measured, where the single JVM and
     * Spindle's 2 workers stand against it, and what the case's data-parallel target (Spindle 2
     * workers / single JVM in samples/s: {@code mnist-mlp}, {@code co2-lstm}) would need.
     *
     * @param caseName the case
     * @param c its ceiling
     * @param runs every run
     * @return markdown bullets and a closing note
     */
    static String ceilingLines(String caseName, CoreCeiling c, List<SystemRun> runs) {
        StringBuilder sb = new StringBuilder("- ").append(c.describe()).append('\n');
        OptionalDouble single = sps(find(runs, caseName, Systems.SINGLE_JVM));
        OptionalDouble spindle = sps(find(runs, caseName, Systems.SPINDLE));
        if (single.isPresent()) {
            sb.append(fmt("- %s: %,.0f samples/s = %.2fx one thread alone", Systems.SINGLE_JVM, single.getAsDouble(),
                    single.getAsDouble() / c.oneThread()));
            double target = caseName.equals(Systems.MNIST) ? DATA_PARALLEL_TARGET
                    : caseName.equals(Systems.CO2) ? SEQUENCE_TARGET : Double.NaN;
            if (!Double.isNaN(target)) {
                double needed = target * single.getAsDouble();
                sb.append(fmt("; %.1fx of it (the target) would be %,.0f samples/s = %.2fx the two trainings at once",
                        target, needed, needed / c.twoAtOnce()));
            }
            sb.append('\n');
        }
        if (spindle.isPresent()) {
            sb.append(fmt("- %s: %,.0f samples/s = %.2fx one thread alone = %.2f of the two trainings at once%n",
                    Systems.SPINDLE, spindle.getAsDouble(), spindle.getAsDouble() / c.oneThread(),
                    spindle.getAsDouble() / c.twoAtOnce()));
        }
        return sb.append("\nTwo independent plain DL4J trainings at once (one network and one BLAS thread each, no "
                + "averaging, no Spark) are the most any trainer with 2 workers can reach on these cores; each "
                + "measurement trains for a fixed time after a warm-up, one alone and two at once alternate ")
                .append(CoreCeiling.REPEATS).append(" times, medians.\n").toString();
    }

    /**
     * Every case's ceiling in one table: one thread alone and two trainings at once (samples/s),
     * their ratio, and the single JVM and Spindle's 2 workers against them.
     *
     * @param ceilings the ceiling measured per case
     * @param runs every run
     * @return a markdown table
     */
    static String ceilingTable(Map<String, CoreCeiling> ceilings, List<SystemRun> runs) {
        StringBuilder sb = new StringBuilder("| case | one thread alone, samples/s | two trainings at once, together |"
                + " two / one | single JVM / one | Spindle 2 workers / two at once |\n"
                + "| --- | ---: | ---: | ---: | ---: | ---: |\n");
        ceilings.forEach((c, ceiling) -> {
            OptionalDouble single = sps(find(runs, c, Systems.SINGLE_JVM));
            OptionalDouble spindle = sps(find(runs, c, Systems.SPINDLE));
            sb.append(fmt("| %s | %,.0f | %,.0f | %.2fx | %s | %s |%n", c, ceiling.oneThread(), ceiling.twoAtOnce(),
                    ceiling.twoAtOnce() / ceiling.oneThread(),
                    single.isPresent() ? fmt("%.2fx", single.getAsDouble() / ceiling.oneThread()) : "n/a",
                    spindle.isPresent() ? fmt("%.2f", spindle.getAsDouble() / ceiling.twoAtOnce()) : "n/a"));
        });
        return sb.toString();
    }

    /**
     * Spindle 2 workers against the single JVM on the sequence case, in samples/s over every epoch
     * (the same measure as every row).
     *
     * @param runs every run
     * @return the ratio, or empty when neither system ran the sequence case
     */
    public static Optional<Ratio> sequenceRatio(List<SystemRun> runs) {
        Optional<SystemRun> spindle = find(runs, Systems.CO2, Systems.SPINDLE);
        Optional<SystemRun> single = find(runs, Systems.CO2, Systems.SINGLE_JVM);
        if (spindle.isEmpty() && single.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(Ratio.of(Systems.CO2 + ": Spindle 2 workers / single JVM, samples/s", sps(spindle), sps(single),
                describe(spindle, "samples/s", sps(spindle)) + " vs " + describe(single, "samples/s", sps(single))));
    }

    /**
     * @param ratio the {@link #sequenceRatio}
     * @return the target line, e.g. {@code co2-lstm: Spindle 2 workers >= 1.3x single JVM (samples/s): not reached (1.12x)}
     */
    public static String sequenceTarget(Ratio ratio) {
        return targetLine(Systems.CO2 + ": Spindle 2 workers >= " + fmt("%.1fx", SEQUENCE_TARGET)
                + " single JVM (samples/s): ", ratio, SEQUENCE_TARGET);
    }

    /**
     * The sequence comparison with the first epoch of both runs left out (for information: the
     * first system to train the LSTM also pays for compiling its code paths), and both test RMSEs.
     *
     * @param runs every run
     * @return a sentence, or empty when the sequence case did not run on both systems
     */
    public static Optional<String> sequenceDetails(List<SystemRun> runs) {
        Optional<SystemRun> spindle = find(runs, Systems.CO2, Systems.SPINDLE);
        Optional<SystemRun> single = find(runs, Systems.CO2, Systems.SINGLE_JVM);
        if (spindle.isEmpty() || single.isEmpty()) {
            return Optional.empty();
        }
        OptionalDouble s = spindle.get().samplesPerSecondAfter(1);
        OptionalDouble j = single.get().samplesPerSecondAfter(1);
        Ratio r = Ratio.of("", s, j, "");
        return Optional.of("epoch 1 left out of both (for information; the target uses every epoch, like every row): "
                + "Spindle " + (s.isPresent() ? fmt("%,.0f samples/s", s.getAsDouble()) : "n/a") + ", single JVM "
                + (j.isPresent() ? fmt("%,.0f samples/s", j.getAsDouble()) : "n/a") + ", ratio "
                + (r.value().isPresent() ? fmt("%.2fx", r.value().getAsDouble()) : "n/a (fewer than 2 epochs)")
                + "; final test RMSE: Spindle " + fmt("%.4f", spindle.get().finalValue()) + ", single JVM "
                + fmt("%.4f", single.get().finalValue()));
    }

    /**
     * The CNN case's table: every system's samples/s, the arithmetic rate that makes
     * ({@code samples/s x training FLOPs per sample}), final test accuracy, epochs, and samples/s
     * against PyTorch's.
     *
     * @param runs every run
     * @param flopsPerSample training FLOPs per sample of the case's network ({@link Flops})
     * @return a markdown table, or empty when the CNN case did not run
     */
    public static Optional<String> cnnTable(List<SystemRun> runs, double flopsPerSample) {
        List<SystemRun> cnn = runs.stream().filter(r -> r.caseName().equals(Systems.CNN)).toList();
        if (cnn.isEmpty()) {
            return Optional.empty();
        }
        OptionalDouble torch = sps(find(runs, Systems.CNN, Systems.PYTORCH));
        StringBuilder sb = new StringBuilder("| system | samples/s | GFLOP/s | final test accuracy | epochs | vs "
                + Systems.PYTORCH + " |\n| --- | ---: | ---: | ---: | ---: | ---: |\n");
        for (SystemRun r : cnn) {
            Ratio vs = Ratio.of("", OptionalDouble.of(r.samplesPerSecond()), torch, "");
            sb.append("| ").append(r.system()).append(" | ").append(fmt("%,.0f", r.samplesPerSecond())).append(" | ")
                    .append(fmt("%.1f", r.samplesPerSecond() * flopsPerSample / 1e9)).append(" | ")
                    .append(fmt("%.4f", r.finalAccuracy())).append(" | ").append(r.epochs()).append(" | ")
                    .append(vs.value().isPresent() ? fmt("%.2fx", vs.value().getAsDouble()) : "n/a").append(" |\n");
        }
        return Optional.of(sb.toString());
    }

    /**
     * @param runs every run
     * @return Spindle 2 workers against PyTorch on the CPU on the CNN case, samples/s; empty when
     *     neither ran
     */
    public static Optional<Ratio> cnnRatio(List<SystemRun> runs) {
        Optional<SystemRun> spindle = find(runs, Systems.CNN, Systems.SPINDLE);
        Optional<SystemRun> torch = find(runs, Systems.CNN, Systems.PYTORCH);
        if (spindle.isEmpty() && torch.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(Ratio.of(Systems.CNN + ": Spindle 2 workers / PyTorch CPU, samples/s", sps(spindle), sps(torch),
                describe(spindle, "samples/s", sps(spindle)) + " vs " + describe(torch, "samples/s", sps(torch))));
    }

    /**
     * @param ratio the {@link #cnnRatio}
     * @return the target line
     */
    public static String cnnTarget(Ratio ratio) {
        return targetLine(Systems.CNN + ": Spindle 2 workers >= " + fmt("%.1fx", CNN_TARGET) + " PyTorch CPU ("
                + CaseSpec.WORKERS + " threads), samples/s: ", ratio, CNN_TARGET);
    }

    /**
     * What the oneDNN helpers change on the CNN case: the single JVM with them against without, in
     * samples/s, and test accuracy epoch by epoch over the epochs both ran.
     *
     * @param runs every run
     * @return a sentence, or empty when either single-JVM row is missing
     */
    public static Optional<String> cnnHelpers(List<SystemRun> runs) {
        Optional<SystemRun> on = find(runs, Systems.CNN, Systems.SINGLE_JVM);
        Optional<SystemRun> off = find(runs, Systems.CNN, Systems.SINGLE_JVM_BUILTIN);
        if (on.isEmpty() || off.isEmpty()) {
            return Optional.empty();
        }
        Ratio r = Ratio.of("", sps(on), sps(off), "");
        StringBuilder epochs = new StringBuilder();
        int n = Math.min(on.get().points().size(), off.get().points().size());
        for (int i = 0; i < n; i++) {
            epochs.append(i == 0 ? "" : ", ").append(fmt("%d: %.4f vs %.4f", i + 1, on.get().points().get(i).value(),
                    off.get().points().get(i).value()));
        }
        return Optional.of("oneDNN helpers: " + Systems.SINGLE_JVM + " / " + Systems.SINGLE_JVM_BUILTIN + " = "
                + (r.value().isPresent() ? fmt("%.2fx", r.value().getAsDouble()) : "n/a") + " samples/s; test accuracy "
                + "per epoch, with vs without: " + epochs);
    }

    /**
     * Spindle on the 2-worker standalone cluster against Spindle on {@code local[2]}, both on
     * {@code mnist-mlp} and both in samples/s over every epoch (the same measure as every row).
     *
     * @param runs every run
     * @return the ratio, or empty when the standalone cluster was not run (no {@code --cluster})
     */
    public static Optional<Ratio> standaloneRatio(List<SystemRun> runs) {
        return clusterAgainst(runs, Systems.SPINDLE, "Spindle local[2]");
    }

    /**
     * Spindle on the standalone cluster against the same {@code spindle train} with
     * {@code --master local[2]}, both submitted alike, each in a fresh JVM (cold executors in both).
     *
     * @param runs every run
     * @return the ratio, or empty when the standalone cluster was not run
     */
    public static Optional<Ratio> standaloneFreshRatio(List<SystemRun> runs) {
        return clusterAgainst(runs, Systems.SPINDLE_LOCAL_SUBMIT, "the same job on local[2], both in fresh JVMs");
    }

    /** @return the cluster's samples/s over {@code local}'s on {@code mnist-mlp}, or empty without a cluster run */
    private static Optional<Ratio> clusterAgainst(List<SystemRun> runs, String local, String localName) {
        Optional<SystemRun> cluster = find(runs, Systems.MNIST, Systems.SPINDLE_STANDALONE);
        if (cluster.isEmpty()) {
            return Optional.empty();
        }
        Optional<SystemRun> l = find(runs, Systems.MNIST, local);
        return Optional.of(Ratio.of(Systems.MNIST + ": Spindle standalone 2 workers / " + localName + ", samples/s",
                sps(cluster), sps(l), describe(cluster, "samples/s", sps(cluster)) + " vs "
                        + describe(l, "samples/s", sps(l))));
    }

    /**
     * @param ratio the {@link #standaloneFreshRatio}
     * @return the target line, e.g. {@code mnist-mlp: standalone 2 workers >= 0.8x local[2], both
     *     spindle train in fresh JVMs (samples/s): reached (0.93x)}
     */
    public static String standaloneFreshTarget(Ratio ratio) {
        return targetLine(Systems.MNIST + ": standalone 2 workers >= " + fmt("%.1fx", STANDALONE_TARGET)
                + " local[2], both spindle train in fresh JVMs (samples/s): ", ratio, STANDALONE_TARGET);
    }

    /**
     * @param ratio the {@link #standaloneRatio}
     * @return the target line, e.g. {@code mnist-mlp: standalone 2 workers >= 0.8x local[2] (samples/s): reached (0.93x)}
     */
    public static String standaloneTarget(Ratio ratio) {
        return targetLine(Systems.MNIST + ": standalone 2 workers >= " + fmt("%.1fx", STANDALONE_TARGET)
                + " local[2] (samples/s): ", ratio, STANDALONE_TARGET);
    }

    /**
     * @param head what is compared and the target, ending in {@code ": "}
     * @param ratio the measured ratio
     * @param target the least ratio that reaches the target
     * @return {@code head} then {@code reached (1.53x)}, {@code not reached (1.12x)} or
     *     {@code not measured (why)}
     */
    private static String targetLine(String head, Ratio ratio, double target) {
        if (ratio.value().isEmpty()) {
            return head + "not measured (" + ratio.detail() + ")";
        }
        double v = ratio.value().getAsDouble();
        return head + (v >= target ? "reached" : "not reached") + " (" + fmt("%.2fx", v) + ")";
    }

    /**
     * The same comparison with the first epoch of both runs left out: the cluster's executors
     * start cold (JIT, ND4J), while {@code local[2]} runs in the benchmark's warm JVM.
     *
     * @param runs every run
     * @return a sentence with both throughputs and their ratio, or empty without a standalone run
     */
    public static Optional<String> standaloneAfterFirstEpoch(List<SystemRun> runs) {
        Optional<SystemRun> cluster = find(runs, Systems.MNIST, Systems.SPINDLE_STANDALONE);
        if (cluster.isEmpty()) {
            return Optional.empty();
        }
        OptionalDouble c = cluster.get().samplesPerSecondAfter(1);
        OptionalDouble l = afterFirst(find(runs, Systems.MNIST, Systems.SPINDLE));
        String line = "epoch 1 left out of both (for information; the target uses every epoch, like every "
                + "row): standalone " + perSecond(c) + ", local[2] " + perSecond(l) + ", ratio " + ratio(c, l);
        Optional<SystemRun> fresh = find(runs, Systems.MNIST, Systems.SPINDLE_LOCAL_SUBMIT);
        if (fresh.isPresent()) {
            OptionalDouble f = afterFirst(fresh);
            line += "; local[2] in a fresh JVM " + perSecond(f) + ", ratio " + ratio(c, f);
        }
        return Optional.of(line);
    }

    private static OptionalDouble afterFirst(Optional<SystemRun> run) {
        return run.map(r -> r.samplesPerSecondAfter(1)).orElse(OptionalDouble.empty());
    }

    private static String perSecond(OptionalDouble v) {
        return v.isPresent() ? fmt("%,.0f samples/s", v.getAsDouble()) : "n/a";
    }

    private static String ratio(OptionalDouble a, OptionalDouble b) {
        Ratio r = Ratio.of("", a, b, "");
        return r.value().isPresent() ? fmt("%.2fx", r.value().getAsDouble()) : "n/a (fewer than 2 epochs)";
    }

    /**
     * The whole markdown report.
     *
     * @param settings run settings in words, one bullet each
     * @param rows result rows
     * @param runs every run (for the ratios and the per-system notes)
     * @param rounds Spindle's per-round costs per case
     * @param models the cost model per case
     * @param bandwidthGbps link bandwidth the model assumes
     * @param target the target accuracy
     * @return {@code bench-training.md}
     */
    public static String markdown(List<String> settings, List<ResultRow> rows, List<SystemRun> runs,
                                  List<RoundCosts> rounds, Map<String, CostModel> models, double bandwidthGbps,
                                  double target) {
        return markdown(settings, rows, runs, rounds, models, bandwidthGbps, target, Double.NaN);
    }

    /**
     * @param settings how the benchmark ran, one line each
     * @param rows result rows
     * @param runs every run
     * @param rounds Spindle's per-round costs per case
     * @param models the cost model per case
     * @param bandwidthGbps link bandwidth the model assumes
     * @param target the target accuracy
     * @param cnnFlopsPerSample training FLOPs per sample of the CNN case's network (NaN when it did not run)
     * @return {@code bench-training.md}
     */
    public static String markdown(List<String> settings, List<ResultRow> rows, List<SystemRun> runs,
                                  List<RoundCosts> rounds, Map<String, CostModel> models, double bandwidthGbps,
                                  double target, double cnnFlopsPerSample) {
        return markdown(settings, rows, runs, rounds, models, bandwidthGbps, target, cnnFlopsPerSample, Map.of());
    }

    /**
     * @param settings how the benchmark ran, one line each
     * @param rows result rows
     * @param runs every run
     * @param rounds Spindle's per-round costs per case
     * @param models the cost model per case
     * @param bandwidthGbps link bandwidth the model assumes
     * @param target the target accuracy
     * @param cnnFlopsPerSample training FLOPs per sample of the CNN case's network (NaN when it did not run)
     * @param ceilings the cores' ceiling measured per case ({@link CoreCeiling})
     * @return {@code bench-training.md}
     */
    public static String markdown(List<String> settings, List<ResultRow> rows, List<SystemRun> runs,
                                  List<RoundCosts> rounds, Map<String, CostModel> models, double bandwidthGbps,
                                  double target, double cnnFlopsPerSample, Map<String, CoreCeiling> ceilings) {
        StringBuilder sb = new StringBuilder("# Spindle training benchmark\n\n");
        for (String s : settings) {
            sb.append("- ").append(s).append('\n');
        }
        boolean rmse = hasRmse(rows);
        boolean accuracy = !rmse || !of(rows, Quality.ACCURACY).isEmpty();
        sb.append("\n## Results\n\n").append(resultTables(rows, target));
        if (accuracy) {
            sb.append("\nsamples/s: training rows per second of training time (evaluation excluded; MLlib: rows x L-BFGS "
                    + "iterations of its last fit). seconds to ").append(fmt("%.0f%%", target * 100))
                    .append(": cumulative training seconds at the first evaluation with test accuracy >= ")
                    .append(fmt("%.2f", target)).append(" (MLlib: the seconds of the first fit that reached it). epochs: MLlib "
                            + "reports L-BFGS iterations of its last fit.\n");
        }
        if (rmse) {
            sb.append("\n").append(accuracy ? "RMSE cases: samples/s as above (windows per second of training time). "
                    : "samples/s: training rows (windows) per second of training time (evaluation excluded). ")
                    .append("final test RMSE: root mean squared error of the forecasts on the test windows at the end, in "
                            + "the data's units (the target standardization undone, the windows' level added back), "
                            + "computed for every system by Spindle's EvaluationKernel; lower is better.\n");
        }
        sb.append("\n## Target ratios\n\n").append(ratioTable(ratios(runs, target)));
        if (!ceilings.isEmpty()) {
            sb.append("\n## The cores' ceiling\n\n").append(ceilingTable(ceilings, runs));
            ceilings.forEach((c, ceiling) -> sb.append("\n### ").append(c).append("\n\n")
                    .append(ceilingLines(c, ceiling, runs)));
        }
        Optional<Ratio> sequence = sequenceRatio(runs);
        if (sequence.isPresent()) {
            sb.append("\n## Sequence case\n\n- ").append(sequenceTarget(sequence.get())).append('\n');
            sequenceDetails(runs).ifPresent(line -> sb.append("- ").append(line).append('\n'));
            sb.append("\n").append(Systems.CO2).append(" trains the same network (one configuration from Spindle's "
                    + "ModelBuilder, same seed) on the same windows with the same batch per worker and epochs: ")
                    .append(Systems.SINGLE_JVM).append(" fits every minibatch in the driver JVM, ").append(Systems.SPINDLE)
                    .append(" deals the train windows to 2 workers on local[").append(CaseSpec.WORKERS)
                    .append("] and averages their parameters every round. DL4J's parameter averaging masters and MLlib's "
                            + "MLP classifier do not train recurrent regression networks and are not run.\n");
        }
        Optional<String> cnn = cnnTable(runs, cnnFlopsPerSample);
        if (cnn.isPresent()) {
            sb.append("\n## CNN case\n\n");
            cnnRatio(runs).ifPresent(r -> sb.append("- ").append(cnnTarget(r)).append('\n'));
            cnnHelpers(runs).ifPresent(line -> sb.append("- ").append(line).append('\n'));
            sb.append("\n").append(cnn.get()).append("\nGFLOP/s: samples/s x ").append(fmt("%.1f", cnnFlopsPerSample / 1e6))
                    .append(" MFLOP, the training operations of one sample (6 x the multiply-adds of the convolution and "
                            + "dense layers' forward pass). ").append(Systems.CNN).append(" trains conv 32 3x3 same -> max "
                            + "pool 2 -> conv 64 3x3 same -> max pool 2 -> dense 128 -> 10 (Adam 1e-3, batch 64, pixels / "
                            + "255) on the same rows in every system; ").append(Systems.SINGLE_JVM).append(" and ")
                    .append(Systems.SPINDLE).append(" run convolution and pooling on oneDNN, ")
                    .append(Systems.SINGLE_JVM_BUILTIN).append(" on DL4J's built-in path, ").append(Systems.PYTORCH)
                    .append(" is PyTorch with ").append(CaseSpec.WORKERS).append(" threads.\n");
        }
        Optional<Ratio> standalone = standaloneRatio(runs);
        if (standalone.isPresent()) {
            sb.append("\n## Standalone cluster\n\n- ").append(standaloneTarget(standalone.get())).append('\n');
            standaloneFreshRatio(runs).ifPresent(r -> sb.append("- ").append(standaloneFreshTarget(r)).append('\n'));
            standaloneAfterFirstEpoch(runs).ifPresent(line -> sb.append("- ").append(line).append('\n'));
            rounds.stream().filter(r -> r.caseName().equals(Systems.MNIST)).findFirst().ifPresent(r -> sb.append(
                    fmt("- bytes per round: %.2f MB of parameters and updater state (float32) to each of the %d "
                            + "executors and %.2f MB back from each, %.2f MB in all, every %d minibatches per worker%n",
                            r.stateBytes() / 1e6, r.workers(), r.stateBytes() / 1e6,
                            2.0 * r.workers() * r.stateBytes() / 1e6, r.minibatches())));
            sb.append("\n").append(Systems.SPINDLE_STANDALONE).append(" is the ").append(Systems.SPINDLE)
                    .append(" spec (same rows, pixels / 255, model, batch, lr, seed, epochs and averaging period) "
                            + "submitted with deploy/standalone.sh to a master and 2 workers of 1 core each on this "
                            + "machine: every executor is its own JVM, so parameters and results are serialized and "
                            + "cross process boundaries, where local[2] hands them over in memory. Its samples/s "
                            + "come from the run's summary.json: train rows x epochs / the sum of the epochs' training "
                            + "seconds (train rows / history[].samples_per_s), i.e. the trainer's round wall times, "
                            + "evaluation excluded, as for ").append(Systems.SPINDLE).append(". ")
                    .append(Systems.SPINDLE_LOCAL_SUBMIT).append(" is the same spindle train submitted the same way "
                            + "with --master local[2], before the cluster job: a JVM of its own that starts as cold as "
                            + "the cluster's, where ").append(Systems.SPINDLE).append(" runs in the benchmark's JVM after "
                            + "an untimed warm-up; the cluster against it is what the cluster itself costs.\n");
        }
        sb.append("\n## Spindle per-round costs (medians)\n\n").append(roundsTable(rounds));
        sb.append("\nbroadcast: driver publishes parameters + updater state; fetch: slowest worker obtains and loads them; "
                + "compute: slowest worker's training steps; aggregate: the rest of the round (scheduling, result "
                + "hand-over, averaging).\n");
        sb.append("\n## Cost model (").append(number(bandwidthGbps)).append(" Gbit/s)\n\n");
        sb.append("Weak scaling: every worker trains the measured minibatches per round; per round\n\n"
                + "```\nround(N)      = compute + overhead + transfer(N)\n"
                + "transfer(N)   = (stateBytes * ceil(log2 N) + stateBytes * inbound(N)) * 8 / bandwidth\n"
                + "inbound(N)    = N for N <= 8; 8 + ceil(N / 8) beyond (groups of 8 combined on executors first)\n"
                + "efficiency(N) = compute / round(N);  speedup(N) = N * efficiency(N)\n```\n\n"
                + "The broadcast goes down a binary tree; results come up the trainer's aggregation (each worker "
                + "returns its parameters and updater state as floats, stateBytes). compute and overhead (broadcast + "
                + "fetch + aggregate) are the medians measured above on local[2] and are taken as independent of N. "
                + "The flat-gather column sends every result straight to the driver at any N (inbound(N) = N). Both "
                + "are optimistic: the overhead was measured without a network (local mode hands state and results "
                + "over in memory), and serialization, task scheduling that grows with N, stragglers and contention "
                + "are left out.\n\n");
        models.forEach((c, m) -> sb.append(costModelTable(c, m, bandwidthGbps)).append('\n'));
        sb.append("## How each system ran\n\n");
        for (SystemRun r : runs) {
            sb.append("- ").append(r.caseName()).append(" / ").append(r.system()).append(": ").append(r.note()).append('\n');
        }
        List<SystemRun> accuracyRuns = runs.stream().filter(r -> r.quality() == Quality.ACCURACY).toList();
        List<SystemRun> rmseRuns = runs.stream().filter(r -> r.quality() == Quality.RMSE).toList();
        if (!accuracyRuns.isEmpty() || rmseRuns.isEmpty()) {
            sb.append("\n## Accuracy per evaluation\n\n").append(evaluations(accuracyRuns, "test accuracy"));
        }
        if (!rmseRuns.isEmpty()) {
            sb.append("\n## Test RMSE per evaluation\n\n").append(evaluations(rmseRuns, "test RMSE"));
        }
        return sb.toString();
    }

    private static String evaluations(List<SystemRun> runs, String column) {
        StringBuilder sb = new StringBuilder("| case | system | epoch | training s | " + column + " |\n"
                + "| --- | --- | ---: | ---: | ---: |\n");
        for (SystemRun r : runs) {
            for (EpochPoint p : r.points()) {
                sb.append("| ").append(r.caseName()).append(" | ").append(r.system()).append(" | ").append(p.epoch())
                        .append(" | ").append(fmt("%.2f", p.trainSeconds())).append(" | ")
                        .append(fmt("%.4f", p.value())).append(" |\n");
            }
        }
        return sb.toString();
    }

    /**
     * Writes a text file, creating its folder.
     *
     * @param file the file
     * @param text its contents
     * @throws IOException when it cannot be written
     */
    public static void write(Path file, String text) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        if (dir != null) {
            Files.createDirectories(dir);
        }
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }

    /**
     * @param x a number
     * @return it without trailing zeros: {@code 10}, {@code 2.5}
     */
    static String number(double x) {
        return java.math.BigDecimal.valueOf(x).stripTrailingZeros().toPlainString();
    }

    static String csvField(String s) {
        if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0) {
            return s;
        }
        return '"' + s.replace("\"", "\"\"") + '"';
    }

    private static Optional<SystemRun> find(List<SystemRun> runs, String caseName, String system) {
        return runs.stream().filter(r -> r.caseName().equals(caseName) && r.system().equals(system)).findFirst();
    }

    private static OptionalDouble sps(Optional<SystemRun> r) {
        return r.map(x -> OptionalDouble.of(x.samplesPerSecond())).orElse(OptionalDouble.empty());
    }

    private static OptionalDouble secondsTo(Optional<SystemRun> r, double target) {
        return r.map(x -> x.secondsTo(target)).orElse(OptionalDouble.empty());
    }

    private static String describe(Optional<SystemRun> r, String unit, OptionalDouble v) {
        if (r.isEmpty()) {
            return "not run";
        }
        String name = r.get().system();
        if (v.isEmpty()) {
            return name + " not reached";
        }
        return name + " " + (unit.equals("s") ? fmt("%.1f s", v.getAsDouble()) : fmt("%,.0f ", v.getAsDouble()) + unit);
    }

    static String fmt(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}
