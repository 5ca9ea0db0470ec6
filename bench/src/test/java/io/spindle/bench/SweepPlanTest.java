package io.spindle.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spindle.driver.sweep.SweepSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SweepPlanTest {

    static final Path DIGITS = Path.of("..", "conf", "datasets", "digits.csv");

    @TempDir
    Path tmp;

    private Map<String, SweepSpec> specs(SweepPlan plan) throws Exception {
        Path file = tmp.resolve(SweepReport.SWEEP_FILE);
        Files.writeString(file, SweepBenchmark.bundledSweep());
        return plan.cases().stream().collect(Collectors.toMap(SweepCase::folder,
                c -> SweepBenchmark.parse(file, DIGITS, c)));
    }

    @ParameterizedTest(name = "quick {0}")
    @ValueSource(booleans = {true, false})
    void everySweepResolvesWithTheBundledFileAndTheRunsCompareLikeWithLike(boolean quick) throws Exception {
        SweepPlan plan = SweepPlan.of(quick);
        Map<String, SweepSpec> specs = specs(plan);
        assertEquals(3 + 2 * plan.searchSeeds().size(), specs.size(), "one folder per sweep");
        SweepSpec parallel = specs.get("sweep-parallel-seed" + plan.seed());
        SweepSpec sequential = specs.get("sweep-sequential-seed" + plan.seed());
        SweepSpec asha = specs.get("sweep-asha-seed" + plan.seed());
        assertEquals(2, parallel.parallelTrials());
        assertEquals(1, sequential.parallelTrials());
        for (SweepSpec s : List.of(parallel, sequential, asha)) {
            assertEquals("random", s.strategy());
            assertEquals(plan.trials(), s.trials());
            assertEquals(plan.seed(), s.seed());
            assertEquals(plan.epochs(), s.base().training().epochs());
            assertEquals(1, s.workersPerTrial());
            assertEquals("accuracy", s.metric());
            assertEquals(parallel.space(), s.space());
            assertTrue(!s.base().training().earlyStopping().enabled(), "the unpruned runs train every epoch");
            assertEquals(DIGITS.toAbsolutePath().toString(), s.base().data().path());
        }
        assertEquals("none", parallel.scheduler().type());
        assertEquals("none", sequential.scheduler().type());
        assertEquals(new SweepSpec.Scheduler("asha", plan.ashaMinEpochs(), plan.epochs(), plan.reductionFactor()),
                asha.scheduler());
        for (long seed : plan.searchSeeds()) {
            SweepSpec random = specs.get("sweep-random-seed" + seed);
            SweepSpec tpe = specs.get("sweep-tpe-seed" + seed);
            assertEquals("random", random.strategy());
            assertEquals("tpe", tpe.strategy());
            for (SweepSpec s : List.of(random, tpe)) {
                assertEquals(plan.searchTrials(), s.trials(), "equal trial budget");
                assertEquals(plan.searchEpochs(), s.base().training().epochs());
                assertEquals(seed, s.seed());
                assertEquals("none", s.scheduler().type());
            }
        }
    }

    @ParameterizedTest(name = "quick {0}")
    @ValueSource(booleans = {true, false})
    void theWarmUpIsSmallAndOutsideTheExperiments(boolean quick) throws Exception {
        SweepPlan plan = SweepPlan.of(quick);
        Path file = tmp.resolve(SweepReport.SWEEP_FILE);
        Files.writeString(file, SweepBenchmark.bundledSweep());
        SweepSpec warmUp = SweepBenchmark.parse(file, DIGITS, plan.warmUp());
        assertEquals(2, warmUp.trials());
        assertEquals(1, warmUp.base().training().epochs());
        assertTrue(plan.cases().stream().noneMatch(c -> c.folder().equals(plan.warmUp().folder())));
    }

    @ParameterizedTest(name = "search trials {0}")
    @ValueSource(ints = {1, SweepPlan.TPE_STARTUP})
    void tpeNeedsMoreTrialsThanItsStartUp(int searchTrials) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new SweepPlan(true, 6, 4, 1, 3, searchTrials, 2, 1, List.of(1L)));
        assertTrue(e.getMessage().contains("start-up trials"), e.getMessage());
    }

    @ParameterizedTest(name = "min epochs {0}")
    @ValueSource(ints = {0, 4})
    void ashaNeedsARungBeforeTheLastEpoch(int minEpochs) {
        assertThrows(IllegalArgumentException.class, () -> new SweepPlan(true, 6, 4, minEpochs, 3, 12, 2, 1, List.of(1L)));
    }
}
