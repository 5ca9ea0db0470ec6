package io.spindle.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.spindle.kernels.ExecutorCache;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.factory.Nd4j;

/** The parts of the standalone-cluster run that need no cluster: summary, data files, readiness. */
@Tag("fast")
class StandaloneRunnerTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode summary(String history) throws IOException {
        return JSON.readTree("""
                {"status": "COMPLETED", "workers": 2, "averaging_period": 31, "samples_per_s": 1833.3,
                 "rows": {"train": 1000, "validation": 250, "test": 250}, "history": [%s]}""".formatted(history));
    }

    @Test
    void pointsAccumulateEachEpochsTrainingSecondsFromItsRowsAndSamplesPerSecond() throws IOException {
        SystemRun run = StandaloneRunner.fromSummary(summary("""
                {"epoch": 1, "val_accuracy": 0.90, "samples_per_s": 500, "seconds": 2.5},
                {"epoch": 2, "rounds": 1, "val_accuracy": 0.91, "samples_per_s": 9999, "seconds": 0.1},
                {"epoch": 2, "val_accuracy": 0.93, "samples_per_s": 2000, "seconds": 0.6},
                {"epoch": 3, "val_accuracy": 0.95, "samples_per_s": 2000, "seconds": 0.6}"""),
                Systems.MNIST, Systems.SPINDLE_STANDALONE, "note");
        assertEquals(List.of(new EpochPoint(1, 2.0, 1000, 0.90), new EpochPoint(2, 2.5, 2000, 0.93),
                new EpochPoint(3, 3.0, 3000, 0.95)), run.points(), "the mid-epoch record is left out");
        // rows over total training time, like spindle-2w; not summary.json's mean of the epochs' rates
        assertEquals(1000.0, run.samplesPerSecond(), 1e-9);
        assertEquals(2000.0, run.samplesPerSecondAfter(1).getAsDouble(), 1e-9);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"epoch\": 1, \"val_accuracy\": 0.9}",
        "{\"epoch\": 1, \"val_accuracy\": 0.9, \"samples_per_s\": 0}",
        "{\"epoch\": 1, \"val_accuracy\": 0.9, \"samples_per_s\": \"fast\"}",
        "{\"epoch\": 1, \"samples_per_s\": 100}",
        ""})
    void aSummaryWithoutUsableEpochsIsAnError(String history) {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> StandaloneRunner.fromSummary(
                summary(history), Systems.MNIST, Systems.SPINDLE_STANDALONE, "note"));
        assertTrue(e.getMessage().startsWith("mnist-mlp / spindle-2w-standalone: summary.json"), e.getMessage());
    }

    @Test
    void aJobOnOneWorkerIsNotComparable() throws IOException {
        JsonNode s = summary("{\"epoch\": 1, \"val_accuracy\": 0.9, \"samples_per_s\": 100}");
        ((com.fasterxml.jackson.databind.node.ObjectNode) s).put("workers", 1);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> StandaloneRunner.fromSummary(s, Systems.MNIST, Systems.SPINDLE_STANDALONE, "note"));
        assertTrue(e.getMessage().contains("trained with 1 workers, not 2"), e.getMessage());
    }

    @Test
    void csvHoldsTheClassNamesAndFloatsThatParseBackExactly(@TempDir Path dir) throws IOException {
        float[][] pixels = new float[256][3];
        float[][] labels = new float[256][3];
        for (int k = 0; k < 256; k++) {
            pixels[k] = new float[] {k / 255f, 0f, (255 - k) / 255f};
            labels[k][k % 3] = 1;
        }
        Path file = dir.resolve("rows.csv.gz");
        StandaloneRunner.writeCsv(new ExecutorCache.PartitionData(Nd4j.createFromArray(pixels), Nd4j.createFromArray(labels)),
                List.of("7", "8", "9"), file);
        List<String> lines;
        try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
            lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        }
        assertEquals(257, lines.size());
        assertEquals("digit,x0,x1,x2", lines.get(0));
        assertEquals("7,0,0,1.0", lines.get(1));
        for (int k = 0; k < 256; k++) {
            String[] f = lines.get(k + 1).split(",");
            assertEquals(List.of("7", "8", "9").get(k % 3), f[0]);
            for (int j = 0; j < 3; j++) {
                // the job's reader parses a double and narrows it to float
                assertEquals(pixels[k][j], (float) Double.parseDouble(f[j + 1]), "row " + k + " column " + j);
            }
        }
    }

    @Test
    void aCheckoutWithoutTheScriptOrTheJarIsNotReady(@TempDir Path home) throws IOException {
        IllegalArgumentException noScript = assertThrows(IllegalArgumentException.class,
                () -> StandaloneRunner.checkReady(home));
        assertTrue(noScript.getMessage().contains("deploy/standalone.sh"), noScript.getMessage());
        Files.createDirectories(home.resolve("deploy/target"));
        Files.writeString(home.resolve("deploy/standalone.sh"), "#!/bin/sh\n");
        IllegalArgumentException noJar = assertThrows(IllegalArgumentException.class,
                () -> StandaloneRunner.checkReady(home));
        assertTrue(noJar.getMessage().contains("mvn -pl jobs,deploy -am package -DskipTests"), noJar.getMessage());
        Files.createDirectories(home.resolve("jobs/target"));
        Files.writeString(home.resolve("jobs/target/spindle-jobs-1.0-app.jar"), "");
        Files.writeString(home.resolve("jobs/target/spindle-jobs-1.0.jar"), "");
        Files.writeString(home.resolve("deploy/target/spark-classpath.txt"), "");
        StandaloneRunner.checkReady(home);
        assertEquals(home.resolve("jobs/target/spindle-jobs-1.0-app.jar"), StandaloneRunner.appJar(home).orElseThrow());
    }

    @Test
    void aJarOlderThanASourceIsFlagged(@TempDir Path home) throws IOException {
        Path src = Files.createDirectories(home.resolve("driver/src/main/java")).resolve("A.java");
        Files.writeString(src, "class A { }");
        Path jar = Files.createDirectories(home.resolve("jobs/target")).resolve("spindle-jobs-1.0-app.jar");
        Files.writeString(jar, "");
        Instant now = Instant.now();
        Files.setLastModifiedTime(src, FileTime.from(now.minusSeconds(60)));
        Files.setLastModifiedTime(jar, FileTime.from(now));
        assertTrue(StandaloneRunner.staleJar(home, jar).isEmpty());
        Files.setLastModifiedTime(src, FileTime.from(now.plusSeconds(60)));
        String warning = StandaloneRunner.staleJar(home, jar).orElseThrow();
        assertTrue(warning.contains("older than driver/src/main/java/A.java"), warning);
    }
}
