package io.spindle.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.spindle.kernels.Block;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("fast")
class BenchDataTest {

    @Test
    void scaleKeepsTheFirstRowsAndDividesPixelsBy255() {
        Block raw = new Block(new float[] {0, 255, 51, 102, 255, 0}, new float[] {1, 0, 0, 1, 1, 0}, 3);
        Block half = BenchData.scale(raw, 0.5);
        assertEquals(2, half.rows());
        assertArrayEquals(new float[] {0, 1, 0.2f, 0.4f}, half.features(), 1e-6f);
        assertArrayEquals(new float[] {1, 0, 0, 1}, half.labels());
        assertEquals(3, BenchData.scale(raw, 1.0).rows());
        assertEquals(0, BenchData.scale(new Block(new float[0], new float[0], 0), 0.5).rows());
    }
}
