package io.spindle.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.ArgumentsProvider;
import org.junit.jupiter.params.provider.ArgumentsSource;

class SweepReportTest {

    private static SweepRun run(String experiment, String variant, long seed, int parallel, int epochs, double wall,
                                double bestVal) {
        OptionalDouble val = Double.isNaN(bestVal) ? OptionalDouble.empty() : OptionalDouble.of(bestVal);
        return new SweepRun(experiment, variant, seed, variant.equals(SweepCase.TPE) ? "tpe" : "random",
                variant.equals(SweepCase.ASHA) ? "asha" : "none", parallel, 24, epochs, wall, wall - 3, wall * parallel,
                val, val.isPresent() ? OptionalDouble.of(bestVal - 0.01) : OptionalDouble.empty(),
                val.isPresent() ? Optional.of("trial-0003") : Optional.empty(),
                variant.equals(SweepCase.ASHA) ? Map.of("COMPLETED", 8, "PRUNED", 16) : Map.of("COMPLETED", 24),
                variant + " note");
    }

    private static List<SweepRun> runs(double parallelWall, double sequentialWall, double unprunedBest, double ashaBest,
                                       int ashaEpochs, double[] random, double[] tpe) {
        List<SweepRun> runs = new ArrayList<>();
        runs.add(run(SweepCase.PARALLEL_VS_SEQUENTIAL, SweepCase.PARALLEL, 1, 2, 432, parallelWall, unprunedBest));
        runs.add(run(SweepCase.PARALLEL_VS_SEQUENTIAL, SweepCase.SEQUENTIAL, 1, 1, 432, sequentialWall, unprunedBest));
        runs.add(run(SweepCase.ASHA_VS_UNPRUNED, SweepCase.ASHA, 1, 2, ashaEpochs, 40, ashaBest));
        for (int i = 0; i < random.length; i++) {
            runs.add(run(SweepCase.TPE_VS_RANDOM, SweepCase.RANDOM, i + 1, 2, 120, 30, random[i]));
            runs.add(run(SweepCase.TPE_VS_RANDOM, SweepCase.TPE, i + 1, 2, 120, 30, tpe[i]));
        }
        return runs;
    }

    @Test
    void csvHasTheColumnsAndEmptyCellsForASweepThatFinishedNoTrial() {
        String csv = SweepReport.csv(List.of(
                run(SweepCase.ASHA_VS_UNPRUNED, SweepCase.ASHA, 1, 2, 130, 41.23456, 0.97123),
                run(SweepCase.TPE_VS_RANDOM, SweepCase.TPE, 5, 2, 120, 30, Double.NaN)));
        assertEquals(SweepRun.HEADER + "\n"
                + "asha-vs-unpruned,asha,1,random,asha,2,24,130,41.235,38.235,82.469,0.9712,0.9612,trial-0003,8,0,16,0,0\n"
                + "tpe-vs-random,tpe,5,tpe,none,2,24,120,30.000,27.000,60.000,,,,24,0,0,0,0\n", csv);
        assertEquals(SweepRun.HEADER.split(",").length, csv.split("\n")[1].split(",", -1).length);
    }

    /** Runs on either side of each target's line, and the verdicts they must get. */
    static final class Verdicts implements ArgumentsProvider {
        @Override
        public Stream<? extends Arguments> provideArguments(ExtensionContext context) {
            String yes = SweepReport.REACHED;
            String no = SweepReport.NOT_REACHED;
            return Stream.of(
                    // parallel wall, sequential wall, unpruned best, ASHA best, ASHA epochs, random, tpe -> verdicts
                    Arguments.of(100.0, 180.0, 0.9750, 0.9700, 144, new double[] {0.95, 0.96}, new double[] {0.95, 0.96},
                            List.of(yes, yes, yes, yes), "1.80x"),
                    Arguments.of(100.0, 179.0, 0.9750, 0.9699, 145, new double[] {0.95, 0.96}, new double[] {0.96, 0.94},
                            List.of(no, no, no, no), "1.79x"),
                    // ASHA better than unpruned is within the tolerance
                    Arguments.of(50.0, 200.0, 0.9700, 0.9800, 100, new double[] {0.90}, new double[] {0.91},
                            List.of(yes, yes, yes, yes), "4.00x"));
        }
    }

    @ParameterizedTest
    @ArgumentsSource(Verdicts.class)
    void targetsAreJudgedAtTheirStatedLines(double parallelWall, double sequentialWall, double unprunedBest,
                                            double ashaBest, int ashaEpochs, double[] random, double[] tpe,
                                            List<String> verdicts, String speedup) {
        List<SweepReport.Target> t = SweepReport.targets(runs(parallelWall, sequentialWall, unprunedBest, ashaBest,
                ashaEpochs, random, tpe));
        assertEquals(verdicts, t.stream().map(SweepReport.Target::verdict).toList(), t.toString());
        assertEquals(speedup, t.get(0).value());
    }

    @Test
    void experimentThreeAveragesOverTheSeedsWithBothRuns() {
        List<SweepRun> runs = runs(100, 190, 0.97, 0.968, 120, new double[] {0.950, 0.960, 0.940},
                new double[] {0.956, 0.958, Double.NaN});
        SweepReport.Target search = SweepReport.targets(runs).get(3);
        // seed 3's TPE run finished no trial: the means are over seeds 1 and 2
        assertEquals("+0.20 points", search.value());
        assertTrue(search.detail().contains("TPE 0.9570, random 0.9550 over 2 seeds (TPE better on 1)"), search.detail());
        String table = SweepReport.searchTable(runs);
        assertTrue(table.contains("| 1 | 0.9500 | 0.9560 | +0.60 |"), table);
        assertTrue(table.contains("| 3 | 0.9400 | none | n/a |"), table);
        assertTrue(table.contains("| mean of 2 | 0.9550 | 0.9570 | +0.20 |"), table);
    }

    @Test
    void missingRunsMakeTheirTargetsNotAvailableAndSayWhy() {
        List<SweepReport.Target> t = SweepReport.targets(List.of(
                run(SweepCase.PARALLEL_VS_SEQUENTIAL, SweepCase.PARALLEL, 1, 2, 432, 100, 0.97)));
        assertEquals(4, t.size());
        t.forEach(x -> assertEquals(SweepReport.NOT_AVAILABLE, x.verdict(), x.toString()));
        assertTrue(t.get(0).detail().contains("the sequential run is missing"), t.get(0).detail());
        assertTrue(t.get(1).detail().contains("the asha run is missing"), t.get(1).detail());
        assertTrue(t.get(3).detail().contains("no seed has both"), t.get(3).detail());
    }

    @Test
    void markdownStatesEveryTargetAndMarksQuickVerdicts() {
        List<SweepRun> runs = runs(100, 190, 0.97, 0.968, 120, new double[] {0.95}, new double[] {0.96});
        String md = SweepReport.markdown(List.of("mode: --quick"), runs, true);
        for (String target : List.of(">= 1.8x", "<= 0.5 points (0.005)", "<= 1/3", "TPE mean >= random mean")) {
            assertTrue(md.contains(target), target + " in\n" + md);
        }
        assertTrue(md.contains("| reached (quick run) |"), md);
        assertTrue(md.contains("**Quick run**"), md);
        assertTrue(md.contains("- mode: --quick\n"), md);
        assertTrue(md.contains("- asha-vs-unpruned / asha, seed 1: asha note"), md);
        assertTrue(!SweepReport.markdown(List.of(), runs, false).contains("quick run"));
    }
}
