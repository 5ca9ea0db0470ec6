package io.spindle.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Turns the sweeps of {@code spindle bench sweep} into {@code bench-sweep.csv} and
 * {@code bench-sweep.md}: the runs, the targets with their verdicts, and experiment 3's per-seed
 * values. Pure: no Spark.
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

    /** Experiment 1's target: sequential wall time / trial-parallel wall time. */
    public static final double PARALLEL_SPEEDUP = 1.8;
    /** Experiment 2's target: ASHA's best validation accuracy at most this far below the unpruned one. */
    public static final double ASHA_ACCURACY_TOLERANCE = 0.005;
    /** Experiment 2's target: ASHA trains at most this fraction of the unpruned run's epochs. */
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
                    .append(r.seed()).append(',').append(Report.csvField(r.strategy())).append(',')
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
        StringBuilder sb = new StringBuilder("| experiment | variant | seed | strategy | scheduler | at once | trials "
                + "| epochs trained | wall s | sweep s | trial s | best val accuracy | best test accuracy | best trial "
                + "| completed | early stopped | pruned | diverged | failed |\n"
                + "| --- | --- | ---: | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- "
                + "| ---: | ---: | ---: | ---: | ---: |\n");
        for (SweepRun r : runs) {
            sb.append("| ").append(r.experiment()).append(" | ").append(r.variant()).append(" | ").append(r.seed())
                    .append(" | ").append(r.strategy()).append(" | ").append(r.scheduler()).append(" | ")
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
     * The targets, in a fixed order: experiment 1's speedup, experiment 2's accuracy gap and
     * epoch fraction, experiment 3's mean difference. A target whose runs are missing (or found
     * no finished trial) is {@value #NOT_AVAILABLE}, with the reason in its detail.
     *
     * @param runs every run
     * @return the targets
     */
    public static List<Target> targets(List<SweepRun> runs) {
        List<Target> out = new ArrayList<>();
        Optional<SweepRun> parallel = find(runs, SweepCase.PARALLEL_VS_SEQUENTIAL, SweepCase.PARALLEL);
        Optional<SweepRun> sequential = find(runs, SweepCase.PARALLEL_VS_SEQUENTIAL, SweepCase.SEQUENTIAL);
        String e1 = "1 " + SweepCase.PARALLEL_VS_SEQUENTIAL;
        String speedupGoal = ">= " + Report.number(PARALLEL_SPEEDUP) + "x";
        if (parallel.isPresent() && sequential.isPresent()) {
            Ratio r = Ratio.of("speedup", OptionalDouble.of(sequential.get().wallSeconds()),
                    OptionalDouble.of(parallel.get().wallSeconds()), "");
            SweepRun p = parallel.get();
            SweepRun q = sequential.get();
            // the same trials: how much longer each took with others beside it (2x: the cores were not free)
            String detail = Report.fmt("sequential %.1f s vs %d at once %.1f s, %d trials each", q.wallSeconds(),
                    p.parallelTrials(), p.wallSeconds(), p.trials())
                    + (q.trialSeconds() > 0 ? Report.fmt("; trials' summed wall %.1f s vs %.1f s (x%.2f per trial)",
                    q.trialSeconds(), p.trialSeconds(), p.trialSeconds() / q.trialSeconds()) : "");
            out.add(r.value().isPresent()
                    ? new Target(e1, "sequential wall / parallel wall", Report.fmt("%.2fx", r.value().getAsDouble()),
                    speedupGoal, verdict(r.value().getAsDouble() >= PARALLEL_SPEEDUP), detail)
                    : new Target(e1, "sequential wall / parallel wall", NOT_AVAILABLE, speedupGoal, NOT_AVAILABLE,
                    detail + ": no positive wall time"));
        } else {
            out.add(new Target(e1, "sequential wall / parallel wall", NOT_AVAILABLE, speedupGoal, NOT_AVAILABLE,
                    missing(parallel, sequential, SweepCase.PARALLEL, SweepCase.SEQUENTIAL)));
        }

        Optional<SweepRun> asha = find(runs, SweepCase.ASHA_VS_UNPRUNED, SweepCase.ASHA);
        String e2 = "2 " + SweepCase.ASHA_VS_UNPRUNED;
        String gapMeasure = "best val accuracy, unpruned - ASHA";
        String gapGoal = Report.fmt("<= %s points (%s)", Report.number(ASHA_ACCURACY_TOLERANCE * 100),
                Report.number(ASHA_ACCURACY_TOLERANCE));
        String epochMeasure = "epochs trained, ASHA / unpruned";
        String epochGoal = "<= 1/3";
        if (parallel.isPresent() && asha.isPresent()) {
            SweepRun u = parallel.get();
            SweepRun a = asha.get();
            if (u.bestValAccuracy().isPresent() && a.bestValAccuracy().isPresent()) {
                double gap = u.bestValAccuracy().getAsDouble() - a.bestValAccuracy().getAsDouble();
                out.add(new Target(e2, gapMeasure, Report.fmt("%+.2f points", gap * 100), gapGoal,
                        verdict(gap <= ASHA_ACCURACY_TOLERANCE + 1e-12), Report.fmt("unpruned %.4f (%s), ASHA %.4f (%s)",
                        u.bestValAccuracy().getAsDouble(), u.bestTrial().orElse("?"), a.bestValAccuracy().getAsDouble(),
                        a.bestTrial().orElse("?"))));
            } else {
                out.add(new Target(e2, gapMeasure, NOT_AVAILABLE, gapGoal, NOT_AVAILABLE,
                        (u.bestValAccuracy().isEmpty() ? "the unpruned" : "the ASHA") + " run finished no trial"));
            }
            String detail = Report.fmt("ASHA %d epochs vs unpruned %d, %d trials each (%d pruned)", a.epochsTrained(),
                    u.epochsTrained(), a.trials(), a.count("PRUNED"));
            out.add(u.epochsTrained() > 0
                    ? new Target(e2, epochMeasure, Report.fmt("%.2f", (double) a.epochsTrained() / u.epochsTrained()),
                    epochGoal, verdict(a.epochsTrained() * 3 <= u.epochsTrained()), detail)
                    : new Target(e2, epochMeasure, NOT_AVAILABLE, epochGoal, NOT_AVAILABLE, detail));
        } else {
            String why = missing(parallel, asha, "unpruned (" + SweepCase.PARALLEL + ")", SweepCase.ASHA);
            out.add(new Target(e2, gapMeasure, NOT_AVAILABLE, gapGoal, NOT_AVAILABLE, why));
            out.add(new Target(e2, epochMeasure, NOT_AVAILABLE, epochGoal, NOT_AVAILABLE, why));
        }

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
        StringBuilder sb = new StringBuilder("# Spindle sweep benchmark\n\n");
        settings.forEach(s -> sb.append("- ").append(s).append('\n'));
        sb.append("\n## Targets\n\n");
        if (quick) {
            sb.append("**Quick run**: a few trials of a few epochs, far smaller than the targets are stated for; its "
                    + "verdicts only show that the benchmark works. Run without --quick for figures that count.\n\n");
        }
        sb.append(targetTable(targets(runs), quick));
        sb.append("\n1: the same ").append(runs.stream().filter(r -> r.variant().equals(SweepCase.PARALLEL)).findFirst()
                        .map(r -> r.trials() + " ").orElse(""))
                .append("random-search trials (same seed, hence the same configurations, each trained on one worker), "
                        + "two at a time on local[2] against one at a time, no pruning. 2: the same trials again, two at "
                        + "a time under ASHA, against the unpruned run of experiment 1. 3: random against TPE search with "
                        + "the same trial budget and epochs, for each seed; the best validation accuracy of each run, "
                        + "averaged over the seeds.\n");
        sb.append("\n## Runs\n\n").append(runsTable(runs));
        sb.append("\nwall s: the whole sweep call (data loading, training, the best trial's one test evaluation, the "
                + "last result-table commit), the time the ratio of experiment 1 uses. sweep s: the sweep's own clock, up "
                + "to the end of its last trial. trial s: the trials' wall times added up (trial-parallel runs overlap "
                + "them). best val accuracy: the best trial at its best epoch, on the validation split; best test "
                + "accuracy: that trial, evaluated once on the test split.\n");
        sb.append("\n## TPE vs random, best val accuracy per seed\n\n").append(searchTable(runs));
        sb.append("\n## How each run ran\n\n");
        runs.forEach(r -> sb.append("- ").append(r.experiment()).append(" / ").append(r.variant()).append(", seed ")
                .append(r.seed()).append(": ").append(r.note()).append('\n'));
        return sb.toString();
    }

    private static String verdict(boolean reached) {
        return reached ? REACHED : NOT_REACHED;
    }

    private static String missing(Optional<SweepRun> a, Optional<SweepRun> b, String aName, String bName) {
        List<String> names = new ArrayList<>();
        if (a.isEmpty()) {
            names.add(aName);
        }
        if (b.isEmpty()) {
            names.add(bName);
        }
        return "the " + String.join(" and the ", names) + " run" + (names.size() == 1 ? " is" : "s are")
                + " missing (failed or not run)";
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

    private static Optional<SweepRun> find(List<SweepRun> runs, String experiment, String variant) {
        return runs.stream().filter(r -> r.experiment().equals(experiment) && r.variant().equals(variant)).findFirst();
    }

    private static String optional(OptionalDouble v, String format) {
        return v.isPresent() ? Report.fmt(format, v.getAsDouble()) : "";
    }

    private static String orNone(OptionalDouble v, String format) {
        return v.isPresent() ? Report.fmt(format, v.getAsDouble()) : "none";
    }
}
