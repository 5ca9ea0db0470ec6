package io.spindle.driver.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.spindle.driver.spec.SpecException;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

@Tag("fast")
class SpaceTest {

    static ObjectNode json(String s) {
        try {
            return (ObjectNode) Json.MAPPER.readTree(s);
        } catch (Exception e) {
            throw new IllegalArgumentException(s, e);
        }
    }

    static final String EXAMPLE = """
            {"training.lr": {"loguniform": [1e-4, 1e-1]},
             "model.layers[0].units": {"choice": [64, 128, 256]},
             "training.optimizer": {"choice": ["adam", "sgd"]},
             "model.layers[1].rate": {"uniform": [0.0, 0.5], "when": {"training.optimizer": "adam"}},
             "training.batch": {"int": [16, 64]},
             "training.momentum": {"quniform": [0.5, 0.9, 0.1], "when": {"training.optimizer": "sgd"}}}
            """;

    @Test
    void parsesAllKindsAndSamplesWithinBoundsRespectingConditions() {
        Space space = Space.fromJson(json(EXAMPLE));
        assertEquals(6, space.paths().size());
        assertTrue(space.paths().indexOf("training.optimizer") < space.paths().indexOf("model.layers[1].rate"));
        SplittableRandom rng = new SplittableRandom(1);
        for (int i = 0; i < 200; i++) {
            Config c = space.sample(rng);
            double lr = (Double) c.get("training.lr");
            assertTrue(lr >= 1e-4 && lr <= 1e-1, "lr " + lr);
            assertTrue(List.of(64, 128, 256).contains(c.get("model.layers[0].units")));
            int batch = (Integer) c.get("training.batch");
            assertTrue(batch >= 16 && batch <= 64);
            boolean adam = c.get("training.optimizer").equals("adam");
            assertEquals(adam, c.has("model.layers[1].rate"));
            assertEquals(!adam, c.has("training.momentum"));
            if (!adam) {
                double m = (Double) c.get("training.momentum");
                assertTrue(List.of(0.5, 0.6, 0.7, 0.8, 0.9).contains(m), "momentum " + m + " is not a clean multiple of q");
            }
        }
    }

    @Test
    void jsonRoundTrip() {
        Space space = Space.fromJson(json(EXAMPLE));
        assertEquals(space, Space.fromJson(json(space.toJson().toString())));
    }

    @Test
    void choiceAcceptsAnyScalar() {
        Space space = Space.fromJson(json("{\"a\": {\"choice\": [1, 2.5, \"x\", true, null]}}"));
        Distribution.Choice c = (Distribution.Choice) space.params().get(0).distribution();
        assertEquals(java.util.Arrays.asList(1, 2.5, "x", true, null), c.values());
        assertEquals(space, Space.fromJson(json(space.toJson().toString())));
    }

    static Stream<Arguments> badSpaces() {
        return Stream.of(
                Arguments.of("{}", List.of("empty", "add at least one")),
                Arguments.of("{\"training.lr\": {\"uniform\": [0.5, 0.1]}}", List.of("sweep.training.lr", "0.5", "swap")),
                Arguments.of("{\"training.lr\": {\"loguniform\": [0, 0.1]}}", List.of("sweep.training.lr", "0 < low", "0.0")),
                Arguments.of("{\"training.lr\": {\"loguniform\": [-1, 0.1]}}", List.of("sweep.training.lr", "-1.0")),
                Arguments.of("{\"units\": {\"choice\": []}}", List.of("sweep.units", "at least one value")),
                Arguments.of("{\"training.lr\": {\"logunifrom\": [1e-4, 1]}}",
                        List.of("sweep.training.lr", "logunifrom", "did you mean 'loguniform'")),
                Arguments.of("{\"x\": {\"quniform\": [0, 1, 0]}}", List.of("sweep.x", "q > 0", "q 0.0")),
                Arguments.of("{\"x\": {\"quniform\": [0, 1, -0.5]}}", List.of("sweep.x", "q -0.5")),
                Arguments.of("{\"x\": {\"int\": [5, 1]}}", List.of("sweep.x", "swap")),
                Arguments.of("{\"x\": {\"uniform\": [0, 1], \"when\": {\"y\": \"a\"}}}", List.of("sweep.x.when.y", "not in the space")),
                Arguments.of("{\"y\": {\"choice\": [\"a\"]}, \"x\": {\"uniform\": [0, 1], \"when\": {\"y\": \"b\"}}}",
                        List.of("sweep.x.when.y", "\"b\"", "[a]")),
                Arguments.of("{\"y\": {\"uniform\": [0, 1]}, \"x\": {\"uniform\": [0, 1], \"when\": {\"y\": 1}}}",
                        List.of("sweep.x.when.y", "choice")),
                Arguments.of("{\"x\": {\"grid\": 3}}", List.of("sweep.x", "no distribution")));
    }

    @ParameterizedTest
    @MethodSource("badSpaces")
    void badInputNamesPathValueAndFix(String space, List<String> fragments) {
        SpecException e = assertThrows(SpecException.class, () -> Space.fromJson(json(space)));
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "'" + e.getMessage() + "' lacks '" + f + "'");
        }
    }

    @Test
    void configIsImmutable() {
        Config c = new Config(java.util.Map.of("a", 1));
        assertThrows(UnsupportedOperationException.class, () -> c.values().put("b", 2));
        assertFalse(c.has("b"));
    }
}
