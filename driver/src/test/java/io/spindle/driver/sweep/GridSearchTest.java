package io.spindle.driver.sweep;

import static io.spindle.driver.sweep.SpaceTest.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spindle.driver.spec.SpecException;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("fast")
class GridSearchTest {

    @Test
    void enumeratesExactlyAllCombinations() {
        Space space = Space.fromJson(json("{\"a\": {\"choice\": [64, 128, 256]}, \"b\": {\"int\": [1, 2]},"
                + " \"c\": {\"choice\": [\"x\", \"y\"]}}"));
        List<Proposal> ps = StrategyTestSupport.run(new GridSearch(space, 0), 100, c -> 0);
        Set<Map<String, Object>> seen = new HashSet<>();
        ps.forEach(p -> seen.add(p.config().values()));
        assertEquals(12, ps.size());
        assertEquals(12, seen.size());
        for (int a : List.of(64, 128, 256)) {
            for (int b : List.of(1, 2)) {
                for (String c : List.of("x", "y")) {
                    assertTrue(seen.contains(Map.of("a", a, "b", b, "c", c)), a + " " + b + " " + c);
                }
            }
        }
    }

    @Test
    void conditionalParametersOnlyMultiplyWhereActive() {
        Space space = Space.fromJson(json("{\"opt\": {\"choice\": [\"adam\", \"sgd\"]},"
                + " \"mom\": {\"choice\": [0.8, 0.9, 0.99], \"when\": {\"opt\": \"sgd\"}}}"));
        List<Proposal> ps = StrategyTestSupport.run(new GridSearch(space, 0), 100, c -> 0);
        assertEquals(4, ps.size()); // adam, sgd x 3
        assertEquals(Map.of("opt", "adam"), ps.get(0).config().values());
    }

    @Test
    void continuousNeedsGridCount() {
        Space refused = Space.fromJson(json("{\"training.lr\": {\"loguniform\": [1e-4, 1e-1]}}"));
        SpecException e = assertThrows(SpecException.class, () -> new GridSearch(refused, 0));
        assertTrue(e.getMessage().contains("sweep.training.lr") && e.getMessage().contains("\"grid\""), e.getMessage());

        Space gridded = Space.fromJson(json("{\"training.lr\": {\"loguniform\": [1e-4, 1e-1], \"grid\": 4}}"));
        List<Proposal> ps = StrategyTestSupport.run(new GridSearch(gridded, 0), 100, c -> 0);
        double[] expected = {1e-4, 1e-3, 1e-2, 1e-1};
        assertEquals(4, ps.size());
        for (int i = 0; i < 4; i++) {
            assertEquals(expected[i], (Double) ps.get(i).config().get("training.lr"), 1e-12);
        }
    }

    @Test
    void discreteRangesEnumerateEveryValue() {
        Space space = Space.fromJson(json("{\"q\": {\"quniform\": [0.5, 0.9, 0.1]}, \"n\": {\"int\": [1, 10], \"grid\": 3}}"));
        List<Proposal> ps = StrategyTestSupport.run(new GridSearch(space, 0), 100, c -> 0);
        Set<Object> qs = new HashSet<>();
        Set<Object> ns = new HashSet<>();
        ps.forEach(p -> {
            qs.add(p.config().get("q"));
            ns.add(p.config().get("n"));
        });
        assertEquals(Set.of(0.5, 0.6, 0.7, 0.8, 0.9), qs);
        assertEquals(Set.of(1, 6, 10), ns);
        assertEquals(15, ps.size());
    }

    @Test
    void capLimitsTrials() {
        Space space = Space.fromJson(json("{\"a\": {\"int\": [1, 10]}, \"b\": {\"int\": [1, 10]}}"));
        assertEquals(100, new GridSearch(space, 0).size());
        assertEquals(7, StrategyTestSupport.run(new GridSearch(space, 7), 100, c -> 0).size());
    }

    @Test
    void snapshotRestoreContinuesIdentically() {
        Space space = Space.fromJson(json("{\"a\": {\"choice\": [1, 2, 3]}, \"b\": {\"uniform\": [0, 1], \"grid\": 3}}"));
        GridSearch full = new GridSearch(space, 0);
        List<Proposal> all = StrategyTestSupport.run(full, 100, c -> 0);
        GridSearch half = new GridSearch(space, 0);
        List<Proposal> first = StrategyTestSupport.run(half, 4, c -> 0);
        GridSearch resumed = GridSearch.restore(space, StrategyTestSupport.viaText(half.snapshot()));
        List<Proposal> rest = StrategyTestSupport.run(resumed, 100, c -> 0);
        assertEquals(all.subList(0, 4), first);
        assertEquals(all.subList(4, all.size()), rest);
    }
}
