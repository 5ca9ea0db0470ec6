package io.spindle.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spindle.driver.spec.DataSpec;
import io.spindle.driver.sweep.SweepSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.ArgumentsProvider;
import org.junit.jupiter.params.provider.ArgumentsSource;
import org.junit.jupiter.params.provider.ValueSource;

@Tag("fast")
class SweepPlanTest {

    static final Path DIGITS = Path.of("..", "conf", "datasets", "digits.csv");
    static final Path MNIST = Path.of("..", "conf", "datasets", "mnist10k.csv.gz");

    @TempDir
    Path tmp;

    private SweepSpec parse(SweepCase c) throws Exception {
        Path file = tmp.resolve(SweepReport.SWEEP_FILE);
        if (!Files.exists(file)) {
            Files.writeString(file, SweepBenchmark.bundledSweep());
        }
        return SweepBenchmark.parse(file, new SweepBenchmark.Options(true, tmp, DIGITS, MNIST).path(c.data()), c);
    }

    private Map<String, SweepSpec> specs(SweepPlan plan) throws Exception {
        Map<String, SweepSpec> out = new java.util.LinkedHashMap<>();
        for (SweepCase c : plan.cases()) {
            out.put(c.folder(), parse(c));
        }
        return out;
    }

    @ParameterizedTest(name = "quick {0}")
    @ValueSource(booleans = {true, false})
    void everySweepResolvesWithTheBundledFileAndTheRunsCompareLikeWithLike(boolean quick) throws Exception {
        SweepPlan plan = SweepPlan.of(quick);
        Map<String, SweepSpec> specs = specs(plan);
        // every seed of experiment 2 runs its own unpruned sweep: experiment 1's are on digits
        assertEquals(plan.cases().size(), specs.size(), "one folder per sweep");
        assertEquals(2 * plan.repeats() + 3 * plan.ashaSeeds().size() + 2 * plan.searchSeeds().size(), specs.size());
        assertEquals(plan.ashaSeeds().get(0), plan.seed());
        SweepSpec parallel = specs.get("sweep-parallel-seed" + plan.seed());
        List<SweepSpec> digits = new ArrayList<>();
        for (int r = 1; r <= plan.repeats(); r++) {
            String suffix = r == 1 ? "" : "-repeat" + r;
            SweepSpec p = specs.get("sweep-parallel-seed" + plan.seed() + suffix);
            SweepSpec q = specs.get("sweep-sequential-seed" + plan.seed() + suffix);
            assertEquals(2, p.parallelTrials());
            assertEquals(1, q.parallelTrials());
            for (SweepSpec s : List.of(p, q)) {
                assertEquals(plan.seed(), s.seed());
                assertEquals("random", s.strategy());
                assertEquals(plan.trials(), s.trials());
                assertEquals(plan.epochs(), s.base().training().epochs());
                assertEquals("none", s.scheduler().type());
                assertEquals(parallel.space(), s.space());
                digits.add(s);
            }
        }
        for (long seed : plan.ashaSeeds()) {
            SweepSpec u = specs.get("sweep-unpruned-seed" + seed);
            SweepSpec asha = specs.get("sweep-asha-seed" + seed);
            assertEquals("none", u.scheduler().type());
            assertEquals(new SweepSpec.Scheduler("asha", plan.ashaMinEpochs(), plan.ashaEpochs(), plan.reductionFactor()),
                    asha.scheduler());
            SweepSpec promotion = specs.get("sweep-asha-promotion-seed" + seed);
            assertEquals(new SweepSpec.Scheduler("asha", plan.ashaMinEpochs(), plan.ashaEpochs(), plan.reductionFactor(),
                    true), promotion.scheduler());
            for (SweepSpec s : List.of(u, asha, promotion)) {
                assertEquals(seed, s.seed());
                assertEquals(2, s.parallelTrials());
                assertEquals("random", s.strategy());
                assertEquals(plan.ashaTrials(), s.trials());
                assertEquals(plan.ashaEpochs(), s.base().training().epochs());
                assertEquals(1, s.workersPerTrial());
                assertEquals("accuracy", s.metric());
                assertEquals(parallel.space(), s.space());
                assertTrue(!s.base().training().earlyStopping().enabled(), "the unpruned runs train every epoch");
                // MNIST-10k with its pixels scaled to [0, 1]; the sweep file's label and task fit it
                assertEquals(MNIST.toAbsolutePath().toString(), s.base().data().path());
                assertEquals(DataSpec.Normalize.MINMAX, s.base().data().normalize());
                assertEquals(List.of("digit"), s.base().data().label());
                assertEquals(io.spindle.driver.spec.Task.MULTICLASS, s.base().data().task());
                // 15% of MNIST-10k's 10,000 rows: ~1,500 validation rows, one row ~0.07 points
                assertEquals(0.15, s.base().data().split().validation());
            }
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
                digits.add(s);
            }
        }
        for (SweepSpec s : digits) {
            assertEquals(DIGITS.toAbsolutePath().toString(), s.base().data().path());
            assertEquals(DataSpec.Normalize.STANDARDIZE, s.base().data().normalize(), "the sweep file's own scaling");
        }
    }

    @Test
    void theSizesOfExperimentTwoAreTheirOwn() {
        SweepPlan full = SweepPlan.of(false);
        assertEquals(List.of(12, 9, 1, 3, 3), List.of(full.ashaTrials(), full.ashaEpochs(), full.ashaMinEpochs(),
                full.reductionFactor(), full.ashaSeeds().size()));
        assertEquals(List.of(24, 18), List.of(full.trials(), full.epochs()), "experiment 1 keeps its sizes");
        SweepPlan quick = SweepPlan.of(true);
        assertEquals(List.of(4, 3, 1, 3, 1), List.of(quick.ashaTrials(), quick.ashaEpochs(), quick.ashaMinEpochs(),
                quick.reductionFactor(), quick.ashaSeeds().size()));
        assertEquals(List.of(6, 4), List.of(quick.trials(), quick.epochs()));
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
                            "asha-vs-unpruned / unpruned, seed 1", "asha-vs-unpruned / asha, seed 1",
                            "asha-vs-unpruned / asha-promotion, seed 1",
                            "asha-vs-unpruned / unpruned, seed 2", "asha-vs-unpruned / asha, seed 2",
                            "asha-vs-unpruned / asha-promotion, seed 2",
                            "asha-vs-unpruned / unpruned, seed 3", "asha-vs-unpruned / asha, seed 3",
                            "asha-vs-unpruned / asha-promotion, seed 3",
                            "tpe-vs-random / random, seed 1", "tpe-vs-random / tpe, seed 1",
                            "tpe-vs-random / random, seed 2", "tpe-vs-random / tpe, seed 2",
                            "tpe-vs-random / random, seed 3", "tpe-vs-random / tpe, seed 3",
                            "tpe-vs-random / random, seed 4", "tpe-vs-random / tpe, seed 4",
                            "tpe-vs-random / random, seed 5", "tpe-vs-random / tpe, seed 5")),
                    Arguments.of(true, List.of("parallel-vs-sequential / parallel, seed 1",
                            "parallel-vs-sequential / sequential, seed 1",
                            "asha-vs-unpruned / unpruned, seed 1", "asha-vs-unpruned / asha, seed 1",
                            "asha-vs-unpruned / asha-promotion, seed 1",
                            "tpe-vs-random / random, seed 1", "tpe-vs-random / tpe, seed 1")));
        }
    }

    @ParameterizedTest(name = "quick {0}")
    @ArgumentsSource(RunOrders.class)
    void experimentOneRunsAbbaAndExperimentTwoRunsAnUnprunedSweepPerSeed(boolean quick, List<String> titles) {
        List<SweepCase> cases = SweepPlan.of(quick).cases();
        assertEquals(titles, cases.stream().map(SweepCase::title).toList());
        assertEquals(cases.size(), cases.stream().map(SweepCase::folder).distinct().count(), "a folder per sweep");
        for (SweepCase c : cases) {
            assertEquals(c.experiment().equals(SweepCase.ASHA_VS_UNPRUNED) ? SweepCase.Data.MNIST10K
                    : SweepCase.Data.DIGITS, c.data(), c.title());
        }
    }

    @ParameterizedTest(name = "quick {0}")
    @ValueSource(booleans = {true, false})
    void theWarmUpsAreOutsideTheExperimentsAndCoverBothDataSets(boolean quick) throws Exception {
        SweepPlan plan = SweepPlan.of(quick);
        List<SweepCase> warmUps = plan.warmUps();
        assertEquals(List.of(SweepCase.Data.DIGITS, SweepCase.Data.MNIST10K),
                warmUps.stream().map(SweepCase::data).toList(), "digits first, then experiment 2's data");
        SweepSpec digits = parse(warmUps.get(0));
        assertEquals(quick ? 2 : plan.trials(), digits.trials(), "in the full run as long as experiment 1's parallel sweep");
        assertEquals(quick ? 1 : plan.epochs(), digits.base().training().epochs());
        assertEquals(DIGITS.toAbsolutePath().toString(), digits.base().data().path());
        SweepSpec mnist = parse(warmUps.get(1));
        assertEquals(2, mnist.trials());
        assertEquals(1, mnist.base().training().epochs());
        assertEquals(MNIST.toAbsolutePath().toString(), mnist.base().data().path());
        assertEquals(DataSpec.Normalize.MINMAX, mnist.base().data().normalize(), "scaled as experiment 2's sweeps");
        for (SweepCase w : warmUps) {
            SweepSpec s = parse(w);
            assertEquals(SweepCase.WARM_UP, w.experiment());
            assertEquals(2, s.parallelTrials());
            assertEquals("none", s.scheduler().type());
            assertEquals(SweepPlan.WARM_UP_SEED, s.seed());
            assertTrue(plan.cases().stream().noneMatch(c -> c.folder().equals(w.folder())));
        }
        assertEquals(2, warmUps.stream().map(SweepCase::folder).distinct().count(), "a folder per warm-up");
        assertTrue(plan.cases().stream().noneMatch(c -> c.seed() == SweepPlan.WARM_UP_SEED),
                "the warm-ups do not run a measured sweep's trials");
    }

    @ParameterizedTest(name = "search trials {0}")
    @ValueSource(ints = {1, SweepPlan.TPE_STARTUP})
    void tpeNeedsMoreTrialsThanItsStartUp(int searchTrials) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new SweepPlan(true, 6, 4, 1, 4, 3, 1, 3, List.of(1L), searchTrials, 2, List.of(1L)));
        assertTrue(e.getMessage().contains("start-up trials"), e.getMessage());
    }

    @ParameterizedTest(name = "min epochs {0}")
    @ValueSource(ints = {0, 3})
    void ashaNeedsARungBeforeTheLastEpochOfExperimentTwo(int minEpochs) {
        // experiment 1's 4 epochs do not count: ASHA's max_epochs is experiment 2's 3
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new SweepPlan(true, 6, 4, 1, 4, 3, minEpochs, 3, List.of(1L), 12, 2, List.of(1L)));
        assertTrue(e.getMessage().contains("1 <= min_epochs < ashaEpochs (3)"), e.getMessage());
    }

    /** Experiment 2 sizes that leave ASHA nothing to compare or to stop. */
    @ParameterizedTest(name = "{0} trials x {1} epochs")
    @org.junit.jupiter.params.provider.CsvSource({"1, 9", "12, 1"})
    void experimentTwoNeedsTwoTrialsOfTwoEpochs(int ashaTrials, int ashaEpochs) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new SweepPlan(false, 24, 18, 2, ashaTrials, ashaEpochs, 1, 3, List.of(1L), 24, 5, List.of(1L)));
        assertTrue(e.getMessage().contains("experiment 2 needs >= 2 trials of >= 2 epochs"), e.getMessage());
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
                () -> new SweepPlan(true, 6, 4, repeats, 4, 3, 1, 3, ashaSeeds, 12, 2, searchSeeds));
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }

    @Test
    void aSweepCaseNeedsARepeatFromOne() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new SweepCase(
                SweepCase.PARALLEL_VS_SEQUENTIAL, SweepCase.PARALLEL, SweepCase.Data.DIGITS, 1, 0, List.of()));
        assertEquals("parallel-vs-sequential / parallel, seed 1: repeat must be >= 1, got 0", e.getMessage());
    }
}
