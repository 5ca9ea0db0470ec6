package io.spindle.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@Tag("fast")
class ReportTest {

    private static SystemRun run(String caseName, String system, double... secondsAndAccuracy) {
        List<EpochPoint> points = new java.util.ArrayList<>();
        for (int i = 0; i < secondsAndAccuracy.length; i += 2) {
            points.add(new EpochPoint(i / 2 + 1, secondsAndAccuracy[i], 1000L * (i / 2 + 1), secondsAndAccuracy[i + 1]));
        }
        return new SystemRun(caseName, system, points, system + " note");
    }

    @Test
    void trainingCsvHasTheColumnsAndAnEmptyCellForAnUnreachedTarget() {
        String csv = Report.trainingCsv(List.of(
                new ResultRow("mnist-mlp", "spindle-2w", 12345.678, OptionalDouble.of(4.56789), 0.96123, 12),
                new ResultRow("mnist-mlp", "dl4j-patm-avg5", 300, OptionalDouble.empty(), 0.9, 5)));
        assertEquals("case,system,samples_per_s,seconds_to_target,final_accuracy,epochs\n"
                + "mnist-mlp,spindle-2w,12345.7,4.568,0.9612,12\n"
                + "mnist-mlp,dl4j-patm-avg5,300.0,,0.9000,5\n", csv);
    }

    @Test
    void csvFieldsWithCommasOrQuotesAreQuoted() {
        assertEquals("plain", Report.csvField("plain"));
        assertEquals("\"a,b\"", Report.csvField("a,b"));
        assertEquals("\"say \"\"hi\"\"\"", Report.csvField("say \"hi\""));
    }

    @Test
    void roundsCsvHasOneLinePerCase() {
        String csv = Report.roundsCsv(List.of(new RoundCosts("mnist-mlp", 2, 63, 12, 1.5, 2.25, 300, 40, 345, 2_821_752)));
        assertEquals(RoundCosts.HEADER + "\nmnist-mlp,2,63,12,1.500,2.250,300.000,40.000,345.000,2821752\n", csv);
    }

    @Test
    void markdownTableMirrorsTheCsv() {
        String md = Report.trainingTable(List.of(
                new ResultRow("mnist-mlp", "spindle-2w", 12345.678, OptionalDouble.of(4.56789), 0.96123, 12),
                new ResultRow("mnist-mlp", "mllib-mlp-lbfgs", 9000, OptionalDouble.empty(), 0.93, 100)), 0.95);
        assertEquals("| case | system | samples/s | seconds to 95% | final accuracy | epochs |\n"
                + "| --- | --- | ---: | ---: | ---: | ---: |\n"
                + "| mnist-mlp | spindle-2w | 12,346 | 4.6 | 0.9612 | 12 |\n"
                + "| mnist-mlp | mllib-mlp-lbfgs | 9,000 | not reached | 0.9300 | 100 |\n", md);
    }

    @Test
    void ratiosCompareTheRightRunsAndSayWhatIsMissing() {
        List<SystemRun> runs = List.of(
                run(Systems.MNIST, Systems.SINGLE_JVM, 1, 0.90, 2, 0.95, 3, 0.96),   // 1000 samples/s at 3 s
                run(Systems.MNIST, Systems.SPINDLE, 0.5, 0.91, 1, 0.93, 1.5, 0.95), // 2000 samples/s at 1.5 s
                run(Systems.MNIST, Systems.PATM_20, 4, 0.80, 8, 0.90, 12, 0.94),
                run(Systems.MNIST, Systems.MLLIB, 5, 0.90, 10, 0.92));
        List<Ratio> r = Report.ratios(runs, 0.95);
        assertEquals(8, r.size());
        assertEquals(2.0, r.get(0).value().getAsDouble(), 1e-12);        // samples/s
        assertEquals(2.0 / 1.5, r.get(1).value().getAsDouble(), 1e-12);  // time to 95%
        assertTrue(r.get(2).value().isEmpty());                           // the lr-scaled variant not run
        assertTrue(r.get(3).value().isEmpty());                           // PATM avg-5 not run
        assertTrue(r.get(3).detail().contains("not run"));
        assertEquals(2000.0 / 250, r.get(4).value().getAsDouble(), 1e-12);
        // MLlib's final 0.92 took its last fit 10 s; Spindle first reached it (0.93) at 1 s
        assertEquals(10.0, r.get(5).value().getAsDouble(), 1e-12);
        assertTrue(r.get(6).value().isEmpty());                           // the lr-scaled variant not run
        assertTrue(r.get(7).value().isEmpty());                           // large case not run
    }

    @Test
    void anUnreachedTargetGivesNoRatio() {
        List<SystemRun> runs = List.of(run(Systems.MNIST, Systems.SINGLE_JVM, 1, 0.90),
                run(Systems.MNIST, Systems.SPINDLE, 1, 0.96));
        Ratio time = Report.ratios(runs, 0.95).get(1);
        assertTrue(time.value().isEmpty());
        assertTrue(time.detail().contains("dl4j-single-jvm not reached"), time.detail());
    }

    @Test
    void markdownReportHasEverySectionAndWritesToAFile(@TempDir Path dir) throws Exception {
        List<SystemRun> runs = List.of(run(Systems.MNIST, Systems.SPINDLE, 1, 0.96));
        List<ResultRow> rows = runs.stream().map(x -> ResultRow.of(x, 0.95)).toList();
        RoundCosts rc = new RoundCosts(Systems.MNIST, 2, 63, 1, 1, 1, 300, 8, 310, 2_821_752);
        String md = Report.markdown(List.of("mode: test"), rows, runs, List.of(rc),
                Map.of(Systems.MNIST, new CostModel(300, 10, 2_821_752, 5_643_504)), 10, 0.95);
        for (String section : List.of("## Results", "## Target ratios", "## Spindle per-round costs",
                "## Cost model (10 Gbit/s)", "## How each system ran", "## Accuracy per evaluation", "spindle-2w note")) {
            assertTrue(md.contains(section), section);
        }
        for (int n : Report.MODEL_WORKERS) {
            assertTrue(md.contains("| " + Systems.MNIST + " | " + n + " | 300.0 |"), "cost model row for " + n);
        }
        Path file = dir.resolve("sub").resolve(Report.TRAINING_MD);
        Report.write(file, md);
        assertEquals(md, Files.readString(file));
    }

    @ParameterizedTest(name = "standalone {0} vs local {1} samples/s -> {2}")
    @CsvSource({"2000, 2000, 1.00x, reached", "1600, 2000, 0.80x, reached", "1598, 2000, 0.80x, not reached",
            "1000, 2000, 0.50x, not reached", "3000, 2000, 1.50x, reached"})
    void standaloneRatioIsClusterOverLocalSamplesPerSecondAndJudgedAgainstTheTarget(double cluster, double local,
                                                                                     String shown, String verdict) {
        // 3 epochs of 1000 rows: samples/s = 3000 / the last point's seconds
        List<SystemRun> runs = List.of(run(Systems.MNIST, Systems.SPINDLE, 1000 / local, 0.9, 2000 / local, 0.93,
                        3000 / local, 0.95),
                run(Systems.MNIST, Systems.SPINDLE_STANDALONE, 1000 / cluster, 0.9, 2000 / cluster, 0.93, 3000 / cluster,
                        0.95));
        Ratio r = Report.standaloneRatio(runs).orElseThrow();
        assertEquals(cluster / local, r.value().getAsDouble(), 1e-9);
        assertEquals(Report.ratios(runs, 0.95).get(8), r, "listed after the other ratios");
        String line = Report.standaloneTarget(r);
        assertEquals("mnist-mlp: standalone 2 workers >= 0.8x local[2] (samples/s): " + verdict + " (" + shown + ")", line);
    }

    @Test
    void theClusterIsAlsoComparedWithTheSameJobOnLocalInAFreshJvm() {
        // warm local[2]: 0.5 s an epoch; fresh local[2]: 1.5 s, then 0.5 s; cluster: 2.0 s, then 0.8 s
        List<SystemRun> runs = List.of(run(Systems.MNIST, Systems.SPINDLE, 0.5, 0.9, 1.0, 0.93, 1.5, 0.95),
                run(Systems.MNIST, Systems.SPINDLE_LOCAL_SUBMIT, 1.5, 0.9, 2.0, 0.93, 2.5, 0.95),
                run(Systems.MNIST, Systems.SPINDLE_STANDALONE, 2.0, 0.9, 2.8, 0.93, 3.6, 0.95));
        Ratio fresh = Report.standaloneFreshRatio(runs).orElseThrow();
        assertEquals(2.5 / 3.6, fresh.value().getAsDouble(), 1e-9);
        assertEquals(Report.ratios(runs, 0.95).get(9), fresh, "listed after the warm local[2] ratio");
        assertEquals("mnist-mlp: standalone 2 workers >= 0.8x local[2], both spindle train in fresh JVMs (samples/s): "
                + "not reached (0.69x)", Report.standaloneFreshTarget(fresh));
        assertEquals(1.5 / 3.6, Report.standaloneRatio(runs).orElseThrow().value().getAsDouble(), 1e-9);
        String md = Report.markdown(List.of(), runs.stream().map(x -> ResultRow.of(x, 0.95)).toList(), runs, List.of(),
                Map.of(), 10, 0.95);
        assertTrue(md.contains("not reached (0.42x)\n- mnist-mlp: standalone 2 workers >= 0.8x local[2], both spindle "
                + "train in fresh JVMs (samples/s): not reached (0.69x)\n"), md);
        assertTrue(md.contains("standalone 1,250 samples/s, local[2] 2,000 samples/s, ratio 0.63x; local[2] in a fresh "
                + "JVM 2,000 samples/s, ratio 0.63x"), md);
        assertTrue(md.contains("| mnist-mlp | spindle-2w-local-submit | 1,200 |"), md);
    }

    @Test
    void withoutAStandaloneRunThereIsNoStandaloneRatioOrSection() {
        List<SystemRun> runs = List.of(run(Systems.MNIST, Systems.SPINDLE, 1, 0.96));
        assertTrue(Report.standaloneRatio(runs).isEmpty());
        assertTrue(Report.standaloneFreshRatio(runs).isEmpty());
        assertTrue(Report.standaloneAfterFirstEpoch(runs).isEmpty());
        assertEquals(8, Report.ratios(runs, 0.95).size());
        String md = Report.markdown(List.of(), runs.stream().map(x -> ResultRow.of(x, 0.95)).toList(), runs, List.of(),
                Map.of(), 10, 0.95);
        assertFalse(md.contains("## Standalone cluster"));
    }

    @Test
    void aStandaloneRunWithoutItsLocalRunIsNotMeasured() {
        List<SystemRun> runs = List.of(run(Systems.MNIST, Systems.SPINDLE_STANDALONE, 1, 0.96));
        Ratio r = Report.standaloneRatio(runs).orElseThrow();
        assertTrue(r.value().isEmpty());
        assertTrue(Report.standaloneTarget(r).endsWith("not measured (spindle-2w-standalone 1,000 samples/s vs not run)"),
                Report.standaloneTarget(r));
    }

    @Test
    void markdownHasAStandaloneSectionWithTheTargetAndTheWarmUpFreeComparison() {
        // local: 1000 rows per epoch in 0.5 s each; standalone: a slow first epoch (2 s), then 0.5 s each
        List<SystemRun> runs = List.of(run(Systems.MNIST, Systems.SPINDLE, 0.5, 0.9, 1.0, 0.93, 1.5, 0.95),
                run(Systems.MNIST, Systems.SPINDLE_STANDALONE, 2.0, 0.9, 2.5, 0.93, 3.0, 0.95));
        List<ResultRow> rows = runs.stream().map(x -> ResultRow.of(x, 0.95)).toList();
        String md = Report.markdown(List.of(), rows, runs, List.of(), Map.of(), 10, 0.95);
        assertTrue(md.contains("| mnist-mlp | spindle-2w-standalone | 1,000 |"), md);
        assertTrue(md.contains("\n## Standalone cluster\n\n- mnist-mlp: standalone 2 workers >= 0.8x local[2] "
                + "(samples/s): not reached (0.50x)\n"), md);
        assertTrue(md.contains("standalone 2,000 samples/s, local[2] 2,000 samples/s, ratio 1.00x"), md);
        assertTrue(Report.trainingCsv(rows).contains("\nmnist-mlp,spindle-2w-standalone,1000.0,3.000,0.9500,3\n"));
        assertFalse(md.contains("bytes per round"), "no rounds measured, no bytes");
        // with local[2]'s measured rounds: the bytes every round moves
        String withRounds = Report.markdown(List.of(), rows, runs,
                List.of(new RoundCosts(Systems.MNIST, 2, 31, 24, 0, 8, 228, 47, 286, 2_821_752)), Map.of(), 10, 0.95);
        assertTrue(withRounds.contains("- bytes per round: 2.82 MB of parameters and updater state (float32) to each of "
                + "the 2 executors and 2.82 MB back from each, 11.29 MB in all, every 31 minibatches per worker\n"),
                withRounds);
    }

    private static SystemRun rmseRun(String system, double... secondsAndRmse) {
        List<EpochPoint> points = new java.util.ArrayList<>();
        for (int i = 0; i < secondsAndRmse.length; i += 2) {
            points.add(new EpochPoint(i / 2 + 1, secondsAndRmse[i], 1000L * (i / 2 + 1), secondsAndRmse[i + 1],
                    Quality.RMSE));
        }
        return new SystemRun(Systems.CO2, system, points, system + " note");
    }

    @Test
    void rmseRowsGetTheirOwnCsvAndTableAndStayOutOfTheAccuracyOnes() {
        List<ResultRow> rows = List.of(
                new ResultRow("mnist-mlp", "spindle-2w", 12345.678, OptionalDouble.of(4.56789), 0.96123, 12),
                new ResultRow(Systems.CO2, "spindle-2w", 567.89, OptionalDouble.empty(), 0.41234, 20, Quality.RMSE));
        assertEquals(ResultRow.HEADER + "\nmnist-mlp,spindle-2w,12345.7,4.568,0.9612,12\n", Report.trainingCsv(rows));
        assertEquals("case,system,samples_per_s,final_rmse,epochs\nco2-lstm,spindle-2w,567.9,0.4123,20\n",
                Report.rmseCsv(rows));
        assertEquals(Report.trainingTable(rows, 0.95) + "\n| case | system | samples/s | final test RMSE | epochs |\n"
                + "| --- | --- | ---: | ---: | ---: |\n| co2-lstm | spindle-2w | 568 | 0.4123 | 20 |\n",
                Report.resultTables(rows, 0.95));
        assertEquals(Report.trainingTable(rows.subList(0, 1), 0.95), Report.resultTables(rows.subList(0, 1), 0.95),
                "without RMSE rows the results are the accuracy table alone, as before");
        assertFalse(Report.resultTables(rows.subList(1, 2), 0.95).contains("seconds to"));
    }

    @ParameterizedTest(name = "spindle {0} vs single {1} samples/s -> {2}")
    @CsvSource({"1300, 1000, 1.30x, reached", "1299, 1000, 1.30x, not reached", "700, 1000, 0.70x, not reached"})
    void sequenceRatioIsSpindleOverSingleJvmJudgedAgainst1point3(double spindle, double single, String shown,
                                                                  String verdict) {
        List<SystemRun> runs = List.of(rmseRun(Systems.SINGLE_JVM, 1000 / single, 0.6, 2000 / single, 0.5),
                rmseRun(Systems.SPINDLE, 1000 / spindle, 0.7, 2000 / spindle, 0.55));
        Ratio r = Report.sequenceRatio(runs).orElseThrow();
        assertEquals(spindle / single, r.value().getAsDouble(), 1e-9);
        assertEquals(List.of(r), Report.ratios(runs, 0.95), "only the sequence case ran: no MNIST ratios");
        assertEquals("co2-lstm: Spindle 2 workers >= 1.3x single JVM (samples/s): " + verdict + " (" + shown + ")",
                Report.sequenceTarget(r));
        String details = Report.sequenceDetails(runs).orElseThrow();
        assertTrue(details.contains("final test RMSE: Spindle 0.5500, single JVM 0.5000"), details);
    }

    @Test
    void theSequenceRatioFollowsTheMnistOnesAndIsAbsentWithoutTheCase() {
        List<SystemRun> mnist = List.of(run(Systems.MNIST, Systems.SPINDLE, 1, 0.96));
        assertTrue(Report.sequenceRatio(mnist).isEmpty());
        List<SystemRun> both = List.of(mnist.get(0), rmseRun(Systems.SPINDLE, 1, 0.5));
        List<Ratio> r = Report.ratios(both, 0.95);
        assertEquals(9, r.size());
        assertEquals(Report.ratios(mnist, 0.95), r.subList(0, 8));
        assertTrue(r.get(8).value().isEmpty(), "the single JVM did not run");
        assertTrue(Report.sequenceTarget(r.get(8)).contains("not measured"), Report.sequenceTarget(r.get(8)));
    }

    @Test
    void markdownOfTheSequenceCaseHasItsOwnSectionsAndNoAccuracyOnes() {
        List<SystemRun> runs = List.of(rmseRun(Systems.SINGLE_JVM, 1, 0.6, 2, 0.5), rmseRun(Systems.SPINDLE, 0.5, 0.7,
                1, 0.55));
        List<ResultRow> rows = runs.stream().map(x -> ResultRow.of(x, 0.95)).toList();
        String md = Report.markdown(List.of(), rows, runs, List.of(), Map.of(), 10, 0.95);
        for (String part : List.of("## Sequence case", "## Test RMSE per evaluation",
                "| co2-lstm | spindle-2w | 2 | 1.00 | 0.5500 |", "(samples/s): reached (2.00x)", "final test RMSE:")) {
            assertTrue(md.contains(part), part + " in\n" + md);
        }
        assertFalse(md.contains("## Accuracy per evaluation") || md.contains("seconds to 95%"), md);
        // an MNIST-only report has none of it
        List<SystemRun> mnist = List.of(run(Systems.MNIST, Systems.SPINDLE, 1, 0.96));
        String plain = Report.markdown(List.of(), mnist.stream().map(x -> ResultRow.of(x, 0.95)).toList(), mnist,
                List.of(), Map.of(), 10, 0.95);
        assertFalse(plain.contains("RMSE") || plain.contains("Sequence"), plain);
    }

    @Test
    void numbersLoseTrailingZeros() {
        assertEquals("10", Report.number(10.0));
        assertEquals("2.5", Report.number(2.5));
    }

    @Test
    void theCnnSectionComparesWithPytorchAndShowsTheHelpersEffect() {
        List<SystemRun> runs = List.of(
                run(Systems.CNN, Systems.SINGLE_JVM, 10, 0.95, 20, 0.97),
                run(Systems.CNN, Systems.SINGLE_JVM_BUILTIN, 50, 0.95, 100, 0.96),
                run(Systems.CNN, Systems.SPINDLE, 5, 0.94, 10, 0.97),
                run(Systems.CNN, Systems.PYTORCH, 8, 0.96, 16, 0.98));
        // samples/s: 2000 / 20 = 100, 2000 / 100 = 20, 2000 / 10 = 200, 2000 / 16 = 125
        String table = Report.cnnTable(runs, 25e6).orElseThrow();
        assertEquals("| system | samples/s | GFLOP/s | final test accuracy | epochs | vs pytorch-cpu |\n"
                + "| --- | ---: | ---: | ---: | ---: | ---: |\n"
                + "| dl4j-single-jvm | 100 | 2.5 | 0.9700 | 2 | 0.80x |\n"
                + "| dl4j-single-jvm-builtin | 20 | 0.5 | 0.9600 | 2 | 0.16x |\n"
                + "| spindle-2w | 200 | 5.0 | 0.9700 | 2 | 1.60x |\n"
                + "| pytorch-cpu | 125 | 3.1 | 0.9800 | 2 | 1.00x |\n", table);
        assertEquals("mnist-cnn: Spindle 2 workers >= 1.5x PyTorch CPU (2 threads), samples/s: reached (1.60x)",
                Report.cnnTarget(Report.cnnRatio(runs).orElseThrow()));
        assertEquals("oneDNN helpers: dl4j-single-jvm / dl4j-single-jvm-builtin = 5.00x samples/s; test accuracy per "
                + "epoch, with vs without: 1: 0.9500 vs 0.9500, 2: 0.9700 vs 0.9600", Report.cnnHelpers(runs).orElseThrow());
        String md = Report.markdown(List.of("s"), runs.stream().map(r -> ResultRow.of(r, 0.95)).toList(), runs, List.of(),
                Map.of(), 10, 0.95, 25e6);
        assertTrue(md.contains("## CNN case"), md);
        assertTrue(md.contains(table), md);
        assertTrue(md.contains("samples/s x 25.0 MFLOP"), md);
    }

    @Test
    void withoutPytorchTheCnnTargetIsNotMeasuredAndNoCnnCaseMeansNoSection() {
        List<SystemRun> runs = List.of(run(Systems.CNN, Systems.SPINDLE, 5, 0.94));
        assertEquals("mnist-cnn: Spindle 2 workers >= 1.5x PyTorch CPU (2 threads), samples/s: not measured "
                + "(spindle-2w 200 samples/s vs not run)", Report.cnnTarget(Report.cnnRatio(runs).orElseThrow()));
        assertTrue(Report.cnnTable(runs, 1e6).orElseThrow().contains("| spindle-2w | 200 | 0.2 | 0.9400 | 1 | n/a |"));
        assertTrue(Report.cnnHelpers(runs).isEmpty());
        List<SystemRun> mlp = List.of(run(Systems.MNIST, Systems.SPINDLE, 5, 0.94));
        assertTrue(Report.cnnTable(mlp, 1e6).isEmpty());
        assertTrue(Report.cnnRatio(mlp).isEmpty());
        assertFalse(Report.markdown(List.of(), List.of(), mlp, List.of(), Map.of(), 10, 0.95).contains("## CNN case"));
    }

    @Test
    void ceilingSectionPlacesTheSingleJvmAndSpindleAgainstTwoTrainingsAtOnce() {
        // 2 epochs of 1,000 rows: the single JVM at 2,000 samples/s, Spindle at 3,000
        List<SystemRun> runs = List.of(run(Systems.MNIST, Systems.SINGLE_JVM, 0.5, 0.9, 1.0, 0.95),
                run(Systems.MNIST, Systems.SPINDLE, 0.4, 0.9, 2.0 / 3, 0.95));
        CoreCeiling c = new CoreCeiling(1600, 3200, new double[] {1500, 1600, 1700}, new double[] {3000, 3200, 3300});
        assertEquals(2.0, c.scaling(), 1e-12);
        String lines = Report.ceilingLines(Systems.MNIST, c, runs);
        assertTrue(lines.contains("one thread alone 1,600 samples/s (1,500 / 1,600 / 1,700)"), lines);
        assertTrue(lines.contains("3,200 samples/s together (3,000 / 3,200 / 3,300): 2.00x"), lines);
        // 2,000 = 1.25x one thread; 1.8 x 2,000 = 3,600 = 1.13x the ceiling
        assertTrue(lines.contains(Systems.SINGLE_JVM + ": 2,000 samples/s = 1.25x one thread alone; 1.8x of it (the target) would be "
                + "3,600 samples/s = 1.13x the two trainings at once"), lines);
        assertTrue(lines.contains(Systems.SPINDLE + ": 3,000 samples/s = 1.88x one thread alone = 0.94 of the two "
                + "trainings at once"), lines);
        String md = Report.markdown(List.of(), runs.stream().map(x -> ResultRow.of(x, 0.95)).toList(), runs, List.of(),
                Map.of(), 10, 0.95, Double.NaN, Map.of(Systems.MNIST, c));
        assertTrue(md.contains("## The cores' ceiling\n") && md.contains("### " + Systems.MNIST), md);
        // the table: 3,200 / 1,600 = 2.00x; the single JVM 2,000 / 1,600 = 1.25x; Spindle 3,000 / 3,200 = 0.94
        assertTrue(md.contains("| " + Systems.MNIST + " | 1,600 | 3,200 | 2.00x | 1.25x | 0.94 |"), md);
        assertFalse(Report.markdown(List.of(), List.of(), runs, List.of(), Map.of(), 10, 0.95).contains("ceiling"));
    }
}
