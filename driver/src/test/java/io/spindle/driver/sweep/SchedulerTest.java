package io.spindle.driver.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

@Tag("fast")
class SchedulerTest {

    static TrialHistory h(String id, double... values) {
        List<Double> v = new ArrayList<>();
        for (double d : values) {
            v.add(d);
        }
        return new TrialHistory(id, v);
    }

    @Test
    void ashaRungsAreMinTimesEtaPowers() {
        assertEquals(List.of(1, 3, 9), new Asha(Mode.MIN, 1, 27, 3).milestones());
        assertEquals(List.of(2, 4, 8), new Asha(Mode.MIN, 2, 10, 2).milestones());
    }

    @Test
    void ashaStopsBottomTrialsAtFirstRungAndKeepsTopThird() {
        Asha asha = new Asha(Mode.MAX, 1, 9, 3);
        Map<Integer, Decision> byValue = new LinkedHashMap<>();
        for (int v : new int[] {5, 1, 9, 3, 7, 2, 8, 4, 6}) {
            byValue.put(v, asha.decide(h("t" + v, v)));
        }
        for (int top : new int[] {7, 8, 9}) {
            assertEquals(Decision.CONTINUE, byValue.get(top), "top third value " + top);
        }
        for (int bottom : new int[] {1, 2, 3, 4}) {
            assertEquals(Decision.STOP, byValue.get(bottom), "bottom value " + bottom);
        }
        // once the rung is full, a newcomer needs to be in the top third of it
        assertEquals(Decision.STOP, asha.decide(h("late-mid", 5.5)));
        assertEquals(Decision.CONTINUE, asha.decide(h("late-good", 8.5)));
        // stopped stays stopped; promoted trials go on between rungs and stop at maxEpochs
        assertEquals(Decision.STOP, asha.decide(h("t1", 1, 100)));
        assertEquals(Decision.CONTINUE, asha.decide(h("t9", 9, 9.5)));
        assertEquals(Decision.STOP, asha.decide(h("t9", 9, 9.5, 10, 10, 10, 10, 10, 10, 10)));
    }

    @Test
    void ashaPromotionFormPausesAtTheRungAndPromotesTheBestThirdAsTheRungFills() {
        Asha asha = new Asha(Mode.MAX, 1, 9, 3, true);
        Asha stopping = new Asha(Mode.MAX, 1, 9, 3);
        List<String> goOn = new ArrayList<>();
        List<String> promotedLater = new ArrayList<>();
        int stoppingGoesOn = 0;
        for (int v : new int[] {5, 1, 9, 3, 7, 2, 8, 4, 6}) {
            if (asha.decide(h("t" + v, v)) == Decision.CONTINUE) {
                goOn.add("t" + v);
            }
            asha.promote().ifPresent(promotedLater::add);
            stoppingGoesOn += stopping.decide(h("t" + v, v)) == Decision.CONTINUE ? 1 : 0;
        }
        // t9 is the best of 3 on arrival, t8 among the best 2 of 7; t7 became one of the best 2 when the 6th
        // arrived; t5, first at the rung, pauses (the stopping form lets it go on)
        assertEquals(List.of("t9", "t8"), goOn);
        assertEquals(List.of("t7"), promotedLater);
        assertEquals(4, stoppingGoesOn, "the stopping form lets more go on in this order of arrival");
        assertEquals(java.util.Optional.empty(), asha.promote(), "floor(9 / 3) = 3 went on; no more");
        assertEquals(Decision.STOP, asha.decide(h("t5", 5)), "a paused trial stays stopped until promoted");
        assertEquals(true, asha.promoted("t7", 1));
        assertEquals(false, asha.promoted("t5", 1));

        // the next rung, at 3 epochs: t7 and t9 pause there, then t8 arrives below t9
        assertEquals(Decision.CONTINUE, asha.decide(h("t7", 7, 7.5)), "between rungs");
        assertEquals(Decision.STOP, asha.decide(h("t7", 7, 7.5, 7.6)));
        assertEquals(Decision.STOP, asha.decide(h("t9", 9, 9.5, 9.9)));
        assertEquals(java.util.Optional.empty(), asha.promote(), "floor(2 / 3) = 0");
        assertEquals(Decision.STOP, asha.decide(h("t8", 8, 8.5, 8.6)));
        assertEquals(java.util.Optional.of("t9"), asha.promote(), "the best of 3 at the higher rung");
        assertEquals(true, asha.promoted("t9", 3));
        assertEquals(false, asha.promoted("t8", 3));
        assertEquals(Decision.CONTINUE, asha.decide(h("t9", 9, 9.5, 9.9, 10)), "the promoted trial goes on");
        assertEquals(Decision.STOP, asha.decide(h("t9", 9, 9.5, 9.9, 10, 10, 10, 10, 10, 10)), "max epochs");
        assertEquals(java.util.Optional.empty(), asha.promote());
    }

    @Test
    void ashaPromotionFormTrainsFewerEpochsThanTheStoppingFormAndUnderAThirdOnAverage() {
        // 12 trials with noisy curves, run one at a time to their next decision as the sweep runner
        // does, over 200 orders of arrival: the epochs trained, as a fraction of 12 x 9
        SplittableRandom rng = new SplittableRandom(7);
        double promotion = 0;
        double stopping = 0;
        int runs = 200;
        for (int run = 0; run < runs; run++) {
            List<List<Double>> curves = new ArrayList<>();
            for (int t = 0; t < 12; t++) {
                double level = rng.nextDouble();
                List<Double> c = new ArrayList<>();
                for (int e = 0; e < 9; e++) {
                    c.add(level * (1 - 1.0 / (e + 2)) + 0.1 * rng.nextDouble());
                }
                curves.add(c);
            }
            promotion += epochs(new Asha(Mode.MAX, 1, 9, 3, true), curves) / 108.0 / runs;
            stopping += epochs(new Asha(Mode.MAX, 1, 9, 3), curves) / 108.0 / runs;
        }
        assertTrue(promotion < 1.0 / 3, "promotion form: " + promotion);
        assertTrue(promotion < stopping, promotion + " against the stopping form's " + stopping);
    }

    /** Runs the trials one at a time as the sweep runner would: promoted trials first, then new ones. */
    private static int epochs(Asha asha, List<List<Double>> curves) {
        Map<String, Integer> done = new LinkedHashMap<>();
        int next = 0;
        int total = 0;
        while (true) {
            String id = asha.promote().orElse(null);
            if (id == null) {
                if (next == curves.size()) {
                    return total;
                }
                id = "t" + next++;
            }
            List<Double> c = curves.get(Integer.parseInt(id.substring(1)));
            for (int e = done.getOrDefault(id, 0) + 1; e <= 9; e++) {
                total++;
                done.put(id, e);
                if (asha.decide(new TrialHistory(id, c.subList(0, e))) == Decision.STOP) {
                    break;
                }
            }
        }
    }

    @Test
    void ashaPromotionFormResumesFromItsSnapshotWithItsPausedAndPromotedTrials() {
        Asha first = new Asha(Mode.MIN, 1, 9, 3, true);
        for (int t = 0; t < 5; t++) {
            first.decide(h("t" + t, 6 + t)); // each pauses; t0 is promotable from the third on, not yet promoted
        }
        Asha second = (Asha) TrialSchedulers.restore(StrategyTestSupport.viaText(first.snapshot()));
        Asha straight = new Asha(Mode.MIN, 1, 9, 3, true);
        for (int t = 0; t < 5; t++) {
            straight.decide(h("t" + t, 6 + t));
        }
        assertEquals(straight.snapshot(), second.snapshot());
        for (Asha a : List.of(straight, second)) {
            assertEquals(Decision.STOP, a.decide(h("t5", 9.5)));
            assertEquals(java.util.Optional.of("t0"), a.promote(), "the best of the rung's 6");
            assertEquals(true, a.promoted("t0", 1));
            assertEquals(Decision.CONTINUE, a.decide(h("t0", 6, 5)));
            assertEquals(java.util.Optional.of("t1"), a.promote(), "floor(6 / 3) = 2");
            assertEquals(java.util.Optional.empty(), a.promote());
        }
        assertEquals(straight.snapshot(), second.snapshot());
    }

    @Test
    void ashaMinModeComparesLosses() {
        Asha asha = new Asha(Mode.MIN, 1, 9, 3);
        assertEquals(Decision.CONTINUE, asha.decide(h("a", 0.5)));
        assertEquals(Decision.STOP, asha.decide(h("b", 0.9)));
        assertEquals(Decision.CONTINUE, asha.decide(h("c", 0.1)));
    }

    @Test
    void hyperbandBracketScheduleMatchesThePaper() {
        List<Hyperband.Bracket> b = Hyperband.schedule(1, 27, 3);
        assertEquals(4, b.size());
        assertEquals(List.of(new Hyperband.Rung(27, 1), new Hyperband.Rung(9, 3), new Hyperband.Rung(3, 9),
                new Hyperband.Rung(1, 27)), b.get(0).rungs());
        assertEquals(List.of(new Hyperband.Rung(12, 3), new Hyperband.Rung(4, 9), new Hyperband.Rung(1, 27)), b.get(1).rungs());
        assertEquals(List.of(new Hyperband.Rung(6, 9), new Hyperband.Rung(2, 27)), b.get(2).rungs());
        assertEquals(List.of(new Hyperband.Rung(4, 27)), b.get(3).rungs());
    }

    @Test
    void hyperbandStopsOnceEnoughBetterTrialsAreKnown() {
        // min 1, max 3, eta 3: bracket 0 = 3 trials, rungs (3 @ 1 epoch), (1 @ 3); bracket 1 = 2 trials @ 3.
        Hyperband hb = new Hyperband(Mode.MIN, 1, 3, 3);
        assertEquals(List.of(new Hyperband.Rung(3, 1), new Hyperband.Rung(1, 3)), hb.brackets().get(0).rungs());
        assertEquals(Decision.CONTINUE, hb.decide(h("a", 0.5)));
        assertEquals(Decision.STOP, hb.decide(h("b", 0.7))); // a is better and only 1 goes on
        assertEquals(Decision.CONTINUE, hb.decide(h("c", 0.1)));
        assertEquals(Decision.STOP, hb.decide(h("a", 0.5, 0.4))); // c now beats a at rung 0
        assertEquals(Decision.STOP, hb.decide(h("c", 0.1, 0.05, 0.01))); // reached max epochs
        assertEquals(Decision.CONTINUE, hb.decide(h("d", 9.0))); // fourth trial: next bracket, 3 epochs each
        assertEquals(1, hb.bracketOf("d"));
    }

    @Test
    void medianRuleStopsTrialsWorseThanMedianAfterGrace() {
        MedianStopping m = new MedianStopping(Mode.MIN, 1, 2);
        m.decide(h("a", 1.0, 0.8, 0.6));
        m.decide(h("b", 1.0, 0.6, 0.4));
        m.decide(h("c", 1.0, 1.0, 1.0));
        // at epoch 1: grace
        assertEquals(Decision.CONTINUE, m.decide(h("x", 5.0)));
        // running averages at epoch 2: a 0.9, b 0.8, c 1.0 -> median 0.9; x's best 0.95 is worse
        assertEquals(Decision.STOP, m.decide(h("x", 5.0, 0.95)));
        assertEquals(Decision.CONTINUE, m.decide(h("y", 5.0, 0.85)));
        // fewer than minTrials others at epoch 4: no comparison
        assertEquals(Decision.CONTINUE, m.decide(h("y", 5.0, 0.85, 0.8, 0.8)));
    }

    @Test
    void medianRuleInMaxMode() {
        MedianStopping m = new MedianStopping(Mode.MAX, 0, 1);
        m.decide(h("a", 0.5, 0.7));
        assertEquals(Decision.STOP, m.decide(h("x", 0.4)));
        assertEquals(Decision.CONTINUE, m.decide(h("y", 0.6)));
    }

    @Test
    void badConstructorArgumentsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Asha(Mode.MIN, 0, 10, 3));
        assertThrows(IllegalArgumentException.class, () -> new Asha(Mode.MIN, 5, 4, 3));
        assertThrows(IllegalArgumentException.class, () -> new Hyperband(Mode.MIN, 1, 10, 1));
        assertThrows(IllegalArgumentException.class, () -> new MedianStopping(Mode.MIN, -1, 1));
    }

    static Stream<Arguments> schedulers() {
        return Stream.of(
                Arguments.of("asha", (Supplier<TrialScheduler>) () -> new Asha(Mode.MIN, 1, 9, 3)),
                Arguments.of("asha-promotion", (Supplier<TrialScheduler>) () -> new Asha(Mode.MIN, 1, 9, 3, true)),
                Arguments.of("hyperband", (Supplier<TrialScheduler>) () -> new Hyperband(Mode.MAX, 1, 9, 3)),
                Arguments.of("median", (Supplier<TrialScheduler>) () -> new MedianStopping(Mode.MIN, 1, 2)));
    }

    /** Twelve trials reporting 9 epochs in an interleaved order, from a fixed seed. */
    static List<TrialHistory> workload() {
        SplittableRandom rng = new SplittableRandom(42);
        Map<String, List<Double>> curves = new LinkedHashMap<>();
        for (int t = 0; t < 12; t++) {
            double level = rng.nextDouble();
            List<Double> c = new ArrayList<>();
            for (int e = 0; e < 9; e++) {
                c.add(level + 1.0 / (e + 1) + 0.05 * rng.nextDouble());
            }
            curves.put("t" + t, c);
        }
        List<TrialHistory> out = new ArrayList<>();
        for (int e = 1; e <= 9; e++) {
            for (Map.Entry<String, List<Double>> c : curves.entrySet()) {
                out.add(new TrialHistory(c.getKey(), c.getValue().subList(0, e)));
            }
        }
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("schedulers")
    void snapshotRestoreMidwayContinuesIdentically(String name, Supplier<TrialScheduler> create) {
        List<TrialHistory> work = workload();
        TrialScheduler straight = create.get();
        List<Decision> all = new ArrayList<>();
        work.forEach(h -> all.add(straight.decide(h)));

        TrialScheduler first = create.get();
        List<Decision> resumed = new ArrayList<>();
        int cut = work.size() / 2;
        work.subList(0, cut).forEach(h -> resumed.add(first.decide(h)));
        TrialScheduler second = TrialSchedulers.restore(StrategyTestSupport.viaText(first.snapshot()));
        work.subList(cut, work.size()).forEach(h -> resumed.add(second.decide(h)));
        assertEquals(all, resumed);
        assertEquals(true, all.contains(Decision.STOP), "the workload should stop something");
    }
}
