package io.spindle.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code spindle doctor} on deliberately broken specs over bundled data. */
class DoctorLoopTest {

    @TempDir
    static Path tmp;

    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void spark() {
        CliTest.spark();
    }

    /** Steps of a doctor run's summary: code lists per step. */
    private static List<List<String>> codes(JsonNode summary) {
        List<List<String>> out = new ArrayList<>();
        summary.get("steps").forEach(s -> {
            List<String> c = new ArrayList<>();
            s.get("diagnoses").forEach(d -> c.add(d.get("code").asText()));
            out.add(c);
        });
        return out;
    }

    @Test
    void aBrokenDigitsSpecReachesHighTestAccuracyWithinSixRuns() throws Exception {
        Path out = tmp.resolve("digits");
        // a rate far too low, one hidden layer of 4 units for 10 classes, heavy dropout
        CliTest.Run r = CliTest.cli("doctor", ROOT.resolve("conf/jobs/digits.yaml").toString(),
                "--set", "data.path=" + ROOT.resolve("conf/datasets/digits.csv"),
                "--set", "training.lr=0.00001", "--set", "model.layers=[{type: dense, units: 4}, {type: output}]",
                "--set", "training.dropout=0.7", "--set", "training.epochs=30", "--runs", "6", "--output", out.toString());
        assertEquals(0, r.code(), r.err() + r.out());
        JsonNode summary = JSON.readTree(out.resolve("summary.json").toFile());
        List<List<String>> codes = codes(summary);
        JsonNode steps = summary.get("steps");
        assertTrue(steps.size() <= 6, summary.toString());
        // step 1 is the spec as given; its rate is diagnosed, and the range test answers it
        assertEquals("the spec as given", steps.get(0).get("changes").asText());
        assertEquals("lr_too_low", codes.get(0).get(0), codes.toString());
        assertTrue(codes.get(0).contains("no_better_than_baseline"), codes.toString());
        assertTrue(steps.get(1).get("changes").asText().startsWith("lr_too_low: training.lr=")
                && steps.get(1).get("changes").asText().contains("range test"), steps.get(1).toString());
        assertEquals("step-1", steps.get(1).get("parent").asText());
        // the 4-unit bottleneck is read as underfitting, and its fix widens the layer
        int grown = -1;
        for (int i = 0; i < steps.size(); i++) {
            if (steps.get(i).get("changes").asText().startsWith("underfitting: model.layers[0].units=")) {
                grown = i;
            }
        }
        assertTrue(grown > 0, "no step widened the layer: " + r.out());
        int parent = Integer.parseInt(steps.get(grown).get("parent").asText().substring("step-".length())) - 1;
        assertTrue(codes.get(parent).contains("underfitting"), codes.toString());
        assertTrue(codes.stream().anyMatch(c -> c.contains("overfitting")), "4 units at the range test's rate: " + codes);
        // the best step by validation is the only one tested, and it reaches 0.95 test accuracy
        double test = summary.at("/best/test/accuracy").asDouble();
        assertTrue(test >= 0.95, "test accuracy " + test + "; path " + r.out());
        assertTrue(Files.exists(out.resolve("best/model.zip")));
        JsonNode bestSummary = JSON.readTree(out.resolve("best/summary.json").toFile());
        assertEquals(summary.at("/best/step").asText(), bestSummary.get("step").asText());
        // each step is a trial of the doctor run, with its diagnosis codes and what changed
        CliTest.Run rows = CliTest.cli("sql", out.toString(), "SELECT trial_id, sweep_id, changes, diagnosis,"
                + " test_accuracy IS NOT NULL AS tested FROM trials ORDER BY trial_id", "--format", "csv");
        assertEquals(0, rows.code(), rows.err());
        String[] lines = rows.out().strip().split("\n");
        assertEquals(steps.size() + 1, lines.length, rows.out());
        long tested = java.util.Arrays.stream(lines).skip(1).filter(l -> l.endsWith(",true")).count();
        assertEquals(1, tested, "only the best step is evaluated on test: " + rows.out());
        assertTrue(lines[1].startsWith("step-1," + summary.get("doctor_id").asText() + ",the spec as given,")
                && lines[1].contains("lr_too_low"), rows.out());
        assertTrue(r.out().contains("doctor stopped: "), r.out());
        // results show the path of changes and each step's codes; the report has the Diagnosis section
        CliTest.Run results = CliTest.cli("results", out.toString());
        assertEquals(0, results.code(), results.err());
        String header = results.out().lines().findFirst().orElse("");
        assertTrue(header.contains("changes") && header.contains("diagnosis"), results.out());
        assertTrue(results.out().contains("the spec as given"), results.out());
        CliTest.Run report = CliTest.cli("report", out.toString());
        assertEquals(0, report.code(), report.err());
        String html = Files.readString(out.resolve("report.html"));
        assertTrue(html.contains("<h2>Diagnosis</h2>") && html.contains("id=\"doctor-steps\"")
                && html.contains("lr_too_low: training.lr=") && html.contains("Evidence: train-sample vs validation loss"),
                "the report's Diagnosis section");
    }

    @Test
    void accuracyOnImbalancedClassesIsSwitchedToAucWithWeightsAndAStoppedRunResumes() throws Exception {
        Path spec = tmp.resolve("bc.yaml");
        // breast_cancer without the imbalanced preset, accuracy selecting the models
        Files.writeString(spec, "name: bc-accuracy\ndata:\n  path: " + ROOT.resolve("conf/datasets/breast_cancer.csv")
                + "\n  label: malignant\n  task: binary\n  split: {train: 0.7, validation: 0.15, test: 0.15, seed: 11}\n"
                + "model:\n  preset: classification\n  layers:\n    - {type: dense, units: 64}\n"
                + "    - {type: dense, units: 32}\n    - {type: output}\n"
                + "training:\n  batch_size: 32\n  epochs: 100\n  early_stopping: {patience: 15}\n"
                + "metrics:\n  select: accuracy\n");
        Path out = tmp.resolve("bc");
        Path log = tmp.resolve("bc.log");
        Process p = new ProcessBuilder(ResumeTest.javaMain("doctor", spec.toString(), "--output", out.toString(),
                "--runs", "3")).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            // stop it once the second step has trained an epoch
            Path state = out.resolve("doctor-state.json");
            Instant deadline = Instant.now().plus(Duration.ofMinutes(4));
            while (!(Files.exists(out.resolve("steps/step-2/checkpoint.bin")))) {
                assertTrue(p.isAlive(), () -> "the doctor ended early: " + read(log));
                assertTrue(Instant.now().isBefore(deadline), () -> "step-2 never started: " + read(log));
                Thread.sleep(200);
            }
            ResumeTest.stop(p, "TERM");
        } finally {
            p.destroyForcibly();
        }
        assertEquals(143, p.exitValue(), read(log));
        String said = read(log);
        assertTrue(said.contains("interrupted by SIGTERM during step-2; continue with: spindle doctor " + spec)
                && said.contains("--resume"), said);
        assertFalse(Files.exists(out.resolve("summary.json")), "a stopped run writes no summary");
        String firstRows = CliTest.cli("sql", out.toString(), "SELECT count(*) FROM epochs WHERE trial_id = 'step-1'",
                "--format", "csv").out();

        CliTest.Run r = CliTest.cli("doctor", spec.toString(), "--output", out.toString(), "--runs", "3", "--resume");
        assertEquals(0, r.code(), r.err() + r.out());
        assertTrue(r.out().contains("step-2 resumes") && !r.out().contains("step-1 starts"), r.out());
        JsonNode summary = JSON.readTree(out.resolve("summary.json").toFile());
        List<List<String>> codes = codes(summary);
        assertTrue(codes.get(0).contains("imbalanced_accuracy"), codes.toString());
        String changes = summary.at("/steps/1/changes").asText();
        assertTrue(changes.startsWith("imbalanced_accuracy: metrics.select=auc") && changes.contains(".class_weights=balanced")
                && changes.contains(".loss=weighted_cce"), changes);
        assertEquals("auc", summary.get("select").asText(), "steps are ranked by the metric the fix selected");
        // step 1 kept its rows: not trained again, no duplicates
        assertEquals(firstRows, CliTest.cli("sql", out.toString(), "SELECT count(*) FROM epochs WHERE trial_id = 'step-1'",
                "--format", "csv").out());
        CliTest.Run trials = CliTest.cli("sql", out.toString(), "SELECT count(*), count(DISTINCT trial_id) FROM trials",
                "--format", "csv");
        String[] n = trials.out().strip().split("\n")[1].split(",");
        assertEquals(n[0], n[1], trials.out());
        assertEquals(summary.get("steps").size(), Integer.parseInt(n[0]), trials.out());
    }

    @Test
    void aSpentTimeBudgetEndsTheLoopWithItsBestStep() throws Exception {
        Path out = tmp.resolve("budget");
        CliTest.Run r = CliTest.cli("doctor", ROOT.resolve("conf/jobs/digits.yaml").toString(),
                "--set", "data.path=" + ROOT.resolve("conf/datasets/digits.csv"), "--set", "training.epochs=40",
                "--time-budget", "1s", "--output", out.toString());
        assertEquals(0, r.code(), r.err() + r.out());
        JsonNode summary = JSON.readTree(out.resolve("summary.json").toFile());
        assertEquals("time budget of 1 s spent", summary.get("stopped").asText(), r.out());
        assertEquals(1, summary.get("steps").size());
        assertTrue(summary.at("/steps/0/epochs").asInt() < 40, "the step stopped after an epoch past the budget");
        assertEquals("step-1", summary.at("/best/step").asText());
        assertTrue(Files.exists(out.resolve("best/model.zip")));
    }

    private static String read(Path log) {
        try {
            return Files.readString(log);
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }
}
