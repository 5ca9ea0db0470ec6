package io.spindle.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@Tag("fast")
class CostModelTest {

    @ParameterizedTest(name = "ceil(log2 {0}) = {1}")
    @CsvSource({"1, 0", "2, 1", "3, 2", "4, 2", "5, 3", "8, 3", "32, 5", "127, 7", "128, 7", "129, 8"})
    void treeDepthIsCeilLog2(int workers, int depth) {
        assertEquals(depth, CostModel.treeDepth(workers));
    }

    @ParameterizedTest(name = "{0} workers: {1} results at the busiest receiver")
    @CsvSource({"2, 2", "8, 8", "9, 10", "32, 12", "128, 24"})
    void inboundFollowsTheTrainersAggregation(int workers, int inbound) {
        assertEquals(inbound, CostModel.inbound(workers));
    }

    @Test
    void transferIsTheBroadcastTreeDownAndTheAggregationUp() {
        // 1.25e9 bytes = 1e10 bits: one state or one result at 10 Gbit/s takes 1 s
        CostModel m = new CostModel(500, 100, 1_250_000_000L, 1_250_000_000L);
        assertEquals(0, m.transferMs(1, 10), 1e-9);
        assertEquals(1_000 + 2_000, m.transferMs(2, 10), 1e-9);
        assertEquals(3_000 + 8_000, m.transferMs(8, 10), 1e-9);
        assertEquals(5_000 + 12_000, m.transferMs(32, 10), 1e-9);
        assertEquals(7_000 + 24_000, m.transferMs(128, 10), 1e-9);
        assertEquals((7_000 + 24_000) / 2.0, m.transferMs(128, 20), 1e-9);
        assertEquals(500 + 100 + 11_000, m.roundMs(8, 10), 1e-9);
        assertEquals(500.0 / 11_600, m.efficiency(8, 10), 1e-12);
    }

    @Test
    void gatherSendsEveryResultToTheDriver() {
        // state: 1 s per hop at 10 Gbit/s; each result 2 s; 8 workers: 3 hops down + 8 results up
        CostModel m = new CostModel(1_000, 0, 1_250_000_000L, 2_500_000_000L);
        assertEquals(3_000 + 16_000, m.gatherTransferMs(8, 10), 1e-9);
        assertEquals(1_000.0 / 20_000, m.gatherEfficiency(8, 10), 1e-12);
        assertEquals(7_000 + 256_000, m.gatherTransferMs(128, 10), 1e-9);
    }

    @Test
    void withoutTransferEfficiencyIsComputeOverComputePlusOverhead() {
        CostModel m = new CostModel(300, 100, 0, 0);
        assertEquals(0.75, m.efficiency(128, 10), 1e-12);
    }

    @Test
    void rejectsImpossibleInputs() {
        assertThrows(IllegalArgumentException.class, () -> new CostModel(0, 1, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new CostModel(1, -1, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new CostModel(1, 1, -1, 1));
        assertThrows(IllegalArgumentException.class, () -> new CostModel(1, 1, 1, 1).transferMs(8, 0));
        assertThrows(IllegalArgumentException.class, () -> CostModel.treeDepth(0));
    }
}
