package io.spindle.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code spindle lr-find} and {@code training.lr: auto} on the bundled digits data. */
class LrFindCliTest {

    @TempDir
    static Path tmp;

    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    @BeforeAll
    static void spark() {
        CliTest.spark();
    }

    @Test
    void theRangeTestRaisesTheRateUntilTheLossBlowsUpAndSuggestsATenthOfItsLowestPointPerWorker() throws Exception {
        Path out = tmp.resolve("lr-find");
        CliTest.Run r = CliTest.cli("lr-find", ROOT.resolve("conf/jobs/digits.yaml").toString(), "--set",
                "data.path=" + ROOT.resolve("conf/datasets/digits.csv"), "--min", "1e-6", "--max", "10", "--steps", "40",
                "--output", out.toString());
        assertEquals(0, r.code(), r.err());
        List<double[]> rows = new ArrayList<>();
        List<String> lines = Files.readAllLines(out.resolve("lr-find.csv"));
        assertEquals("step,lr,loss,smoothed_loss", lines.get(0));
        for (String l : lines.subList(1, lines.size())) {
            String[] p = l.split(",");
            rows.add(new double[] {Double.parseDouble(p[0]), Double.parseDouble(p[1]), Double.parseDouble(p[2]),
                    Double.parseDouble(p[3])});
        }
        // the rate grows by the same factor every round, from --min towards --max
        double factor = Math.pow(10 / 1e-6, 1.0 / 39);
        assertEquals(1e-6, rows.get(0)[1], 1e-12);
        for (int i = 1; i < rows.size(); i++) {
            assertEquals(factor, rows.get(i)[1] / rows.get(i - 1)[1], 1e-6 * factor, "round " + i);
        }
        JsonNode found = new ObjectMapper().readTree(out.resolve("lr-find.json").toFile());
        // rates up to 10 blow Adam up: the test stops there, before its last round
        assertTrue(found.get("blew_up").asBoolean(), found.toString());
        assertTrue(rows.size() < 40, "stopped after " + rows.size() + " rounds");
        // the suggestion: a tenth of the rate at the lowest smoothed loss, over the workers
        int lowest = 0;
        for (int i = 1; i < rows.size(); i++) {
            if (Double.isFinite(rows.get(i)[3]) && rows.get(i)[3] < rows.get(lowest)[3]) {
                lowest = i;
            }
        }
        assertEquals(rows.get(lowest)[1], found.get("lowest_loss_lr").asDouble(), 1e-12);
        int workers = found.get("workers").asInt();
        double suggested = Double.parseDouble(String.format(Locale.ROOT, "%.3g", rows.get(lowest)[1] / (10.0 * workers)));
        assertEquals(suggested, found.get("lr").asDouble(), 1e-15);
        // the loss fell before it blew up: the lowest smoothed loss is well below the first round's
        assertTrue(rows.get(lowest)[3] < 0.5 * rows.get(0)[3], "lowest " + rows.get(lowest)[3] + " vs " + rows.get(0)[3]);
        assertTrue(r.out().contains("suggested training.lr: " + String.format(Locale.ROOT, "%.3g", suggested)), r.out());
        assertTrue(r.out().contains("use it: --set training.lr="), r.out());
        String svg = Files.readString(out.resolve("lr-find.svg"));
        assertTrue(svg.contains("<svg") && svg.contains("</svg>"), "an SVG chart");
        // no model is kept
        assertFalse(Files.exists(out.resolve("model.zip")));
        assertFalse(Files.exists(out.resolve("checkpoint.bin")));
    }

    @Test
    void lrAutoTrainsWithTheRangeTestsRateAndRecordsIt() throws Exception {
        Path out = tmp.resolve("auto");
        CliTest.Run r = CliTest.trainExample("digits.yaml", "digits.csv", out, "training.lr=auto", "training.epochs=3");
        assertEquals(0, r.code(), r.err());
        ObjectMapper json = new ObjectMapper();
        JsonNode summary = json.readTree(out.resolve("summary.json").toFile());
        JsonNode provenance = json.readTree(out.resolve("provenance.json").toFile());
        double chosen = summary.at("/lr_auto/lr").asDouble();
        assertTrue(chosen > 1e-5 && chosen < 1, "a rate from the range test: " + summary.get("lr_auto"));
        assertEquals(chosen, provenance.at("/lr_auto/lr").asDouble());
        assertEquals("auto", provenance.at("/spec/training/lr").asText(), "provenance keeps the spec as given");
        // the chosen rate is training.lr: after the one-epoch warmup every epoch trains at it x the square root of
        // the workers (cluster.lr_scaling: auto, for Adam), and the trials table holds it as training_lr
        int workers = summary.get("workers").asInt();
        JsonNode history = summary.get("history");
        for (int e = 1; e < history.size(); e++) {
            assertEquals(chosen * Math.sqrt(workers), history.get(e).get("lr").asDouble(), 1e-12, "epoch " + (e + 1));
        }
        CliTest.Run row = CliTest.cli("sql", out.toString(), "SELECT training_lr FROM trials", "--format", "csv");
        assertEquals(0, row.code(), row.err());
        assertEquals(chosen, Double.parseDouble(row.out().strip().split("\n")[1]), 1e-12, row.out());
        assertTrue(r.out().contains("training.lr: auto: running the learning-rate range test"), r.out());
        assertTrue(Files.exists(out.resolve("lr-find.csv")), "the run keeps the test's curve");
        assertTrue(Files.exists(out.resolve("model.zip")));
    }
}
