package io.spindle.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The doctor on a real, deliberately broken run of the bundled digits example. */
class DoctorCliTest {

    @TempDir
    static Path tmp;

    @BeforeAll
    static void spark() {
        CliTest.spark();
    }

    @Test
    void aRateFarTooLowIsDiagnosedWithItsFix() throws Exception {
        Path out = tmp.resolve("lr-too-low");
        CliTest.Run r = CliTest.trainExample("digits.yaml", "digits.csv", out, "training.lr=0.000001",
                "training.epochs=22", "training.early_stopping.patience=100");
        assertEquals(0, r.code(), r.err());
        JsonNode summary = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
        List<String> codes = new ArrayList<>();
        summary.get("diagnoses").forEach(d -> codes.add(d.get("code").asText()));
        assertEquals("lr_too_low", codes.get(0), summary.get("diagnoses").toString());
        assertTrue(!codes.contains("underfitting"), "the low rate explains the poor fit: " + codes);
        JsonNode d = summary.get("diagnoses").get(0);
        assertTrue(d.get("evidence").asText().contains("over epochs 1-20"), d.toString());
        assertEquals("training.lr=3.000e-06", d.get("fix").get(0).asText());
        assertEquals("accuracy", summary.at("/baseline/metric").asText());
        assertTrue(summary.at("/baseline/value").asDouble() > 0.09 && summary.at("/baseline/value").asDouble() < 0.13,
                "the most common of ten digits: " + summary.get("baseline"));
        assertTrue(r.out().contains("diagnoses:\n  lr_too_low: ") && r.out().contains("Try: --set training.lr=3.000e-06"),
                r.out());
        // the live check said it once, after epoch 20, and the run went on to the epochs the spec asks for
        assertTrue(r.out().contains("diagnosis after epoch 20: lr_too_low: "), r.out());
        assertEquals(1, r.out().split("diagnosis after epoch", -1).length - 1, r.out());
        assertEquals(22, summary.get("epochs_run").asInt(), summary.toString());
        CliTest.Run row = CliTest.cli("sql", out.toString(), "SELECT diagnosis FROM trials", "--format", "csv");
        assertTrue(row.out().contains("lr_too_low"), row.out());
        assertEquals(0, CliTest.cli("report", out.toString()).code());
        String html = java.nio.file.Files.readString(out.resolve("report.html"));
        assertTrue(html.contains("<h2>Diagnosis</h2>") && html.contains("id=\"diagnoses\"")
                && html.contains("<b>lr_too_low</b>") && html.contains("--set training.lr=3.000e-06")
                && html.contains("Trivial baseline: val_accuracy"), "the report's Diagnosis section");
    }

    private static List<String> codes(Path out) throws Exception {
        JsonNode summary = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
        List<String> codes = new ArrayList<>();
        summary.get("diagnoses").forEach(d -> codes.add(d.get("code").asText() + ": " + d.get("evidence").asText()));
        return codes;
    }

    @Test
    void aRateTooHighForAdamKillsReluUnits() throws Exception {
        Path out = tmp.resolve("dead");
        CliTest.Run r = CliTest.trainExample("digits.yaml", "digits.csv", out, "training.lr=0.05", "training.epochs=15");
        assertEquals(0, r.code(), r.err());
        List<String> codes = codes(out);
        assertTrue(codes.stream().anyMatch(c -> c.startsWith("dead_units: ") && c.contains("ReLU units of model.layers[")),
                codes.toString());
        assertTrue(codes.stream().anyMatch(c -> c.startsWith("lr_too_high: ")), codes.toString());
        JsonNode probe = new ObjectMapper().readTree(out.resolve("summary.json").toFile()).get("probe");
        assertEquals(3, probe.size(), "one entry per layer: " + probe);
    }

    @Test
    void eightSigmoidLayersStarveTheLowerOnesOfGradient() throws Exception {
        Path out = tmp.resolve("vanishing");
        String l = "{type: dense, units: 64, activation: sigmoid}";
        // the rate as given: with the default lr_scaling the 2 workers of local[2] would train at sqrt(2) x it, which
        // moves this network's gradients elsewhere by epoch 15 (the output layer's grows 13x the median)
        CliTest.Run r = CliTest.trainExample("digits.yaml", "digits.csv", out, "model.layers=[" + (l + ",").repeat(8)
                + "{type: output}]", "training.epochs=15", "cluster.lr_scaling=none");
        assertEquals(0, r.code(), r.err());
        List<String> codes = codes(out);
        assertTrue(codes.stream().anyMatch(c -> c.startsWith("vanishing_gradients: the gradient norm of model.layers[")),
                codes.toString());
        assertTrue(codes.stream().noneMatch(c -> c.startsWith("exploding_gradients")), "the same spread: " + codes);
    }

    @Test
    void aRateOfTwoCollapsesBreastCancerPredictionsOntoOneClass() throws Exception {
        Path out = tmp.resolve("one-class");
        // the example without its imbalanced preset: one sigmoid output, cross-entropy; Adam at a rate of 2
        CliTest.Run r = CliTest.trainExample("breast_cancer.yaml", "breast_cancer.csv", out, "model.preset=classification",
                "model.layers=[{type: dense, units: 64}, {type: dense, units: 32}, {type: output}]",
                "metrics.select=accuracy", "training.lr=2.0", "training.epochs=20");
        assertEquals(0, r.code(), r.err());
        List<String> codes = codes(out);
        assertTrue(codes.stream().anyMatch(c -> c.startsWith("one_class: 100.0% of ")), codes.toString());
        assertTrue(codes.stream().noneMatch(c -> c.startsWith("underfitting")), "the collapse explains it: " + codes);
    }
}
