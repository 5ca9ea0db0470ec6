package io.spindle.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@Tag("fast")
class SystemRunTest {

    private static final SystemRun RUN = new SystemRun("c", "s", List.of(
            new EpochPoint(1, 2.0, 100, 0.90),
            new EpochPoint(2, 4.5, 200, 0.95),
            new EpochPoint(3, 7.0, 300, 0.94),
            new EpochPoint(4, 10.0, 400, 0.97)), "note");

    @ParameterizedTest(name = "target {0} -> {1} s")
    @CsvSource({"0.5, 2.0", "0.90, 2.0", "0.93, 4.5", "0.95, 4.5", "0.96, 10.0", "0.97, 10.0"})
    void secondsToTargetIsTheTimeOfTheFirstEpochAtOrAboveIt(double target, double seconds) {
        assertEquals(OptionalDouble.of(seconds), RUN.secondsTo(target));
    }

    @Test
    void secondsToAnUnreachedTargetIsEmpty() {
        assertTrue(RUN.secondsTo(0.98).isEmpty());
    }

    @Test
    void throughputAfterWarmUpLeavesTheFirstEpochsOut() {
        assertEquals(300.0 / 8.0, RUN.samplesPerSecondAfter(1).getAsDouble(), 1e-12);  // epochs 2-4: 300 rows in 8 s
        assertEquals(200.0 / 5.5, RUN.samplesPerSecondAfter(2).getAsDouble(), 1e-12);
        assertTrue(RUN.samplesPerSecondAfter(4).isEmpty(), "nothing left after every epoch");
        assertThrows(IllegalArgumentException.class, () -> RUN.samplesPerSecondAfter(0));
    }

    @Test
    void summaryValuesComeFromTheLastPoint() {
        assertEquals(40.0, RUN.samplesPerSecond(), 1e-12);
        assertEquals(0.97, RUN.finalAccuracy());
        assertEquals(4, RUN.epochs());
    }

    @Test
    void rowCarriesTheRunsValues() {
        ResultRow row = ResultRow.of(RUN, 0.95);
        assertEquals(new ResultRow("c", "s", 40.0, OptionalDouble.of(4.5), 0.97, 4), row);
    }

    @Test
    void aRunNeedsAPoint() {
        assertThrows(IllegalArgumentException.class, () -> new SystemRun("c", "s", List.of(), ""));
    }

    @ParameterizedTest
    @CsvSource({"0, 1.0, 1, 0.5", "1, -1.0, 1, 0.5", "1, 1.0, -1, 0.5", "1, 1.0, 1, 1.5", "1, NaN, 1, 0.5"})
    void pointsRejectImpossibleValues(int epoch, double seconds, long samples, double accuracy) {
        assertThrows(IllegalArgumentException.class, () -> new EpochPoint(epoch, seconds, samples, accuracy));
    }

    @Test
    void rmseRunsAreLowerIsBetterWithoutAnAccuracy() {
        SystemRun rmse = new SystemRun("co2-lstm", "s", List.of(new EpochPoint(1, 2.0, 100, 0.60, Quality.RMSE),
                new EpochPoint(2, 4.0, 200, 0.45, Quality.RMSE), new EpochPoint(3, 6.0, 300, 1.5, Quality.RMSE)), "note");
        assertEquals(Quality.RMSE, rmse.quality());
        assertEquals(1.5, rmse.finalValue());
        assertEquals(OptionalDouble.of(4.0), rmse.secondsTo(0.5), "the first point at or below the target");
        assertThrows(IllegalStateException.class, rmse::finalAccuracy);
        ResultRow row = ResultRow.of(rmse, 0.95);
        assertEquals(new ResultRow("co2-lstm", "s", 50.0, OptionalDouble.empty(), 1.5, 3, Quality.RMSE), row);
        assertEquals(Quality.ACCURACY, RUN.quality());
    }

    @ParameterizedTest
    @CsvSource({"-0.1", "NaN", "Infinity"})
    void rmsePointsRejectImpossibleValues(double rmse) {
        assertThrows(IllegalArgumentException.class, () -> new EpochPoint(1, 1.0, 1, rmse, Quality.RMSE));
    }

    @Test
    void aRunMeasuresOneQuality() {
        assertThrows(IllegalArgumentException.class, () -> new SystemRun("c", "s", List.of(new EpochPoint(1, 1, 1, 0.5),
                new EpochPoint(2, 2, 2, 0.5, Quality.RMSE)), ""));
    }

    @Test
    void budgetStopsAtTheEpochCapOrOnceTheTimeIsSpent() {
        Budget b = new Budget(3, 10);
        assertTrue(b.allowsAnother(0, 0));
        assertTrue(b.allowsAnother(2, 9.9));
        assertEquals(false, b.allowsAnother(3, 1));
        assertEquals(false, b.allowsAnother(1, 10));
        assertTrue(b.stopReason(3, 1).contains("epoch cap"));
        assertTrue(b.stopReason(1, 12).contains("time budget"));
    }
}
