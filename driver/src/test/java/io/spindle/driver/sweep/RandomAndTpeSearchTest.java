package io.spindle.driver.sweep;

import static io.spindle.driver.sweep.SpaceTest.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.function.BiFunction;
import java.util.function.ToDoubleFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

@Tag("fast")
class RandomAndTpeSearchTest {

    static final Space SPACE = Space.fromJson(json(SpaceTest.EXAMPLE));

    /** A smooth objective over the example space, minimum 0 near lr = 3e-3, rate = 0.2, momentum 0.9. */
    static final ToDoubleFunction<Config> OBJECTIVE = c -> {
        double v = Math.pow(Math.log10((Double) c.get("training.lr")) + 2.5, 2);
        v += Math.abs((Integer) c.get("model.layers[0].units") - 128) / 128.0;
        v += c.has("model.layers[1].rate") ? Math.pow((Double) c.get("model.layers[1].rate") - 0.2, 2) : 0.5;
        return v;
    };

    record Factory(String name, BiFunction<Long, Integer, SearchStrategy> create) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arguments> strategies() {
        return Stream.of(
                Arguments.of(new Factory("random", (seed, n) -> new RandomSearch(SPACE, seed, n))),
                Arguments.of(new Factory("tpe", (seed, n) -> new TpeSearch(SPACE, Mode.MIN, seed, n, TpeSearch.Settings.DEFAULT))),
                Arguments.of(new Factory("tpe-max", (seed, n) -> new TpeSearch(SPACE, Mode.MAX, seed, n,
                        new TpeSearch.Settings(5, 0.3, 16, 1.0)))),
                Arguments.of(new Factory("limited-tpe", (seed, n) -> new Limited(
                        new TpeSearch(SPACE, Mode.MIN, seed, n, TpeSearch.Settings.DEFAULT), 2))));
    }

    @ParameterizedTest
    @MethodSource("strategies")
    void sameSeedSameProposals(Factory f) {
        List<Proposal> a = StrategyTestSupport.run(f.create().apply(7L, 30), 30, OBJECTIVE);
        List<Proposal> b = StrategyTestSupport.run(f.create().apply(7L, 30), 30, OBJECTIVE);
        List<Proposal> other = StrategyTestSupport.run(f.create().apply(8L, 30), 30, OBJECTIVE);
        assertEquals(30, a.size());
        assertEquals(a, b);
        assertNotEquals(a, other);
    }

    @ParameterizedTest
    @MethodSource("strategies")
    void snapshotRestoreMidwayContinuesIdentically(Factory f) {
        List<Proposal> straight = StrategyTestSupport.run(f.create().apply(3L, 25), 100, OBJECTIVE);
        SearchStrategy first = f.create().apply(3L, 25);
        List<Proposal> head = StrategyTestSupport.run(first, 13, OBJECTIVE);
        SearchStrategy resumed = SearchStrategies.restore(SPACE, StrategyTestSupport.viaText(first.snapshot()));
        List<Proposal> tail = StrategyTestSupport.run(resumed, 100, OBJECTIVE);
        assertEquals(straight.subList(0, 13), head);
        assertEquals(straight.subList(13, 25), tail);
    }

    @Test
    void restoreRefusesAnotherSpace() {
        RandomSearch s = new RandomSearch(SPACE, 1, 5);
        Space other = Space.fromJson(json("{\"training.lr\": {\"uniform\": [0, 1]}}"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RandomSearch.restore(other, s.snapshot()));
        assertTrue(e.getMessage().contains("another search space"), e.getMessage());
    }

    @Test
    void tellOfUnknownOrRepeatedTrialIsMisuse() {
        RandomSearch s = new RandomSearch(SPACE, 1, 5);
        assertThrows(IllegalStateException.class, () -> s.tell("nope", Outcome.completed(1)));
        Proposal p = s.ask().orElseThrow();
        s.tell(p.trialId(), Outcome.completed(1));
        assertThrows(IllegalStateException.class, () -> s.tell(p.trialId(), Outcome.completed(1)));
    }

    /** A 2-D objective: a narrow bowl in log(lr) and x, minimum 0. */
    static double bowl(Config c) {
        double a = Math.log10((Double) c.get("lr")) + 3.3;
        double b = (Double) c.get("x") - 0.73;
        return a * a + 10 * b * b;
    }

    @Test
    void tpeBeatsRandomOnAverageAtEqualBudget() {
        Space space = Space.fromJson(json("{\"lr\": {\"loguniform\": [1e-6, 1]}, \"x\": {\"uniform\": [-2, 2]}}"));
        int budget = 40;
        double tpe = 0;
        double random = 0;
        for (long seed = 1; seed <= 5; seed++) {
            tpe += best(new TpeSearch(space, Mode.MIN, seed, budget, TpeSearch.Settings.DEFAULT), budget);
            random += best(new RandomSearch(space, seed, budget), budget);
        }
        tpe /= 5;
        random /= 5;
        assertTrue(tpe < 0.5 * random, "mean best TPE " + tpe + " vs random " + random);
    }

    @Test
    void tpeMaximizesWhenAskedTo() {
        Space space = Space.fromJson(json("{\"lr\": {\"loguniform\": [1e-6, 1]}, \"x\": {\"uniform\": [-2, 2]}}"));
        TpeSearch s = new TpeSearch(space, Mode.MAX, 11, 40, TpeSearch.Settings.DEFAULT);
        double best = Double.NEGATIVE_INFINITY;
        for (Proposal p : StrategyTestSupport.run(s, 40, c -> -bowl(c))) {
            best = Math.max(best, -bowl(p.config()));
        }
        assertTrue(best > -0.5, "best " + best);
    }

    private static double best(SearchStrategy s, int budget) {
        double best = Double.POSITIVE_INFINITY;
        for (Proposal p : StrategyTestSupport.run(s, budget, RandomAndTpeSearchTest::bowl)) {
            best = Math.min(best, bowl(p.config()));
        }
        return best;
    }

    @Test
    void limitedCapsPendingTrials() {
        Limited l = new Limited(new RandomSearch(SPACE, 1, 10), 2);
        Proposal a = l.ask().orElseThrow();
        l.ask().orElseThrow();
        assertEquals(false, l.hasCapacity());
        assertThrows(IllegalStateException.class, l::ask);
        l.tell(a.trialId(), Outcome.completed(1));
        assertTrue(l.hasCapacity());
        assertTrue(l.ask().isPresent());
    }
}
