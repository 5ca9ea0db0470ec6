package io.spindle.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spindle.driver.sweep.SweepSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.ArgumentsProvider;
import org.junit.jupiter.params.provider.ArgumentsSource;
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
        // experiment 2 reuses experiment 1's first parallel run for experiment 1's seed
        assertEquals(plan.cases().size(), specs.size(), "one folder per sweep");
        assertEquals(2 * plan.repeats() + 2 * plan.ashaSeeds().size() - 1 + 2 * plan.searchSeeds().size(),
                specs.size());
        assertEquals(plan.ashaSeeds().get(0), plan.seed());
        SweepSpec parallel = specs.get("sweep-parallel-seed" + plan.seed());
        List<SweepSpec> unpruned = new ArrayList<>();
        for (int r = 1; r <= plan.repeats(); r++) {
            String suffix = r == 1 ? "" : "-repeat" + r;
            SweepSpec p = specs.get("sweep-parallel-seed" + plan.seed() + suffix);
            SweepSpec q = specs.get("sweep-sequential-seed" + plan.seed() + suffix);
            assertEquals(2, p.parallelTrials());
            assertEquals(1, q.parallelTrials());
            assertEquals(plan.seed(), p.seed());
            assertEquals(plan.seed(), q.seed());
            unpruned.add(p);
            unpruned.add(q);
        }
        for (long seed : plan.ashaSeeds()) {
            SweepSpec u = specs.get((seed == plan.seed() ? "sweep-parallel-seed" : "sweep-unpruned-seed") + seed);
            SweepSpec asha = specs.get("sweep-asha-seed" + seed);
            assertEquals(seed, u.seed());
            assertEquals(seed, asha.seed());
            assertEquals(2, u.parallelTrials());
            assertEquals(2, asha.parallelTrials());
            assertEquals(new SweepSpec.Scheduler("asha", plan.ashaMinEpochs(), plan.epochs(), plan.reductionFactor()),
                    asha.scheduler());
            unpruned.add(u);
            for (SweepSpec s : List.of(u, asha)) {
                assertEquals("random", s.strategy());
                assertEquals(plan.trials(), s.trials());
                assertEquals(plan.epochs(), s.base().training().epochs());
                assertEquals(1, s.workersPerTrial());
                assertEquals("accuracy", s.metric());
                assertEquals(parallel.space(), s.space());
                assertTrue(!s.base().training().earlyStopping().enabled(), "the unpruned runs train every epoch");
                assertEquals(DIGITS.toAbsolutePath().toString(), s.base().data().path());
            }
        }
        for (SweepSpec s : unpruned) {
            assertEquals("random", s.strategy());
            assertEquals(plan.trials(), s.trials());
            assertEquals(plan.epochs(), s.base().training().epochs());
            assertEquals("none", s.scheduler().type());
            assertEquals(parallel.space(), s.space());
        }
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

    /** The full and the quick plan, and the order their measured sweeps run in. */
    static final class RunOrders implements ArgumentsProvider {
        @Override
        public Stream<? extends Arguments> provideArguments(ExtensionContext context) {
            return Stream.of(
                    Arguments.of(false, List.of("parallel-vs-sequential / parallel, seed 1",
                            "parallel-vs-sequential / sequential, seed 1",
                            "parallel-vs-sequential / sequential, seed 1, repeat 2",
                            "parallel-vs-sequential / parallel, seed 1, repeat 2",
                            "asha-vs-unpruned / asha, seed 1",
                            "asha-vs-unpruned / unpruned, seed 2", "asha-vs-unpruned / asha, seed 2",
                            "asha-vs-unpruned / unpruned, seed 3", "asha-vs-unpruned / asha, seed 3",
                            "tpe-vs-random / random, seed 1", "tpe-vs-random / tpe, seed 1",
                            "tpe-vs-random / random, seed 2", "tpe-vs-random / tpe, seed 2",
                            "tpe-vs-random / random, seed 3", "tpe-vs-random / tpe, seed 3",
                            "tpe-vs-random / random, seed 4", "tpe-vs-random / tpe, seed 4",
                            "tpe-vs-random / random, seed 5", "tpe-vs-random / tpe, seed 5")),
                    Arguments.of(true, List.of("parallel-vs-sequential / parallel, seed 1",
                            "parallel-vs-sequential / sequential, seed 1",
                            "asha-vs-unpruned / asha, seed 1",
                            "tpe-vs-random / random, seed 1", "tpe-vs-random / tpe, seed 1",
                            "tpe-vs-random / random, seed 2", "tpe-vs-random / tpe, seed 2")));
        }
    }

    @ParameterizedTest(name = "quick {0}")
    @ArgumentsSource(RunOrders.class)
    void experimentOneRunsAbbaAndExperimentTwoRunsAnUnprunedSweepPerNewSeed(boolean quick, List<String> titles) {
        List<SweepCase> cases = SweepPlan.of(quick).cases();
        assertEquals(titles, cases.stream().map(SweepCase::title).toList());
        assertEquals(cases.size(), cases.stream().map(SweepCase::folder).distinct().count(), "a folder per sweep");
    }

    @ParameterizedTest(name = "quick {0}")
    @ValueSource(booleans = {true, false})
    void theWarmUpIsOutsideTheExperimentsAndInTheFullRunAsLongAsExperimentOnesParallelSweep(boolean quick)
            throws Exception {
        SweepPlan plan = SweepPlan.of(quick);
        Path file = tmp.resolve(SweepReport.SWEEP_FILE);
        Files.writeString(file, SweepBenchmark.bundledSweep());
        SweepSpec warmUp = SweepBenchmark.parse(file, DIGITS, plan.warmUp());
        assertEquals(quick ? 2 : plan.trials(), warmUp.trials());
        assertEquals(quick ? 1 : plan.epochs(), warmUp.base().training().epochs());
        assertEquals(2, warmUp.parallelTrials());
        assertEquals("none", warmUp.scheduler().type());
        assertEquals(SweepPlan.WARM_UP_SEED, warmUp.seed());
        assertTrue(plan.cases().stream().noneMatch(c -> c.folder().equals(plan.warmUp().folder())));
        assertTrue(plan.cases().stream().noneMatch(c -> c.seed() == SweepPlan.WARM_UP_SEED),
                "the warm-up does not run a measured sweep's trials");
    }

    @ParameterizedTest(name = "search trials {0}")
    @ValueSource(ints = {1, SweepPlan.TPE_STARTUP})
    void tpeNeedsMoreTrialsThanItsStartUp(int searchTrials) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new SweepPlan(true, 6, 4, 1, 1, 3, List.of(1L), searchTrials, 2, List.of(1L)));
        assertTrue(e.getMessage().contains("start-up trials"), e.getMessage());
    }

    @ParameterizedTest(name = "min epochs {0}")
    @ValueSource(ints = {0, 4})
    void ashaNeedsARungBeforeTheLastEpoch(int minEpochs) {
        assertThrows(IllegalArgumentException.class,
                () -> new SweepPlan(true, 6, 4, 1, minEpochs, 3, List.of(1L), 12, 2, List.of(1L)));
    }

    /** Plans with a bad repeat count or bad seeds, and a word the message must hold. */
    static final class BadPlans implements ArgumentsProvider {
        @Override
        public Stream<? extends Arguments> provideArguments(ExtensionContext context) {
            return Stream.of(
                    Arguments.of(0, List.of(1L), List.of(1L), "repeats 0"),
                    Arguments.of(1, List.of(), List.of(1L), "experiment 2 needs at least one seed"),
                    Arguments.of(1, List.of(1L, 1L), List.of(1L), "no seed twice"),
                    Arguments.of(1, List.of(SweepPlan.WARM_UP_SEED), List.of(1L), "warm-up's seed"),
                    Arguments.of(1, List.of(1L), List.of(), "experiment 3 needs at least one seed"),
                    Arguments.of(1, List.of(1L), List.of(2L, 2L), "no seed twice"));
        }
    }

    @ParameterizedTest(name = "repeats {0}, ASHA seeds {1}, search seeds {2}")
    @ArgumentsSource(BadPlans.class)
    void badRepeatsAndSeedsAreRefused(int repeats, List<Long> ashaSeeds, List<Long> searchSeeds, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new SweepPlan(true, 6, 4, repeats, 1, 3, ashaSeeds, 12, 2, searchSeeds));
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }

    @Test
    void aSweepCaseNeedsARepeatFromOne() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new SweepCase(
                SweepCase.PARALLEL_VS_SEQUENTIAL, SweepCase.PARALLEL, 1, 0, List.of()));
        assertEquals("parallel-vs-sequential / parallel, seed 1: repeat must be >= 1, got 0", e.getMessage());
    }
}
