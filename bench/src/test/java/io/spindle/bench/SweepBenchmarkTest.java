package io.spindle.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code spindle bench sweep --quick} end to end on local[2] (about 3 minutes on a busy 2-core machine). */
class SweepBenchmarkTest {

    @TempDir
    Path tmp;

    @Test
    void quickRunWritesARowPerSweepAndJudgesEveryTarget() throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = BenchMain.run(new String[] {"sweep", "--quick", "--output", tmp.toString(), "--data",
                SweepPlanTest.DIGITS.toString(), "--mnist-data", SweepPlanTest.MNIST.toString()}, new PrintWriter(out),
                new PrintWriter(err));
        assertEquals(0, code, out + "\n" + err);

        SweepPlan plan = SweepPlan.of(true);
        List<String> lines = Files.readAllLines(tmp.resolve(SweepReport.CSV));
        assertEquals(SweepRun.HEADER, lines.get(0));
        // experiment, variant, seed, repeat of every measured sweep in run order (SweepPlanTest checks the plan)
        List<String> expected = plan.cases().stream().map(c -> c.experiment() + "," + c.variant() + "," + c.seed() + ","
                + c.repeat()).toList();
        assertEquals(SweepCase.PARALLEL_VS_SEQUENTIAL + "," + SweepCase.PARALLEL + ",1,1", expected.get(0));
        List<String[]> rows = lines.subList(1, lines.size()).stream().map(l -> l.split(",", -1)).toList();
        assertEquals(expected, rows.stream().map(r -> String.join(",", Arrays.asList(r).subList(0, 4))).toList(),
                "one row per measured sweep, the warm-up left out");
        List<String> header = List.of(SweepRun.HEADER.split(","));
        List<String> mnistRows = new ArrayList<>();
        for (String[] r : rows) {
            // experiment 2 on MNIST-10k (15% of 10,000 rows for validation), the others on digits (15% of 1,797)
            boolean mnist = r[0].equals(SweepCase.ASHA_VS_UNPRUNED);
            assertEquals(mnist ? "mnist10k" : "digits", r[header.indexOf("dataset")], String.join(",", r));
            int validation = Integer.parseInt(r[header.indexOf("validation_rows")]);
            assertTrue(mnist ? validation > 1350 && validation < 1650 : validation > 200 && validation < 340,
                    String.join(",", r));
            if (mnist) {
                mnistRows.add(Integer.toString(validation));
            }
            int trials = Integer.parseInt(r[header.indexOf("trials")]);
            int finished = SweepRun.STATUSES.stream().mapToInt(s -> Integer.parseInt(r[header.indexOf(
                    s.toLowerCase(java.util.Locale.ROOT))])).sum();
            assertEquals(trials, finished, "every trial ended with a status: " + String.join(",", r));
            assertTrue(Double.parseDouble(r[header.indexOf("best_val_accuracy")]) > 0.5, String.join(",", r));
            assertTrue(Double.parseDouble(r[header.indexOf("wall_seconds")]) > 0, String.join(",", r));
        }
        String[] parallel = rows.get(expected.indexOf(SweepCase.PARALLEL_VS_SEQUENTIAL + "," + SweepCase.PARALLEL
                + ",1,1"));
        String[] unpruned = rows.get(expected.indexOf(SweepCase.ASHA_VS_UNPRUNED + "," + SweepCase.UNPRUNED + ",1,1"));
        String[] asha = rows.get(expected.indexOf(SweepCase.ASHA_VS_UNPRUNED + "," + SweepCase.ASHA + ",1,1"));
        assertEquals(plan.trials() * plan.epochs(), Integer.parseInt(parallel[header.indexOf("epochs_trained")]),
                "no pruning and no early stopping: every trial trains every epoch");
        assertEquals(plan.ashaTrials() * plan.ashaEpochs(), Integer.parseInt(unpruned[header.indexOf("epochs_trained")]),
                "experiment 2's own sizes, every trial every epoch");
        assertEquals(1, mnistRows.stream().distinct().count(), "the same split for both sides: " + mnistRows);
        assertTrue(Integer.parseInt(asha[header.indexOf("pruned")]) > 0, "ASHA pruned some trial: " + String.join(",", asha));

        // the same seed gives the same configurations, one at a time or two at once
        assertEquals(configs(tmp.resolve(plan.cases().get(0).folder())), configs(tmp.resolve(plan.cases().get(1).folder())));

        String md = Files.readString(tmp.resolve(SweepReport.MD));
        for (String target : List.of(">= 1.8x", "<= 0.5 points", "<= 1/3", "TPE mean >= random mean")) {
            assertTrue(md.contains(target), target + " in\n" + md);
        }
        assertTrue(md.contains("(quick run)") && md.contains("## TPE vs random"), md);
        // the cores' ceiling on experiment 1's base network: 64 digit pixels -> 128 -> 10 classes
        assertTrue(md.contains("## The cores' ceiling") && md.contains("| MLP 64-128-10 (the sweep file's base network), "
                + "batch 32, digits |"), md);
        String mnist = "mnist10k, " + mnistRows.get(0) + " validation rows (one row is "
                + Report.fmt("%.3f", 100.0 / Integer.parseInt(mnistRows.get(0))) + " points)";
        assertTrue(md.contains("## ASHA vs unpruned, per seed") && md.contains("| 1 | " + mnist + " | "), md);
        assertTrue(md.contains(" 2 (on " + mnist + ", so that its 0.5-point target"), md);
        assertTrue(md.contains("- warm-up sweeps (2 trials x 1 epoch, 2 at once, random search, no pruning on digits, "
                + "search seed " + SweepPlan.WARM_UP_SEED + ": "), md);
        assertTrue(md.contains("; 2 trials x 1 epoch, 2 at once, random search, no pruning on mnist10k, search seed "
                + SweepPlan.WARM_UP_SEED + ": "), md);
        assertTrue(Files.isRegularFile(tmp.resolve(plan.warmUps().get(1).folder()).resolve("summary.json")),
                "the MNIST-10k warm-up ran");
        assertTrue(Files.readString(tmp.resolve(SweepReport.LOG)).contains("best: trial-"), "the sweeps' own output");
        assertTrue(Files.isRegularFile(tmp.resolve(SweepReport.SWEEP_FILE)));
        String stdout = out.toString();
        assertTrue(stdout.contains("[1/" + plan.cases().size() + "] " + plan.cases().get(0).title()), stdout);
        assertTrue(stdout.contains("wrote " + tmp.resolve(SweepReport.CSV)), stdout);
        // the console's target lines of experiment 2 name its data and what a row is worth
        assertTrue(stdout.contains("| <= 0.5 points (0.005) | ") && stdout.contains("| on " + mnist + ": unpruned "),
                stdout);
        assertTrue(stdout.contains("| <= 1/3 | ") && stdout.contains("| on " + mnist + ": ASHA "), stdout);
    }

    /** @return the configuration of every trial of a sweep folder, in trial order */
    private static List<String> configs(Path sweep) throws Exception {
        JsonNode state = new ObjectMapper().readTree(sweep.resolve("sweep-state.json").toFile());
        List<String> out = new ArrayList<>();
        state.get("trials").forEach(t -> out.add(t.get("id").asText() + " " + t.get("config")));
        return out;
    }
}
