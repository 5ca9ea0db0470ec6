package io.spindle.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code spindle bench training --quick --case co2-lstm} end to end on local[2], one epoch a system (~30 s). */
class TrainingBenchmarkTest {

    private static final Path MNIST = Path.of("..", BenchCase.MNIST_DATA);
    private static final Path CO2 = Path.of("..", BenchCase.CO2_DATA);

    @TempDir
    Path tmp;

    @Test
    void theSequenceCaseTrainsOnBothSystemsAndReportsThroughputAndTestRmseInPpm() throws Exception {
        BenchCase quick = BenchCase.defaults(true).stream().filter(c -> c.name().equals(Systems.CO2)).findFirst()
                .orElseThrow();
        assertEquals(List.of(Systems.SINGLE_JVM, Systems.SPINDLE), List.copyOf(quick.budgets().keySet()),
                "the sequence case runs single-JVM DL4J and Spindle only");
        Map<String, Budget> oneEpoch = new LinkedHashMap<>();
        quick.budgets().keySet().forEach(s -> oneEpoch.put(s, new Budget(1, 30)));
        BenchCase tiny = new BenchCase(quick.name(), quick.kind(), quick.hidden(), quick.batchSize(), quick.dataset(),
                oneEpoch);
        TrainingBenchmark.Options options = new TrainingBenchmark.Options(true, tmp, 10, MNIST, List.of(Systems.CO2),
                OptionalInt.empty(), false, Path.of(".."), CO2);
        StringWriter out = new StringWriter();

        TrainingBenchmark.Outcome outcome = TrainingBenchmark.run(options, List.of(tiny), new PrintWriter(out));

        assertEquals(List.of(), outcome.failures(), out.toString());
        List<ResultRow> rows = outcome.rows();
        assertEquals(List.of(Systems.SINGLE_JVM, Systems.SPINDLE), rows.stream().map(ResultRow::system).toList(), out.toString());
        for (ResultRow r : rows) {
            assertEquals(Systems.CO2, r.caseName());
            assertEquals(Quality.RMSE, r.quality());
            assertEquals(1, r.epochs());
            assertTrue(Double.isFinite(r.samplesPerSecond()) && r.samplesPerSecond() > 0, r.toString());
            assertTrue(Double.isFinite(r.finalValue()) && r.finalValue() > 0 && r.finalValue() < 5, r.toString());
            assertTrue(r.secondsToTarget().isEmpty(), "no accuracy target for an RMSE case");
        }

        // both in ppm: the single JVM's RMSE (BenchData.score in the driver) and Spindle's (the trainer's own
        // evaluation) after one epoch of the same network differ by a few percent; in standardized units (the
        // weekly change's spread, ~0.5 ppm, not undone) the single JVM's would be about twice Spindle's
        double single = rows.get(0).finalValue();
        double spindle = rows.get(1).finalValue();
        assertTrue(Math.abs(single / spindle - 1) < 0.25, "single JVM RMSE " + single + " vs Spindle " + spindle);

        List<String> csv = Files.readAllLines(tmp.resolve(Report.RMSE_CSV));
        assertEquals(ResultRow.RMSE_HEADER, csv.get(0));
        assertEquals(3, csv.size(), String.join("\n", csv));
        assertTrue(csv.get(2).startsWith(Systems.CO2 + "," + Systems.SPINDLE + ","), csv.get(2));
        assertEquals(List.of(ResultRow.HEADER), Files.readAllLines(tmp.resolve(Report.TRAINING_CSV)),
                "no accuracy rows");
        String md = Files.readString(tmp.resolve(Report.TRAINING_MD));
        for (String part : List.of("| case | system | samples/s | final test RMSE | epochs |", "## Sequence case",
                "co2-lstm: Spindle 2 workers >= 1.3x single JVM (samples/s): ", "## Test RMSE per evaluation",
                "co2-lstm data: co2_weekly.csv", "naive forecast (the window's last value)",
                "### co2-lstm", "two independent trainings at once", "an untimed Spindle training of at most 2 epochs")) {
            assertTrue(md.contains(part), part + " in\n" + md);
        }
        assertFalse(md.contains("## Accuracy per evaluation") || md.contains("seconds to 95%"), md);
        assertTrue(out.toString().contains("target: co2-lstm: Spindle 2 workers >= 1.3x single JVM (samples/s): "),
                out.toString());
        // the warm-up ran before Spindle's row and left no row or evaluation of its own
        String console = out.toString();
        assertTrue(console.indexOf("co2-lstm / Spindle's warm-up") < console.indexOf("co2-lstm / " + Systems.SPINDLE
                + ": training") && console.contains("co2-lstm / Spindle's warm-up"), console);
        assertFalse(console.contains("the warm-up failed"), console);
    }
}
