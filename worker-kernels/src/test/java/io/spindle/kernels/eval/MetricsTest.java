package io.spindle.kernels.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Tag("fast")
class MetricsTest {

    @ParameterizedTest
    @ValueSource(strings = {"loss", "mae", "mse", "rmse"})
    void errorsAreLowerIsBetter(String metric) {
        assertFalse(Metrics.higherIsBetter(metric));
    }

    @ParameterizedTest
    @ValueSource(strings = {"accuracy", "precision", "recall", "f1", "f1_macro", "precision_macro",
            "recall_macro", "auc", "r2"})
    void scoresAreHigherIsBetter(String metric) {
        assertTrue(Metrics.higherIsBetter(metric));
    }

    @Test
    void everyReportedMetricHasADirection() {
        for (TaskKind kind : TaskKind.values()) {
            MetricsAccumulator acc = MetricsAccumulator.create(kind, TestData.outputs(kind));
            acc.addLoss(1.0, 1);
            for (String metric : acc.result().values().keySet()) {
                Metrics.higherIsBetter(metric); // throws for an unknown name
            }
        }
    }

    @Test
    void unknownMetricIsRejectedWithTheKnownNames() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Metrics.higherIsBetter("acuracy"));
        assertTrue(e.getMessage().contains("accuracy"), e.getMessage());
    }

    @Test
    void valueOfAMissingMetricNamesTheAvailableOnes() {
        Metrics m = MetricsAccumulator.create(TaskKind.REGRESSION, 1).result();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.value("auc"));
        assertTrue(e.getMessage().contains("mae"), e.getMessage());
    }

    @Test
    void recordIsImmutable() {
        Map<String, Double> values = new HashMap<>(Map.of("accuracy", 0.5));
        Map<String, Map<String, Double>> perClass = new LinkedHashMap<>();
        perClass.put("0", new HashMap<>(Map.of("precision", 1.0)));
        long[][] confusion = {{1, 2}, {3, 4}};
        Metrics m = new Metrics(TaskKind.BINARY, 10, 0, values, perClass, confusion);

        values.put("accuracy", 0.9);
        perClass.get("0").put("precision", 0.0);
        confusion[0][0] = 99;
        m.confusionMatrix()[1][1] = 99;

        assertEquals(0.5, m.value("accuracy"));
        assertEquals(1.0, m.perClass().get("0").get("precision"));
        assertEquals(1, m.confusionMatrix()[0][0]);
        assertEquals(4, m.confusionMatrix()[1][1]);
        assertThrows(UnsupportedOperationException.class, () -> m.values().put("f1", 1.0));
        assertThrows(UnsupportedOperationException.class, () -> m.perClass().get("0").put("f1", 1.0));
    }

    @Test
    void recordRejectsInconsistentCounts() {
        assertThrows(IllegalArgumentException.class,
                () -> new Metrics(TaskKind.BINARY, 1, 2, Map.of(), Map.of(), new long[0][0]));
    }
}
