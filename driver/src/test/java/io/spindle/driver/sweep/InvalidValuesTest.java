package io.spindle.driver.sweep;

import static io.spindle.driver.sweep.SchedulerTest.h;
import static io.spindle.driver.sweep.SpaceTest.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Tag;

/** Every strategy and scheduler meets NaN, +Inf, -Inf and DIVERGED/FAILED (as Ray Tune's InvalidValuesTest). */
@Tag("fast")
class InvalidValuesTest {

    static final Space SPACE = Space.fromJson(json(
            "{\"x\": {\"uniform\": [0, 1], \"grid\": 10}, \"c\": {\"choice\": [\"a\", \"b\"]}}"));

    static final List<Outcome> BAD = List.of(new Outcome(Double.NaN, Outcome.Status.COMPLETED),
            new Outcome(Double.POSITIVE_INFINITY, Outcome.Status.COMPLETED),
            new Outcome(Double.NEGATIVE_INFINITY, Outcome.Status.COMPLETED),
            new Outcome(0.0, Outcome.Status.DIVERGED), new Outcome(Double.NaN, Outcome.Status.FAILED),
            new Outcome(Double.NaN, Outcome.Status.PRUNED));

    static Stream<Arguments> strategiesAndBadOutcomes() {
        List<Arguments> out = new ArrayList<>();
        for (Mode mode : Mode.values()) {
            List<Function<Long, SearchStrategy>> all = List.of(seed -> new GridSearch(SPACE, 0),
                    seed -> new RandomSearch(SPACE, seed, 20),
                    seed -> new TpeSearch(SPACE, mode, seed, 20, new TpeSearch.Settings(3, 0.25, 24, 1.0)),
                    seed -> new Limited(new TpeSearch(SPACE, mode, seed, 20, new TpeSearch.Settings(3, 0.25, 24, 1.0)), 3));
            List<String> names = List.of("grid", "random", "tpe", "limited-tpe");
            for (int i = 0; i < all.size(); i++) {
                for (Outcome bad : BAD) {
                    out.add(Arguments.of(names.get(i) + "/" + mode, mode, all.get(i), bad));
                }
            }
        }
        return out.stream();
    }

    /**
     * Half the trials (x > 0.5) come back bad; the rest are told a value best at x = 0 (x for MIN,
     * -x for MAX). No strategy may throw, a snapshot with bad values must survive JSON text, and TPE
     * must treat the bad ones as worst: after start-up it proposes mostly x <= 0.5 in either mode,
     * which a -Inf read as "best" under MIN (or +Inf under MAX) would break.
     */
    @ParameterizedTest(name = "{0} {3}")
    @MethodSource("strategiesAndBadOutcomes")
    void badOutcomesNeverThrowAndCountAsWorst(String name, Mode mode, Function<Long, SearchStrategy> create, Outcome bad) {
        SearchStrategy s = create.apply(5L);
        List<Double> late = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            Proposal p = s.ask().orElseThrow();
            double x = (Double) p.config().get("x");
            if (i >= 8) {
                late.add(x);
            }
            s.tell(p.trialId(), x > 0.5 ? bad : Outcome.completed(mode == Mode.MIN ? x : -x));
        }
        SearchStrategy restored = SearchStrategies.restore(SPACE, StrategyTestSupport.viaText(s.snapshot()));
        assertEquals(s.snapshot(), restored.snapshot());
        if (name.contains("tpe")) {
            long low = late.stream().filter(x -> x <= 0.5).count();
            assertTrue(low >= late.size() * 2 / 3, name + ": proposals after start-up " + late);
        }
    }

    static Stream<Arguments> schedulersAndBadValues() {
        List<Arguments> out = new ArrayList<>();
        for (Mode mode : Mode.values()) {
            List<Supplier<TrialScheduler>> all = List.of(() -> new Asha(mode, 1, 9, 3),
                    () -> new Hyperband(mode, 1, 9, 3), () -> new MedianStopping(mode, 0, 1));
            for (Supplier<TrialScheduler> s : all) {
                for (double v : new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
                    out.add(Arguments.of(s.get().getClass().getSimpleName() + "/" + mode, s, v));
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} {2}")
    @MethodSource("schedulersAndBadValues")
    void nonFiniteMetricStopsAndCountsAsWorst(String name, Supplier<TrialScheduler> create, double bad) {
        TrialScheduler s = create.get();
        // first at every rung, with no competitors: only the bad value can stop it
        assertEquals(Decision.STOP, s.decide(h("bad", bad)));
        assertEquals(Decision.STOP, s.decide(h("bad", bad, 1.0)), "stopped stays stopped");
        // a finite trial after it is better than the bad one, whatever the mode
        assertNotEquals(Decision.STOP, s.decide(h("good", 0.5)), name);
        // a later non-finite value stops a good trial too
        assertEquals(Decision.STOP, s.decide(h("good", 0.5, bad)));
        TrialScheduler restored = TrialSchedulers.restore(StrategyTestSupport.viaText(s.snapshot()));
        assertEquals(s.snapshot(), restored.snapshot());
    }
}
