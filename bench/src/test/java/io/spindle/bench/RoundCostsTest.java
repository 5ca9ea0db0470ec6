package io.spindle.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.spindle.driver.train.RoundStats;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("fast")
class RoundCostsTest {

    @Test
    void mediansOfOddAndEvenCounts() {
        assertEquals(3, RoundCosts.median(new long[] {5, 1, 3}));
        assertEquals(2.5, RoundCosts.median(new long[] {4, 1, 3, 2}));
        assertEquals(7, RoundCosts.median(new long[] {7}));
    }

    @Test
    void takesTheMedianOfEveryCostInMilliseconds() {
        // epoch, round, workers, minibatches, samples, stateBytes, broadcast, fetch, compute, wall (ns)
        List<RoundStats> rounds = List.of(
                new RoundStats(1, 0, 2, 10, 1280, 4000, 1_000_000, 2_000_000, 50_000_000, 60_000_000),
                new RoundStats(1, 1, 2, 10, 1280, 4000, 3_000_000, 4_000_000, 70_000_000, 90_000_000),
                new RoundStats(2, 0, 2, 4, 512, 4000, 2_000_000, 3_000_000, 60_000_000, 70_000_000));
        RoundCosts c = RoundCosts.of("case", rounds);
        assertEquals(new RoundCosts("case", 2, 10, 3, 2.0, 3.0, 60.0, 7.0, 70.0, 4000), c);
        assertEquals(12.0, c.overheadMs(), 1e-12);
    }

    @Test
    void needsARound() {
        assertThrows(IllegalArgumentException.class, () -> RoundCosts.of("case", List.of()));
    }
}
