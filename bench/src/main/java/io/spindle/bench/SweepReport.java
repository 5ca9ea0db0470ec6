package io.spindle.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.ToDoubleFunction;
import java.util.stream.Stream;

/**
 * Turns the sweeps of {@code spindle bench sweep} into {@code bench-sweep.csv} and
 * {@code bench-sweep.md}: the runs, the targets with their verdicts, and experiments 2's and 3's
 * per-seed values. Experiment 1's ratio is of the median wall times of each side's runs;
 * experiment 2's targets are judged on means over its seeds. Every run names its data set and
 * validation rows, and experiment 2's lines say what one validation row is in accuracy points, so
 * that a reader can tell whether a gap of 0.5 points is more than a row or two. Pure: no Spark.
 */
public final class SweepReport {

    /** File name of the results table. */
    public static final String CSV = "bench-sweep.csv";
    /** File name of the markdown report. */
    public static final String MD = "bench-sweep.md";
    /** File name of the sweeps' own output. */
    public static final String LOG = "bench-sweep.log";
    /** File name of the sweep file the runs were made from (a copy of the bundled one). */
    public static final String SWEEP_FILE = "bench-sweep.yaml";

    /** Experiment 1's target: median sequential wall time / median trial-parallel wall time. */
    public static final double PARALLEL_SPEEDUP = 1.8;
    /**
     * Experiment 2's target: ASHA's best validation accuracy at most this far below the unpruned
     * one, on the mean over seeds.
     */
    public static final double ASHA_ACCURACY_TOLERANCE = 0.005;
    /** Experiment 2's target: ASHA trains at most this fraction of the unpruned run's epochs, on the mean over seeds. */
    public static final double ASHA_EPOCH_FRACTION = 1.0 / 3;

    /** Verdict of a target that was met. */
    public static final String REACHED = "reached";
    /** Verdict of a target that was missed. */
    public static final String NOT_REACHED = "not reached";
    /** Verdict of a target whose runs are missing or found nothing. */
    public static final String NOT_AVAILABLE = "n/a";

    /**
     * One target and how the runs fared against it.
     *
     * @param experiment the experiment, e.g. {@code 1 parallel-vs-sequential}
     * @param measure what is measured
     * @param value the measured value, formatted ({@code n/a} when missing)
     * @param goal the target, in words
     * @param verdict {@value #REACHED}, {@value #NOT_REACHED} or {@value #NOT_AVAILABLE}
     * @param detail the inputs, or why they are missing
     */
    public record Target(String experiment, String measure, String value, String goal, String verdict, String detail) { }

    /**
     * Experiment 2 for one seed: the ASHA run and the unpruned run of the same seed.
     *
     * @param seed the search seed
     * @param unpruned the seed's own unpruned two-at-a-time run ({@value SweepCase#UNPRUNED}; on
     *     the same data as its ASHA run, never experiment 1's); empty when missing
     * @param asha the ASHA run; empty when missing
     */
    record AshaSeed(long seed, Optional<SweepRun> unpruned, Optional<SweepRun> asha) {

        /** @return whether both runs are there and both finished a trial */
        boolean complete() {
            return unpruned.isPresent() && asha.isPresent() && unpruned.get().bestValAccuracy().isPresent()
                    && asha.get().bestValAccuracy().isPresent() && unpruned.get().epochsTrained() > 0;
        }

        /** @return unpruned best - ASHA best validation accuracy; only when {@link #complete()} */
        double gap() {
            return unpruned.orElseThrow().bestValAccuracy().getAsDouble()
                    - asha.orElseThrow().bestValAccuracy().getAsDouble();
        }

        /** @return ASHA's epochs trained / the unpruned run's; only when {@link #complete()} */
        double epochRatio() {
            return (double) asha.orElseThrow().epochsTrained() / unpruned.orElseThrow().epochsTrained();
        }
    }

    private SweepReport() {
    }

    /**
     * @param runs the runs
     * @return {@code bench-sweep.csv}: the header and one line per run; empty cells for a sweep
     *     in which no trial finished
     */
    public static String csv(List<SweepRun> runs) {
        StringBuilder sb = new StringBuilder(SweepRun.HEADER).append('\n');
        for (SweepRun r : runs) {
            sb.append(Report.csvField(r.experiment())).append(',').append(Report.csvField(r.variant())).append(',')
                    .append(r.seed()).append(',').append(r.repeat()).append(',')
                    .append(Report.csvField(r.dataset())).append(',')
                    .append(r.validationRows().isPresent() ? Long.toString(r.validationRows().getAsLong()) : "")
                    .append(',').append(Report.csvField(r.strategy())).append(',')
                    .append(Report.csvField(r.scheduler())).append(',').append(r.parallelTrials()).append(',')
                    .append(r.trials()).append(',').append(r.epochsTrained()).append(',')
                    .append(Report.fmt("%.3f", r.wallSeconds())).append(',').append(Report.fmt("%.3f", r.sweepSeconds()))
                    .append(',').append(Report.fmt("%.3f", r.trialSeconds())).append(',')
                    .append(optional(r.bestValAccuracy(), "%.4f")).append(',')
                    .append(optional(r.bestTestAccuracy(), "%.4f")).append(',')
                    .append(Report.csvField(r.bestTrial().orElse("")));
            SweepRun.STATUSES.forEach(s -> sb.append(',').append(r.count(s)));
            sb.append('\n');
        }
        return sb.toString();
    }

    /**
     * @param runs the runs
     * @return them as a markdown table with the CSV's columns
     */
    public static String runsTable(List<SweepRun> runs) {
        StringBuilder sb = new StringBuilder("| experiment | variant | seed | repeat | data | val rows | strategy "
                + "| scheduler | at once | trials | epochs trained | wall s | sweep s | trial s | best val accuracy "
                + "| best test accuracy | best trial | completed | early stopped | pruned | diverged | failed |\n"
                + "| --- | --- | ---: | ---: | --- | ---: | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: "
                + "| ---: | --- | ---: | ---: | ---: | ---: | ---: |\n");
        for (SweepRun r : runs) {
            sb.append("| ").append(r.experiment()).append(" | ").append(r.variant()).append(" | ").append(r.seed())
                    .append(" | ").append(r.repeat()).append(" | ").append(r.dataset()).append(" | ")
                    .append(r.validationRows().isPresent() ? Long.toString(r.validationRows().getAsLong()) : "none")
                    .append(" | ").append(r.strategy()).append(" | ")
                    .append(r.scheduler()).append(" | ")
                    .append(r.parallelTrials()).append(" | ").append(r.trials()).append(" | ").append(r.epochsTrained())
                    .append(" | ").append(Report.fmt("%.1f", r.wallSeconds())).append(" | ")
                    .append(Report.fmt("%.1f", r.sweepSeconds())).append(" | ")
                    .append(Report.fmt("%.1f", r.trialSeconds())).append(" | ")
                    .append(orNone(r.bestValAccuracy(), "%.4f")).append(" | ")
                    .append(orNone(r.bestTestAccuracy(), "%.4f")).append(" | ").append(r.bestTrial().orElse("none"));
            SweepRun.STATUSES.forEach(s -> sb.append(" | ").append(r.count(s)));
            sb.append(" |\n");
        }
        return sb.toString();
    }

    /**
     * The targets, in a fixed order: experiment 1's speedup (of the median wall times of each
     * side), experiment 2's accuracy gap and epoch fraction (means over the seeds with both runs),
     * experiment 3's mean difference. A target whose runs are missing (or found no finished
     * trial) is {@value #NOT_AVAILABLE}, with the reason in its detail.
     *
     * @param runs every run
     * @return the targets
     */
    public static List<Target> targets(List<SweepRun> runs) {
        List<Target> out = new ArrayList<>();
        List<SweepRun> parallel = all(runs, SweepCase.PARALLEL_VS_SEQUENTIAL, SweepCase.PARALLEL);
        List<SweepRun> sequential = all(runs, SweepCase.PARALLEL_VS_SEQUENTIAL, SweepCase.SEQUENTIAL);
        String e1 = "1 " + SweepCase.PARALLEL_VS_SEQUENTIAL;
        String speedupMeasure = "median wall, sequential / parallel";
        String speedupGoal = ">= " + Report.number(PARALLEL_SPEEDUP) + "x";
        if (!parallel.isEmpty() && !sequential.isEmpty()) {
            Ratio r = speedup(parallel, sequential);
            double pTrials = median(parallel, SweepRun::trialSeconds);
            double qTrials = median(sequential, SweepRun::trialSeconds);
            // the same trials: how much longer each took with others beside it (2x: the cores were not free)
            String detail = "sequential " + walls(sequential) + " vs " + parallel.get(0).parallelTrials() + " at once "
                    + walls(parallel) + ", " + parallel.get(0).trials() + " trials each"
                    + (qTrials > 0 ? Report.fmt("; trials' summed wall%s %.1f s vs %.1f s (x%.2f per trial)",
                    parallel.size() + sequential.size() > 2 ? " (medians)" : "", qTrials, pTrials, pTrials / qTrials) : "");
            out.add(r.value().isPresent()
                    ? new Target(e1, speedupMeasure, Report.fmt("%.2fx", r.value().getAsDouble()), speedupGoal,
                    verdict(r.value().getAsDouble() >= PARALLEL_SPEEDUP), detail)
                    : new Target(e1, speedupMeasure, NOT_AVAILABLE, speedupGoal, NOT_AVAILABLE,
                    detail + ": no positive wall time"));
        } else {
            out.add(new Target(e1, speedupMeasure, NOT_AVAILABLE, speedupGoal, NOT_AVAILABLE,
                    missing(parallel.isEmpty(), sequential.isEmpty(), SweepCase.PARALLEL, SweepCase.SEQUENTIAL)));
        }

        out.addAll(ashaTargets(runs, SweepCase.ASHA));
        out.addAll(ashaTargets(runs, SweepCase.ASHA_PROMOTION));

        String e3 = "3 " + SweepCase.TPE_VS_RANDOM;
        String searchMeasure = "mean best val accuracy over seeds, TPE - random";
        String searchGoal = "TPE mean >= random mean";
        List<Long> pairs = pairedSeeds(runs);
        if (pairs.isEmpty()) {
            out.add(new Target(e3, searchMeasure, NOT_AVAILABLE, searchGoal, NOT_AVAILABLE,
                    "no seed has both a random and a TPE run with a finished trial"));
        } else {
            double random = mean(runs, pairs, SweepCase.RANDOM);
            double tpe = mean(runs, pairs, SweepCase.TPE);
            long wins = pairs.stream().filter(p -> best(runs, SweepCase.TPE, p) > best(runs, SweepCase.RANDOM, p)).count();
            out.add(new Target(e3, searchMeasure, Report.fmt("%+.2f points", (tpe - random) * 100), searchGoal,
                    verdict(tpe >= random), Report.fmt("TPE %.4f, random %.4f over %d seed%s (TPE better on %d); "
                            + "per seed below", tpe, random, pairs.size(), pairs.size() == 1 ? "" : "s", wins)));
        }
        return out;
    }

    /**
     * Experiment 2's two targets for one form of ASHA against the unpruned runs.
     *
     * @param runs every run
     * @param variant {@value SweepCase#ASHA} or {@value SweepCase#ASHA_PROMOTION}
     */
    private static List<Target> ashaTargets(List<SweepRun> runs, String variant) {
        String e2 = "2 " + SweepCase.ASHA_VS_UNPRUNED;
        String name = name(variant);
        List<Target> out = new ArrayList<>();
        String gapMeasure = "mean best val accuracy over seeds, unpruned - " + name;
        String gapGoal = Report.fmt("<= %s points (%s)", Report.number(ASHA_ACCURACY_TOLERANCE * 100),
                Report.number(ASHA_ACCURACY_TOLERANCE));
        String epochMeasure = "mean epochs trained over seeds, " + name + " / unpruned";
        String epochGoal = "<= 1/3";
        List<AshaSeed> seeds = ashaSeeds(runs, variant);
        List<AshaSeed> complete = seeds.stream().filter(AshaSeed::complete).toList();
        List<SweepRun> second = runs.stream().filter(r -> r.experiment().equals(SweepCase.ASHA_VS_UNPRUNED)).toList();
        String on = second.isEmpty() ? "" : "on " + data(second) + ": ";
        if (complete.isEmpty()) {
            String why = seeds.stream().noneMatch(a -> a.asha().isPresent())
                    ? "the " + variant + " runs are missing (failed or not run)"
                    : seeds.stream().noneMatch(a -> a.asha().isPresent() && a.unpruned().isPresent())
                    ? "no " + variant + " run has an unpruned run of its seed (failed or not run)"
                    : "no seed has both an unpruned and an " + variant + " run that finished a trial";
            out.add(new Target(e2, gapMeasure, NOT_AVAILABLE, gapGoal, NOT_AVAILABLE, on + why));
            out.add(new Target(e2, epochMeasure, NOT_AVAILABLE, epochGoal, NOT_AVAILABLE, on + why));
        } else {
            double gap = complete.stream().mapToDouble(AshaSeed::gap).average().orElseThrow();
            double ratio = complete.stream().mapToDouble(AshaSeed::epochRatio).average().orElseThrow();
            String over = Report.fmt("over %d seed%s %s", complete.size(), complete.size() == 1 ? "" : "s",
                    complete.stream().map(a -> Long.toString(a.seed())).toList());
            long within = complete.stream().filter(a -> a.gap() <= ASHA_ACCURACY_TOLERANCE + 1e-12).count();
            out.add(new Target(e2, gapMeasure, Report.fmt("%+.2f points", gap * 100), gapGoal,
                    verdict(gap <= ASHA_ACCURACY_TOLERANCE + 1e-12), on + Report.fmt("unpruned %.4f, %s %.4f, means %s "
                            + "(within %s points on %d of %d); per seed below",
                    mean(complete, a -> a.unpruned().orElseThrow().bestValAccuracy().getAsDouble()), name,
                    mean(complete, a -> a.asha().orElseThrow().bestValAccuracy().getAsDouble()), over,
                    Report.number(ASHA_ACCURACY_TOLERANCE * 100), within, complete.size())));
            out.add(new Target(e2, epochMeasure, Report.fmt("%.2f", ratio), epochGoal,
                    verdict(ratio <= ASHA_EPOCH_FRACTION + 1e-12), on + Report.fmt("%s %.0f epochs vs unpruned %.0f, "
                            + "%d trials each, %.1f pruned, means %s; per seed below",
                    name, mean(complete, a -> a.asha().orElseThrow().epochsTrained()),
                    mean(complete, a -> a.unpruned().orElseThrow().epochsTrained()),
                    complete.get(0).asha().orElseThrow().trials(),
                    mean(complete, a -> a.asha().orElseThrow().count("PRUNED")), over)));
        }
        return out;
    }

    /** @return how the reports name an ASHA variant */
    static String name(String variant) {
        return variant.equals(SweepCase.ASHA_PROMOTION) ? "ASHA (promotion)" : "ASHA";
    }

    /**
     * @param targets the targets
     * @param quick whether they come from {@code --quick}, whose verdicts do not count
     * @return a markdown table of them
     */
    public static String targetTable(List<Target> targets, boolean quick) {
        StringBuilder sb = new StringBuilder("| experiment | measure | value | target | verdict | from |\n"
                + "| --- | --- | ---: | --- | --- | --- |\n");
        for (Target t : targets) {
            sb.append("| ").append(t.experiment()).append(" | ").append(t.measure()).append(" | ").append(t.value())
                    .append(" | ").append(t.goal()).append(" | ").append(t.verdict())
                    .append(quick && !t.verdict().equals(NOT_AVAILABLE) ? " (quick run)" : "").append(" | ")
                    .append(t.detail()).append(" |\n");
        }
        return sb.toString();
    }

    /**
     * @param runs every run
     * @return experiment 2 per seed: the data set and validation rows its runs had, both runs'
     *     best validation accuracy and epochs trained, with the means over the seeds that have both
     *     runs with a finished trial (the means the targets are judged on; a markdown table)
     */
    public static String ashaTable(List<SweepRun> runs) {
        return ashaTable(runs, SweepCase.ASHA);
    }

    /**
     * @param runs every run
     * @param variant {@value SweepCase#ASHA} or {@value SweepCase#ASHA_PROMOTION}
     * @return experiment 2 per seed for that form of ASHA, as {@link #ashaTable(List)}
     */
    public static String ashaTable(List<SweepRun> runs, String variant) {
        String v = variant;
        StringBuilder sb = new StringBuilder("| seed | data | unpruned best | " + v + " best | unpruned - " + v
                + " (points) | unpruned epochs | " + v + " epochs | " + v + " / unpruned epochs |\n"
                + "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        List<AshaSeed> seeds = ashaSeeds(runs, variant);
        for (AshaSeed a : seeds) {
            sb.append("| ").append(a.seed()).append(" | ").append(data(Stream.of(a.unpruned(), a.asha())
                            .flatMap(Optional::stream).toList())).append(" | ")
                    .append(a.unpruned().map(u -> orNone(u.bestValAccuracy(), "%.4f")).orElse("none")).append(" | ")
                    .append(a.asha().map(u -> orNone(u.bestValAccuracy(), "%.4f")).orElse("none")).append(" | ")
                    .append(a.complete() ? Report.fmt("%+.2f", a.gap() * 100) : "n/a").append(" | ")
                    .append(a.unpruned().map(u -> Integer.toString(u.epochsTrained())).orElse("none")).append(" | ")
                    .append(a.asha().map(u -> Integer.toString(u.epochsTrained())).orElse("none")).append(" | ")
                    .append(a.complete() ? Report.fmt("%.2f", a.epochRatio()) : "n/a").append(" |\n");
        }
        List<AshaSeed> complete = seeds.stream().filter(AshaSeed::complete).toList();
        if (!complete.isEmpty()) {
            sb.append("| mean of ").append(complete.size()).append(" |  | ")
                    .append(Report.fmt("%.4f", mean(complete, a -> a.unpruned().orElseThrow().bestValAccuracy()
                            .getAsDouble()))).append(" | ")
                    .append(Report.fmt("%.4f", mean(complete, a -> a.asha().orElseThrow().bestValAccuracy()
                            .getAsDouble()))).append(" | ")
                    .append(Report.fmt("%+.2f", mean(complete, AshaSeed::gap) * 100)).append(" | ")
                    .append(Report.fmt("%.1f", mean(complete, a -> a.unpruned().orElseThrow().epochsTrained())))
                    .append(" | ").append(Report.fmt("%.1f", mean(complete, a -> a.asha().orElseThrow().epochsTrained())))
                    .append(" | ").append(Report.fmt("%.2f", mean(complete, AshaSeed::epochRatio))).append(" |\n");
        }
        return sb.toString();
    }

    /**
     * @param runs every run
     * @return experiment 3's best validation accuracy per seed and strategy, with the means over
     *     the seeds that have both (a markdown table)
     */
    public static String searchTable(List<SweepRun> runs) {
        StringBuilder sb = new StringBuilder("| seed | random | tpe | tpe - random (points) |\n| ---: | ---: | ---: | ---: |\n");
        List<Long> seeds = runs.stream().filter(r -> r.experiment().equals(SweepCase.TPE_VS_RANDOM)).map(SweepRun::seed)
                .distinct().sorted().toList();
        for (long s : seeds) {
            OptionalDouble random = value(runs, SweepCase.RANDOM, s);
            OptionalDouble tpe = value(runs, SweepCase.TPE, s);
            sb.append("| ").append(s).append(" | ").append(orNone(random, "%.4f")).append(" | ").append(orNone(tpe, "%.4f"))
                    .append(" | ").append(random.isPresent() && tpe.isPresent()
                            ? Report.fmt("%+.2f", (tpe.getAsDouble() - random.getAsDouble()) * 100) : "n/a").append(" |\n");
        }
        List<Long> pairs = pairedSeeds(runs);
        if (!pairs.isEmpty()) {
            double random = mean(runs, pairs, SweepCase.RANDOM);
            double tpe = mean(runs, pairs, SweepCase.TPE);
            sb.append("| mean of ").append(pairs.size()).append(" | ").append(Report.fmt("%.4f", random)).append(" | ")
                    .append(Report.fmt("%.4f", tpe)).append(" | ").append(Report.fmt("%+.2f", (tpe - random) * 100))
                    .append(" |\n");
        }
        return sb.toString();
    }

    /**
     * The whole markdown report.
     *
     * @param settings run settings in words, one bullet each
     * @param runs every run
     * @param quick whether this is a {@code --quick} run
     * @return {@code bench-sweep.md}
     */
    public static String markdown(List<String> settings, List<SweepRun> runs, boolean quick) {
        return markdown(settings, runs, quick, Optional.empty());
    }

    /**
     * The whole markdown report, with the cores' ceiling for experiment 1's network when measured.
     *
     * @param settings run settings in words, one bullet each
     * @param runs every run
     * @param quick whether this is a {@code --quick} run
     * @param ceiling what two trainings of experiment 1's network at once give against one alone
     * @return {@code bench-sweep.md}
     */
    public static String markdown(List<String> settings, List<SweepRun> runs, boolean quick,
                                  Optional<Ceiling> ceiling) {
        StringBuilder sb = new StringBuilder("# Spindle sweep benchmark\n\n");
        settings.forEach(s -> sb.append("- ").append(s).append('\n'));
        sb.append("\n## Targets\n\n");
        if (quick) {
            sb.append("**Quick run**: a few trials of a few epochs, far smaller than the targets are stated for; its "
                    + "verdicts only show that the benchmark works. Run without --quick for figures that count.\n\n");
        }
        sb.append(targetTable(targets(runs), quick));
        ceiling.ifPresent(c -> sb.append("\n").append(ceilingSection(c, runs)));
        sb.append("\n").append(experimentsText(runs));
        sb.append("\n## Runs\n\n").append(runsTable(runs));
        sb.append("\nrepeat: which run of the same sweep (experiment 1 runs each side more than once in the full "
                + "run). data: the data set it trained on; val rows: its validation split's rows (one row is 100 / "
                + "val rows points of accuracy). wall s: the whole sweep call (data loading, training, the best trial's one test evaluation, "
                + "the last result-table commit), whose medians experiment 1's ratio uses. sweep s: the sweep's own "
                + "clock, up to the end of its last trial. trial s: the trials' wall times added up (trial-parallel "
                + "runs overlap them). best val accuracy: the best trial at its best epoch, on the validation split; "
                + "best test accuracy: that trial, evaluated once on the test split.\n");
        sb.append("\n## ASHA vs unpruned, per seed\n\n").append(ashaTable(runs));
        sb.append("\n## ASHA's promotion form vs unpruned, per seed\n\n").append(ashaTable(runs, SweepCase.ASHA_PROMOTION));
        sb.append("\n## TPE vs random, best val accuracy per seed\n\n").append(searchTable(runs));
        sb.append("\n## How each run ran\n\n");
        runs.forEach(r -> sb.append("- ").append(r.title()).append(": ").append(r.note()).append('\n'));
        return sb.toString();
    }

    /**
     * The cores' ceiling measured on experiment 1's network.
     *
     * @param network the network and data in words
     * @param measured the measurement
     */
    public record Ceiling(String network, CoreCeiling measured) { }

    /**
     * @param c the ceiling
     * @param runs every run
     * @return the section: the table and how experiment 1's ratio stands against it
     */
    static String ceilingSection(Ceiling c, List<SweepRun> runs) {
        CoreCeiling m = c.measured();
        List<SweepRun> parallel = all(runs, SweepCase.PARALLEL_VS_SEQUENTIAL, SweepCase.PARALLEL);
        List<SweepRun> sequential = all(runs, SweepCase.PARALLEL_VS_SEQUENTIAL, SweepCase.SEQUENTIAL);
        OptionalDouble speedup = parallel.isEmpty() || sequential.isEmpty() ? OptionalDouble.empty()
                : speedup(parallel, sequential).value();
        StringBuilder sb = new StringBuilder("## The cores' ceiling\n\n");
        sb.append("| network | one thread alone, samples/s | two trainings at once, together | two / one | "
                + "experiment 1, sequential / parallel |\n| --- | ---: | ---: | ---: | ---: |\n");
        sb.append(Report.fmt("| %s | %,.0f | %,.0f | %.2fx | %s |%n", c.network(), m.oneThread(), m.twoAtOnce(),
                m.scaling(), speedup.isPresent() ? Report.fmt("%.2fx", speedup.getAsDouble()) : NOT_AVAILABLE));
        sb.append("\nPlain DL4J, no Spark: ").append(m.describe()).append(". Two trials at once can run at most as much "
                + "faster than one at a time as two trainings at once do against one alone, less what the driver "
                + "does for every trial and epoch; experiment 1's target of ").append(Report.number(PARALLEL_SPEEDUP))
                .append("x needs that much from the cores alone.\n");
        return sb.toString();
    }

    /** @return experiment 1's ratio: the sequential sweeps' median wall time over the parallel ones' */
    private static Ratio speedup(List<SweepRun> parallel, List<SweepRun> sequential) {
        return Ratio.of("speedup", OptionalDouble.of(median(sequential, SweepRun::wallSeconds)),
                OptionalDouble.of(median(parallel, SweepRun::wallSeconds)), "");
    }

    /** @return how the experiments ran, in words, from the runs there are */
    private static String experimentsText(List<SweepRun> runs) {
        List<SweepRun> first = runs.stream().filter(r -> r.experiment().equals(SweepCase.PARALLEL_VS_SEQUENTIAL))
                .toList();
        long perSide = Math.max(all(runs, SweepCase.PARALLEL_VS_SEQUENTIAL, SweepCase.PARALLEL).size(),
                all(runs, SweepCase.PARALLEL_VS_SEQUENTIAL, SweepCase.SEQUENTIAL).size());
        String order = String.join(", ", first.stream().map(SweepRun::variant).toList());
        StringBuilder sb = new StringBuilder("1 (on ").append(data(first)).append("): the same ")
                .append(first.stream().findFirst().map(r -> r.trials() + " ").orElse(""))
                .append("random-search trials (same seed, hence the same configurations, each trained on one worker), "
                        + "two at a time on local[2] against one at a time, no pruning; ");
        if (perSide > 1) {
            sb.append(first.size()).append(" runs in the order ").append(order).append(" (ABBA, so that a drift in "
                    + "machine load or JIT state weighs on both sides alike); the ratio is of each side's median wall "
                    + "time (with two runs a side, their mean).");
        } else {
            sb.append("one run a side").append(first.isEmpty() ? "" : ", in the order " + order)
                    .append("; the ratio is of their wall times.");
        }
        List<AshaSeed> seeds = ashaSeeds(runs);
        List<SweepRun> second = runs.stream().filter(r -> r.experiment().equals(SweepCase.ASHA_VS_UNPRUNED)).toList();
        sb.append(" 2 (on ").append(data(second)).append(", so that its 0.5-point target is more than a few "
                        + "validation rows): ")
                .append(second.stream().findFirst().map(r -> r.trials() + " ").orElse(""))
                .append("random-search trials two at a time under ASHA, for ").append(seeds.size()).append(" search seed")
                .append(seeds.size() == 1 ? " " : "s ").append(seeds.stream().map(a -> Long.toString(a.seed())).toList())
                .append(", in each of its two forms (stopping: a trial below the rung's top 1/eta stops for good, "
                        + "the first at a rung always goes on; promotion: it pauses at the rung and goes on later if "
                        + "enough trials arrive below it), against the same seed's unpruned two-at-a-time run, one of "
                        + "its own for every seed; the targets are judged, for each form, on the means over the seeds "
                        + "of unpruned best - ASHA best and of ASHA / unpruned epochs trained (per-seed values below). ");
        List<SweepRun> third = runs.stream().filter(r -> r.experiment().equals(SweepCase.TPE_VS_RANDOM)).toList();
        sb.append("3 (on ").append(data(third)).append("): random against TPE search with the same trial budget and "
                + "epochs, for each seed; the best validation accuracy of each run, averaged over the seeds.\n");
        return sb.toString();
    }

    private static String verdict(boolean reached) {
        return reached ? REACHED : NOT_REACHED;
    }

    private static String missing(boolean aMissing, boolean bMissing, String aName, String bName) {
        List<String> names = new ArrayList<>();
        if (aMissing) {
            names.add(aName);
        }
        if (bMissing) {
            names.add(bName);
        }
        return "the " + String.join(" and the ", names) + " runs are missing (failed or not run)";
    }

    /**
     * @return experiment 2 for every seed with an ASHA or an unpruned run, ascending; a seed's
     *     unpruned side is its own {@value SweepCase#UNPRUNED} run only (experiment 1's parallel
     *     runs train on other data)
     */
    static List<AshaSeed> ashaSeeds(List<SweepRun> runs) {
        return ashaSeeds(runs, SweepCase.ASHA);
    }

    /**
     * @param variant {@value SweepCase#ASHA} or {@value SweepCase#ASHA_PROMOTION}
     * @return as {@link #ashaSeeds(List)}, with that form's runs as the ASHA side
     */
    static List<AshaSeed> ashaSeeds(List<SweepRun> runs, String variant) {
        return runs.stream().filter(r -> r.experiment().equals(SweepCase.ASHA_VS_UNPRUNED)).map(SweepRun::seed)
                .distinct().sorted().map(s -> new AshaSeed(s, find(runs, SweepCase.ASHA_VS_UNPRUNED, SweepCase.UNPRUNED,
                        s), find(runs, SweepCase.ASHA_VS_UNPRUNED, variant, s))).toList();
    }

    /**
     * @param runs runs, e.g. those of one experiment
     * @return their data set and validation rows with what one row is in accuracy points, e.g.
     *     {@code mnist10k, 1496 validation rows (one row is 0.067 points)}; several such, joined by
     *     {@code " / "}, where the runs differ; {@code none} for no runs
     */
    static String data(List<SweepRun> runs) {
        List<String> out = new ArrayList<>();
        for (SweepRun r : runs) {
            String d = r.dataset() + ", " + (r.validationRows().isPresent()
                    ? r.validationRows().getAsLong() + " validation rows" + (r.pointsPerRow().isPresent()
                    ? Report.fmt(" (one row is %.3f points)", r.pointsPerRow().getAsDouble()) : "")
                    : "validation rows unknown (no trial finished)");
            if (!out.contains(d)) {
                out.add(d);
            }
        }
        return out.isEmpty() ? "none" : String.join(" / ", out);
    }

    /** @return the median of {@code f} over the runs (the mean of the middle two for an even count) */
    static double median(List<SweepRun> runs, ToDoubleFunction<SweepRun> f) {
        double[] v = runs.stream().mapToDouble(f).sorted().toArray();
        if (v.length == 0) {
            throw new IllegalArgumentException("the median of no runs");
        }
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    /** @return e.g. {@code 34.8 s}, or {@code median 34.8 s of 2 runs (34.1, 35.5 s)} */
    private static String walls(List<SweepRun> runs) {
        return runs.size() == 1 ? Report.fmt("%.1f s", runs.get(0).wallSeconds())
                : Report.fmt("median %.1f s of %d runs (", median(runs, SweepRun::wallSeconds), runs.size())
                + String.join(", ", runs.stream().map(r -> Report.fmt("%.1f", r.wallSeconds())).toList()) + " s)";
    }

    private static double mean(List<AshaSeed> seeds, ToDoubleFunction<AshaSeed> f) {
        return seeds.stream().mapToDouble(f).average().orElseThrow();
    }

    /** @return the seeds of experiment 3 with both a random and a TPE run that finished a trial, ascending */
    private static List<Long> pairedSeeds(List<SweepRun> runs) {
        return runs.stream().filter(r -> r.experiment().equals(SweepCase.TPE_VS_RANDOM)).map(SweepRun::seed).distinct()
                .sorted().filter(s -> value(runs, SweepCase.RANDOM, s).isPresent() && value(runs, SweepCase.TPE, s).isPresent())
                .toList();
    }

    private static double mean(List<SweepRun> runs, List<Long> seeds, String strategy) {
        return seeds.stream().mapToDouble(s -> best(runs, strategy, s)).average().orElseThrow();
    }

    private static double best(List<SweepRun> runs, String strategy, long seed) {
        return value(runs, strategy, seed).orElseThrow();
    }

    private static OptionalDouble value(List<SweepRun> runs, String strategy, long seed) {
        return runs.stream().filter(r -> r.experiment().equals(SweepCase.TPE_VS_RANDOM) && r.variant().equals(strategy)
                && r.seed() == seed).findFirst().map(SweepRun::bestValAccuracy).orElse(OptionalDouble.empty());
    }

    private static Optional<SweepRun> find(List<SweepRun> runs, String experiment, String variant, long seed) {
        return runs.stream().filter(r -> r.experiment().equals(experiment) && r.variant().equals(variant)
                && r.seed() == seed).findFirst();
    }

    /** @return the runs of one side of an experiment, in run order */
    private static List<SweepRun> all(List<SweepRun> runs, String experiment, String variant) {
        return runs.stream().filter(r -> r.experiment().equals(experiment) && r.variant().equals(variant)).toList();
    }

    private static String optional(OptionalDouble v, String format) {
        return v.isPresent() ? Report.fmt(format, v.getAsDouble()) : "";
    }

    private static String orNone(OptionalDouble v, String format) {
        return v.isPresent() ? Report.fmt(format, v.getAsDouble()) : "none";
    }
}
