package io.spindle.driver.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spindle.kernels.eval.Metrics;
import io.spindle.kernels.eval.TaskKind;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The checkpoint file: a lossless round trip, and damage recognized rather than resumed from. */
@Tag("fast")
class CheckpointTest {

    static Checkpoint sample(Optional<Metrics> metrics, float[][] workers) {
        List<EpochRecord> history = List.of(
                new EpochRecord(1, 0.9, 0.8, Map.of("accuracy", 0.7), 0.01, 1234.5, 1.5, 3, false),
                new EpochRecord(2, 0.7, Double.NaN, Map.of("accuracy", Double.NaN), 0.005, 1300, 1.4, 2, true));
        return new Checkpoint("abc123", 42, 2, 8, 2, 17, Status.RUNNING, "", new LrSchedule.Plateau(0.005, 0.8, 1, 0),
                Double.NaN, 1, 1, 3.25, history, metrics, new float[] {1f, -2.5f, Float.MIN_VALUE},
                new float[] {0.1f, 0.2f}, new float[] {1f, -2f, 3f}, new float[0], workers);
    }

    static byte[] bytes(Checkpoint c) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        c.write(out);
        return out.toByteArray();
    }

    @Test
    void roundTripKeepsEverything() throws Exception {
        Metrics m = new Metrics(TaskKind.MULTICLASS, 10, 0, Map.of("accuracy", 0.9, "loss", 0.3),
                Map.of("0", Map.of("f1", 0.8)), new long[][] {{4, 1}, {0, 5}});
        for (Checkpoint c : List.of(sample(Optional.of(m), new float[0][]),
                sample(Optional.empty(), new float[][] {{1f, 2f}, {3f}}))) {
            Checkpoint back = Checkpoint.read(new ByteArrayInputStream(bytes(c)), "mem");
            assertEquals(c.specDigest(), back.specDigest());
            assertEquals(c.seed(), back.seed());
            assertEquals(c.epochsDone(), back.epochsDone());
            assertEquals(c.iteration(), back.iteration());
            assertEquals(c.plateau(), back.plateau());
            assertTrue(Double.isNaN(back.bestValue()));
            assertEquals(c.history().get(0), back.history().get(0));
            assertTrue(Double.isNaN(back.history().get(1).valLoss()));
            assertTrue(back.history().get(1).partial());
            assertEquals(c.bestMetrics().map(Metrics::values), back.bestMetrics().map(Metrics::values));
            c.bestMetrics().ifPresent(x -> assertTrue(Arrays.deepEquals(x.confusionMatrix(),
                    back.bestMetrics().get().confusionMatrix())));
            assertArrayEquals(c.params(), back.params(), 0f);
            assertArrayEquals(c.updater(), back.updater(), 0f);
            assertArrayEquals(c.bestParams(), back.bestParams(), 0f);
            assertArrayEquals(c.velocity(), back.velocity(), 0f);
            assertEquals(c.workerUpdaters().length, back.workerUpdaters().length);
            for (int i = 0; i < c.workerUpdaters().length; i++) {
                assertArrayEquals(c.workerUpdaters()[i], back.workerUpdaters()[i], 0f);
            }
        }
    }

    @Test
    void damagedOrTruncatedFilesAreRecognized() throws Exception {
        byte[] good = bytes(sample(Optional.empty(), new float[0][]));
        byte[] flipped = good.clone();
        flipped[good.length / 2] ^= 1;
        Checkpoint.CorruptCheckpointException e = assertThrows(Checkpoint.CorruptCheckpointException.class,
                () -> Checkpoint.read(new ByteArrayInputStream(flipped), "ck.bin"));
        assertTrue(e.getMessage().contains("ck.bin is damaged"), e.getMessage());
        byte[] truncated = Arrays.copyOf(good, good.length - 5);
        assertThrows(Checkpoint.CorruptCheckpointException.class,
                () -> Checkpoint.read(new ByteArrayInputStream(truncated), "ck.bin"));
        assertThrows(Checkpoint.CorruptCheckpointException.class,
                () -> Checkpoint.read(new ByteArrayInputStream("not a checkpoint".getBytes()), "ck.bin"));
    }
}
