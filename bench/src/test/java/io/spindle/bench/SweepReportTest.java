package io.spindle.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.ArgumentsProvider;
import org.junit.jupiter.params.provider.ArgumentsSource;

@Tag("fast")
class SweepReportTest {

    private static SweepRun run(String experiment, String variant, long seed, int repeat, int parallel, int epochs,
                                double wall, double bestVal) {
        OptionalDouble val = Double.isNaN(bestVal) ? OptionalDouble.empty() : OptionalDouble.of(bestVal);
        boolean mnist = experiment.equals(SweepCase.ASHA_VS_UNPRUNED);
        // a sweep that finished no trial has no best trial to read its validation rows from
        OptionalLong rows = val.isEmpty() ? OptionalLong.empty() : OptionalLong.of(mnist ? 1500 : 270);
        return new SweepRun(experiment, variant, seed, repeat, (mnist ? SweepCase.Data.MNIST10K : SweepCase.Data.DIGITS)
                .label(), rows, variant.equals(SweepCase.TPE) ? "tpe" : "random",
                variant.equals(SweepCase.ASHA) ? "asha" : "none", parallel, 24, epochs, wall, wall - 3, wall * parallel,
                val, val.isPresent() ? OptionalDouble.of(bestVal - 0.01) : OptionalDouble.empty(),
                val.isPresent() ? Optional.of("trial-0003") : Optional.empty(),
                variant.equals(SweepCase.ASHA) ? Map.of("COMPLETED", 8, "PRUNED", 16) : Map.of("COMPLETED", 24),
                variant + " note");
    }

    /**
     * The runs of a full benchmark in run order: experiment 1 on digits with a run a side per wall
     * time, in ABBA order (every run with a best of 0.5, so that a report that took experiment 2's
     * unpruned side from them would get other verdicts); experiment 2 on mnist10k for seeds 1, 2,
     * ..., an unpruned and an ASHA run each; experiment 3 on digits for seeds 1, 2, ...
     */
    private static List<SweepRun> runs(double[] parallelWalls, double[] sequentialWalls, double[] unprunedBest,
                                       double[] ashaBest, int[] ashaEpochs, double[] random, double[] tpe) {
        List<SweepRun> runs = new ArrayList<>();
        for (int r = 1; r <= Math.max(parallelWalls.length, sequentialWalls.length); r++) {
            SweepRun p = r > parallelWalls.length ? null : run(SweepCase.PARALLEL_VS_SEQUENTIAL, SweepCase.PARALLEL, 1,
                    r, 2, 432, parallelWalls[r - 1], 0.5);
            SweepRun q = r > sequentialWalls.length ? null : run(SweepCase.PARALLEL_VS_SEQUENTIAL, SweepCase.SEQUENTIAL,
                    1, r, 1, 432, sequentialWalls[r - 1], 0.5);
            for (SweepRun x : r % 2 == 1 ? new SweepRun[] {p, q} : new SweepRun[] {q, p}) {
                if (x != null) {
                    runs.add(x);
                }
            }
        }
        for (int i = 0; i < ashaBest.length; i++) {
            runs.add(run(SweepCase.ASHA_VS_UNPRUNED, SweepCase.UNPRUNED, i + 1, 1, 2, 432, 35, unprunedBest[i]));
            runs.add(run(SweepCase.ASHA_VS_UNPRUNED, SweepCase.ASHA, i + 1, 1, 2, ashaEpochs[i], 12, ashaBest[i]));
        }
        for (int i = 0; i < random.length; i++) {
            runs.add(run(SweepCase.TPE_VS_RANDOM, SweepCase.RANDOM, i + 1, 1, 2, 120, 30, random[i]));
            runs.add(run(SweepCase.TPE_VS_RANDOM, SweepCase.TPE, i + 1, 1, 2, 120, 30, tpe[i]));
        }
        return runs;
    }

    /** @return the targets without those of ASHA's promotion form (which these runs do not have) */
    private static List<SweepReport.Target> stopping(List<SweepReport.Target> all) {
        return all.stream().filter(t -> !t.measure().contains("promotion")).toList();
    }

    @Test
    void csvHasTheColumnsAndEmptyCellsForASweepThatFinishedNoTrial() {
        String csv = SweepReport.csv(List.of(
                run(SweepCase.PARALLEL_VS_SEQUENTIAL, SweepCase.PARALLEL, 1, 2, 2, 432, 30.5, 0.98),
                run(SweepCase.ASHA_VS_UNPRUNED, SweepCase.ASHA, 1, 1, 2, 130, 41.23456, 0.97123),
                run(SweepCase.TPE_VS_RANDOM, SweepCase.TPE, 5, 1, 2, 120, 30, Double.NaN)));
        assertEquals(SweepRun.HEADER + "\n"
                + "parallel-vs-sequential,parallel,1,2,digits,270,random,none,2,24,432,30.500,27.500,61.000,0.9800,"
                + "0.9700,trial-0003,24,0,0,0,0\n"
                + "asha-vs-unpruned,asha,1,1,mnist10k,1500,random,asha,2,24,130,41.235,38.235,82.469,0.9712,0.9612,"
                + "trial-0003,8,0,16,0,0\n"
                + "tpe-vs-random,tpe,5,1,digits,,tpe,none,2,24,120,30.000,27.000,60.000,,,,24,0,0,0,0\n", csv);
        assertEquals(List.of("repeat", "dataset", "validation_rows"), List.of(SweepRun.HEADER.split(",")).subList(3, 6));
        for (String line : csv.split("\n")) {
            assertEquals(SweepRun.HEADER.split(",").length, line.split(",", -1).length, line);
        }
    }

    /** Runs on either side of each target's line, and the verdicts they must get. */
    static final class Verdicts implements ArgumentsProvider {
        @Override
        public Stream<? extends Arguments> provideArguments(ExtensionContext context) {
            String yes = SweepReport.REACHED;
            String no = SweepReport.NOT_REACHED;
            return Stream.of(
                    // parallel walls, sequential walls, unpruned best, ASHA best, ASHA epochs per seed, random, tpe
                    // -> verdicts, speedup, mean gap, mean epoch ratio
                    Arguments.of(new double[] {100, 110}, new double[] {180, 200}, new double[] {0.975, 0.970, 0.980},
                            new double[] {0.970, 0.968, 0.972}, new int[] {144, 144, 144}, new double[] {0.95, 0.96},
                            new double[] {0.95, 0.96}, List.of(yes, yes, yes, yes), "1.81x", "+0.50 points", "0.33"),
                    Arguments.of(new double[] {100, 100}, new double[] {179, 179}, new double[] {0.975, 0.975, 0.975},
                            new double[] {0.9699, 0.970, 0.970}, new int[] {145, 144, 144}, new double[] {0.95, 0.96},
                            new double[] {0.96, 0.94}, List.of(no, no, no, no), "1.79x", "+0.50 points", "0.33"),
                    // the medians (here means of two) decide, not the first run of each side
                    Arguments.of(new double[] {100, 120}, new double[] {200, 196}, new double[] {0.975},
                            new double[] {0.975}, new int[] {144}, new double[] {0.95}, new double[] {0.95},
                            List.of(yes, yes, yes, yes), "1.80x", "+0.00 points", "0.33"),
                    // the means over seeds decide: seed 1 alone misses both of experiment 2's targets
                    Arguments.of(new double[] {100, 100}, new double[] {150, 150}, new double[] {0.980, 0.970, 0.975},
                            new double[] {0.970, 0.975, 0.975}, new int[] {180, 100, 120}, new double[] {0.95},
                            new double[] {0.95}, List.of(no, yes, yes, yes), "1.50x", "+0.17 points", "0.31"),
                    // and the other way round: one bad seed pulls the means over the lines
                    Arguments.of(new double[] {100, 100}, new double[] {180, 180}, new double[] {0.975, 0.975, 0.990},
                            new double[] {0.975, 0.975, 0.970}, new int[] {100, 100, 300}, new double[] {0.95},
                            new double[] {0.95}, List.of(yes, no, no, yes), "1.80x", "+0.67 points", "0.39"),
                    // one run a side and one seed (--quick); ASHA better than unpruned is within the tolerance
                    Arguments.of(new double[] {50}, new double[] {200}, new double[] {0.970}, new double[] {0.980},
                            new int[] {100}, new double[] {0.90}, new double[] {0.91}, List.of(yes, yes, yes, yes),
                            "4.00x", "-1.00 points", "0.23"));
        }
    }

    @ParameterizedTest
    @ArgumentsSource(Verdicts.class)
    void targetsAreJudgedAtTheirStatedLines(double[] parallelWalls, double[] sequentialWalls, double[] unprunedBest,
                                            double[] ashaBest, int[] ashaEpochs, double[] random, double[] tpe,
                                            List<String> verdicts, String speedup, String gap, String epochRatio) {
        List<SweepReport.Target> t = stopping(SweepReport.targets(runs(parallelWalls, sequentialWalls, unprunedBest, ashaBest,
                ashaEpochs, random, tpe)));
        assertEquals(verdicts, t.stream().map(SweepReport.Target::verdict).toList(), t.toString());
        assertEquals(speedup, t.get(0).value());
        assertEquals(gap, t.get(1).value());
        assertEquals(epochRatio, t.get(2).value());
    }

    @Test
    void experimentOneSaysWhichRunsItsMediansComeFrom() {
        List<SweepRun> runs = runs(new double[] {100, 110}, new double[] {190, 180}, new double[] {0.97},
                new double[] {0.97}, new int[] {144}, new double[] {0.95}, new double[] {0.95});
        assertEquals(List.of("parallel 1", "sequential 1", "sequential 2", "parallel 2"),
                runs.subList(0, 4).stream().map(r -> r.variant() + " " + r.repeat()).toList(), "ABBA");
        SweepReport.Target speedup = SweepReport.targets(runs).get(0);
        assertEquals("1.76x", speedup.value());
        assertTrue(speedup.detail().startsWith("sequential median 185.0 s of 2 runs (190.0, 180.0 s) vs 2 at once "
                + "median 105.0 s of 2 runs (100.0, 110.0 s), 24 trials each; trials' summed wall (medians)"),
                speedup.detail());
        assertEquals(185.0, SweepReport.median(runs.subList(1, 3), SweepRun::wallSeconds));
        assertEquals(180.0, SweepReport.median(runs.subList(0, 3), SweepRun::wallSeconds), "odd count: the middle one");
    }

    @Test
    void experimentTwoComparesEverySeedWithItsOwnUnprunedRunOnMnistAndAveragesOverSeeds() {
        List<SweepRun> runs = runs(new double[] {100, 100}, new double[] {180, 180}, new double[] {0.980, 0.970, 0.975},
                new double[] {0.970, 0.975, 0.975}, new int[] {180, 100, 120}, new double[] {0.95}, new double[] {0.95});
        List<SweepReport.AshaSeed> seeds = SweepReport.ashaSeeds(runs);
        assertEquals(List.of(1L, 2L, 3L), seeds.stream().map(SweepReport.AshaSeed::seed).toList());
        for (SweepReport.AshaSeed a : seeds) {
            SweepRun u = a.unpruned().orElseThrow();
            assertEquals(SweepCase.ASHA_VS_UNPRUNED + " " + SweepCase.UNPRUNED + " " + a.seed(),
                    u.experiment() + " " + u.variant() + " " + u.seed(), "seed 1 too: experiment 1 ran on digits");
        }

        List<SweepReport.Target> t = stopping(SweepReport.targets(runs));
        String on = "on mnist10k, 1500 validation rows (one row is 0.067 points): ";
        assertTrue(t.get(1).detail().startsWith(on + "unpruned 0.9750, ASHA 0.9733, means over 3 seeds [1, 2, 3] "
                + "(within 0.5 points on 2 of 3)"), t.get(1).detail());
        assertTrue(t.get(2).detail().startsWith(on + "ASHA 133 epochs vs unpruned 432, 24 trials each, 16.0 pruned, "
                + "means over 3 seeds"), t.get(2).detail());
        assertEquals("<= 0.5 points (0.005)", t.get(1).goal());
        assertEquals("<= 1/3", t.get(2).goal());
        String table = SweepReport.ashaTable(runs);
        String mnist = "mnist10k, 1500 validation rows (one row is 0.067 points)";
        assertTrue(table.contains("| 1 | " + mnist + " | 0.9800 | 0.9700 | +1.00 | 432 | 180 | 0.42 |"), table);
        assertTrue(table.contains("| 2 | " + mnist + " | 0.9700 | 0.9750 | -0.50 | 432 | 100 | 0.23 |"), table);
        assertTrue(table.contains("| 3 | " + mnist + " | 0.9750 | 0.9750 | +0.00 | 432 | 120 | 0.28 |"), table);
        assertTrue(table.contains("| mean of 3 |  | 0.9750 | 0.9733 | +0.17 | 432.0 | 133.3 | 0.31 |"), table);
    }

    @Test
    void experimentOnesParallelRunIsNeverExperimentTwosUnprunedSide() {
        List<SweepRun> runs = new ArrayList<>(runs(new double[] {100}, new double[] {180}, new double[] {0.98, 0.97},
                new double[] {0.975, 0.97}, new int[] {144, 100}, new double[] {0.95}, new double[] {0.95}));
        // seed 1's unpruned run failed: experiment 1's parallel run of seed 1 (digits) must not stand in
        runs.removeIf(r -> r.variant().equals(SweepCase.UNPRUNED) && r.seed() == 1);
        assertTrue(SweepReport.ashaSeeds(runs).get(0).unpruned().isEmpty());
        List<SweepReport.Target> t = stopping(SweepReport.targets(runs));
        assertEquals("+0.00 points", t.get(1).value());
        assertTrue(t.get(1).detail().contains("over 1 seed [2]"), t.get(1).detail());

        List<SweepReport.Target> onlyExperimentOne = SweepReport.targets(List.of(
                run(SweepCase.PARALLEL_VS_SEQUENTIAL, SweepCase.PARALLEL, 1, 1, 2, 432, 100, 0.97),
                run(SweepCase.ASHA_VS_UNPRUNED, SweepCase.ASHA, 1, 1, 2, 144, 12, 0.97)));
        assertEquals(SweepReport.NOT_AVAILABLE, onlyExperimentOne.get(1).verdict());
        assertTrue(onlyExperimentOne.get(1).detail().contains("no asha run has an unpruned run of its seed"),
                onlyExperimentOne.get(1).detail());
    }

    @Test
    void dataNamesTheDataSetsTheirValidationRowsAndWhatOneRowIsInPoints() {
        SweepRun digits = run(SweepCase.TPE_VS_RANDOM, SweepCase.RANDOM, 1, 1, 2, 120, 30, 0.95);
        SweepRun mnist = run(SweepCase.ASHA_VS_UNPRUNED, SweepCase.ASHA, 1, 1, 2, 100, 30, 0.95);
        SweepRun failed = run(SweepCase.ASHA_VS_UNPRUNED, SweepCase.UNPRUNED, 1, 1, 2, 0, 30, Double.NaN);
        assertEquals("digits, 270 validation rows (one row is 0.370 points)", SweepReport.data(List.of(digits, digits)));
        assertEquals("mnist10k, 1500 validation rows (one row is 0.067 points) / mnist10k, validation rows unknown "
                + "(no trial finished)", SweepReport.data(List.of(mnist, failed)));
        assertEquals("none", SweepReport.data(List.of()));
    }

    @Test
    void experimentTwoLeavesOutASeedWithoutItsUnprunedRun() {
        List<SweepRun> runs = new ArrayList<>(runs(new double[] {100}, new double[] {180}, new double[] {0.98, 0.97},
                new double[] {0.975, 0.90}, new int[] {144, 100}, new double[] {0.95}, new double[] {0.95}));
        // seed 2's unpruned run failed
        runs.removeIf(r -> r.variant().equals(SweepCase.UNPRUNED) && r.seed() == 2);
        List<SweepReport.Target> t = stopping(SweepReport.targets(runs));
        assertEquals("+0.50 points", t.get(1).value());
        assertTrue(t.get(1).detail().contains("over 1 seed [1]"), t.get(1).detail());
        String table = SweepReport.ashaTable(runs);
        assertTrue(table.contains("| 2 | mnist10k, 1500 validation rows (one row is 0.067 points) | none | 0.9000 | n/a "
                + "| none | 100 | n/a |"), table);
        assertTrue(table.contains("| mean of 1 |"), table);
    }

    @Test
    void experimentThreeAveragesOverTheSeedsWithBothRuns() {
        List<SweepRun> runs = runs(new double[] {100}, new double[] {190}, new double[] {0.97}, new double[] {0.968},
                new int[] {120}, new double[] {0.950, 0.960, 0.940}, new double[] {0.956, 0.958, Double.NaN});
        SweepReport.Target search = stopping(SweepReport.targets(runs)).get(3);
        // seed 3's TPE run finished no trial: the means are over seeds 1 and 2
        assertEquals("+0.20 points", search.value());
        assertTrue(search.detail().contains("TPE 0.9570, random 0.9550 over 2 seeds (TPE better on 1)"), search.detail());
        String table = SweepReport.searchTable(runs);
        assertTrue(table.contains("| 1 | 0.9500 | 0.9560 | +0.60 |"), table);
        assertTrue(table.contains("| 3 | 0.9400 | none | n/a |"), table);
        assertTrue(table.contains("| mean of 2 | 0.9550 | 0.9570 | +0.20 |"), table);
    }

    @Test
    void eachFormOfAshaIsJudgedOnItsOwnRunsAgainstTheSameUnprunedRuns() {
        List<SweepRun> runs = new ArrayList<>(runs(new double[] {100}, new double[] {150}, new double[] {0.975, 0.970},
                new double[] {0.975, 0.970}, new int[] {144, 144}, new double[] {0.95}, new double[] {0.95}));
        runs.add(run(SweepCase.ASHA_VS_UNPRUNED, SweepCase.ASHA_PROMOTION, 1, 1, 2, 100, 12, 0.965));
        runs.add(run(SweepCase.ASHA_VS_UNPRUNED, SweepCase.ASHA_PROMOTION, 2, 1, 2, 120, 12, 0.970));
        List<SweepReport.Target> t = SweepReport.targets(runs);
        assertEquals("+0.00 points", t.get(1).value(), "the stopping form: " + t.get(1));
        assertEquals("0.33", t.get(2).value());
        assertEquals("mean best val accuracy over seeds, unpruned - ASHA (promotion)", t.get(3).measure());
        // (0.975 - 0.965 + 0.970 - 0.970) / 2 and (100 / 432 + 120 / 432) / 2
        assertEquals("+0.50 points", t.get(3).value(), t.get(3).toString());
        assertEquals("0.25", t.get(4).value(), t.get(4).toString());
        assertEquals(SweepReport.REACHED, t.get(4).verdict());
        String table = SweepReport.ashaTable(runs, SweepCase.ASHA_PROMOTION);
        assertTrue(table.contains("| 1 | mnist10k, 1500 validation rows (one row is 0.067 points) | 0.9750 | 0.9650 | +1.00 "
                + "| 432 | 100 | 0.23 |"), table);
    }

    @Test
    void missingRunsMakeTheirTargetsNotAvailableAndSayWhy() {
        List<SweepReport.Target> all = SweepReport.targets(List.of(
                run(SweepCase.PARALLEL_VS_SEQUENTIAL, SweepCase.PARALLEL, 1, 1, 2, 432, 100, 0.97)));
        assertEquals(6, all.size());
        assertTrue(all.get(3).detail().contains("the asha-promotion runs are missing"), all.get(3).detail());
        assertTrue(all.get(4).measure().contains("ASHA (promotion) / unpruned"), all.get(4).measure());
        List<SweepReport.Target> t = stopping(all);
        assertEquals(4, t.size());
        t.forEach(x -> assertEquals(SweepReport.NOT_AVAILABLE, x.verdict(), x.toString()));
        assertTrue(t.get(0).detail().contains("the sequential runs are missing"), t.get(0).detail());
        assertTrue(t.get(1).detail().contains("the asha runs are missing"), t.get(1).detail());
        assertTrue(t.get(3).detail().contains("no seed has both"), t.get(3).detail());

        List<SweepReport.Target> noUnpruned = SweepReport.targets(List.of(
                run(SweepCase.ASHA_VS_UNPRUNED, SweepCase.ASHA, 2, 1, 2, 144, 12, 0.97)));
        assertTrue(noUnpruned.get(2).detail().contains("no asha run has an unpruned run of its seed"),
                noUnpruned.get(2).detail());
    }

    @Test
    void markdownStatesEveryTargetHowTheRunsRanAndMarksQuickVerdicts() {
        List<SweepRun> runs = runs(new double[] {100, 104}, new double[] {190, 192}, new double[] {0.97, 0.975},
                new double[] {0.968, 0.97}, new int[] {120, 130}, new double[] {0.95}, new double[] {0.96});
        String md = SweepReport.markdown(List.of("mode: --quick"), runs, true);
        for (String target : List.of(">= 1.8x", "<= 0.5 points (0.005)", "<= 1/3", "TPE mean >= random mean")) {
            assertTrue(md.contains(target), target + " in\n" + md);
        }
        assertTrue(md.contains("| reached (quick run) |"), md);
        assertTrue(md.contains("**Quick run**"), md);
        assertTrue(md.contains("- mode: --quick\n"), md);
        assertTrue(md.contains("4 runs in the order parallel, sequential, sequential, parallel (ABBA"), md);
        assertTrue(md.contains("the ratio is of each side's median wall time"), md);
        assertTrue(md.contains("for 2 search seeds [1, 2]"), md);
        assertTrue(md.contains("1 (on digits, 270 validation rows (one row is 0.370 points)): the same 24 "), md);
        assertTrue(md.contains(" 2 (on mnist10k, 1500 validation rows (one row is 0.067 points), so that its 0.5-point "
                + "target is more than a few validation rows): 24 random-search trials two at a time under ASHA"), md);
        assertTrue(md.contains("one of its own for every seed"), md);
        assertTrue(md.contains(" 3 (on digits, 270 validation rows (one row is 0.370 points)): random against TPE"), md);
        assertTrue(md.contains("| asha-vs-unpruned | asha | 2 | 1 | mnist10k | 1500 | random | asha |"), md);
        assertTrue(md.contains("judged, for each form, on the means over the seeds"), md);
        assertTrue(md.contains("## ASHA's promotion form vs unpruned, per seed"), md);
        assertTrue(md.contains("| experiment | variant | seed | repeat | data | val rows | strategy |"), md);
        assertTrue(md.contains("| parallel-vs-sequential | parallel | 1 | 2 | digits | 270 | random |"), md);
        assertTrue(md.contains("## ASHA vs unpruned, per seed"), md);
        assertTrue(md.contains("| mean of 2 |  |"), md);
        assertTrue(md.contains("- parallel-vs-sequential / parallel, seed 1, repeat 2: parallel note"), md);
        assertTrue(md.contains("- asha-vs-unpruned / unpruned, seed 2: unpruned note"), md);
        assertTrue(!SweepReport.markdown(List.of(), runs, false).contains("quick run"));

        String once = SweepReport.markdown(List.of(), runs(new double[] {100}, new double[] {190}, new double[] {0.97},
                new double[] {0.968}, new int[] {120}, new double[] {0.95}, new double[] {0.96}), true);
        assertTrue(once.contains("one run a side, in the order parallel, sequential; the ratio is of their wall times"),
                once);
        assertTrue(once.contains("for 1 search seed [1]"), once);
    }

    @Test
    void theCoresCeilingStandsBesideExperimentOnesRatio() {
        List<SweepRun> runs = runs(new double[] {100, 110}, new double[] {120, 130}, new double[] {0.97},
                new double[] {0.968}, new int[] {120}, new double[] {0.95}, new double[] {0.96});
        CoreCeiling m = new CoreCeiling(10_000, 12_500, new double[] {10_000, 9_000, 11_000},
                new double[] {12_500, 12_000, 13_000});
        String md = SweepReport.markdown(List.of(), runs, false,
                Optional.of(new SweepReport.Ceiling("MLP 64-128-10, batch 32, digits", m)));
        // sequential / parallel: the medians 125 / 105 (the mean of the two runs a side)
        assertTrue(md.contains("## The cores' ceiling\n\n| network | one thread alone, samples/s | two trainings at once, "
                + "together | two / one | experiment 1, sequential / parallel |\n| --- | ---: | ---: | ---: | ---: |\n"
                + "| MLP 64-128-10, batch 32, digits | 10,000 | 12,500 | 1.25x | 1.19x |\n"), md);
        assertTrue(md.contains("one thread alone 10,000 samples/s (10,000 / 9,000 / 11,000)"), md);
        assertTrue(!SweepReport.markdown(List.of(), runs, false).contains("## The cores' ceiling"));
        String noExperimentOne = SweepReport.ceilingSection(new SweepReport.Ceiling("n", m), List.of());
        assertTrue(noExperimentOne.contains("| n | 10,000 | 12,500 | 1.25x | n/a |"), noExperimentOne);
    }
}
