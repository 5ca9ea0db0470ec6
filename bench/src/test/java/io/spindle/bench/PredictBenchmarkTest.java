package io.spindle.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("fast")
class PredictBenchmarkTest {

    /** One case, every system predicting 1,000 rows in the given seconds. */
    private static PredictBenchmark.Outcome outcome(double predict, double ml, double mllib, double single, double files) {
        List<PredictBenchmark.Measured> m = new ArrayList<>();
        m.add(new PredictBenchmark.Measured(Systems.MNIST, PredictBenchmark.PREDICT, 1000, List.of(predict, 9.0, predict),
                4200));
        m.add(new PredictBenchmark.Measured(Systems.MNIST, PredictBenchmark.ML, 1000, List.of(ml), -1));
        m.add(new PredictBenchmark.Measured(Systems.MNIST, PredictBenchmark.MLLIB, 1000, List.of(mllib), -1));
        m.add(new PredictBenchmark.Measured(Systems.MNIST, PredictBenchmark.SINGLE, 1000, List.of(single), -1));
        m.add(new PredictBenchmark.Measured(Systems.MNIST, PredictBenchmark.SINGLE_FILES, 1000, List.of(files), -1));
        return new PredictBenchmark.Outcome(m, Map.of(Systems.MNIST, 950L), 100);
    }

    @Test
    void theReportsTablesStandUnderHeadingsThatPublishFinds() {
        String md = PredictBenchmark.markdown(outcome(1, 2, 4, 0.5, 2));
        Map<String, List<Publish.Table>> tables = Publish.tables(md);
        assertEquals(List.of("Results", "Targets"), List.copyOf(tables.keySet()), md);
        Publish.Table results = tables.get("Results").get(0);
        assertEquals(5, results.rows().size(), md);
        assertEquals(List.of(Systems.MNIST, PredictBenchmark.PREDICT, "1,000", "3", "1,000", "0.50x", "2.00x"),
                results.rows().get(0), md);
        Publish.Table targets = tables.get("Targets").get(0);
        assertEquals(2, targets.keyColumns(), md);
        assertEquals(List.of(Systems.MNIST, "spindle predict / single JVM doing the same job from the files", "2.00x",
                ">= 1.6x: met"), targets.rows().get(0), md);
        assertEquals(List.of(Systems.MNIST, "spindle predict / single-JVM output() on rows already in memory", "0.50x",
                ">= 1.6x: not met"), targets.rows().get(1), md);
        assertEquals(List.of(Systems.MNIST, "spindle predict / MLlib's transform", "4.00x", "> 1x: met"),
                targets.rows().get(2), md);
        assertEquals(List.of(Systems.MNIST, "task result bytes to the driver, 100 rows", "950", ""), targets.rows().get(3), md);
        assertEquals(List.of(Systems.MNIST, "task result bytes to the driver, 1,000 rows", "4,200", ""),
                targets.rows().get(4), md);
    }

    @Test
    void twoRunsMergeIntoMediansAndAVerdictTheyDisagreeOnIsLeftOut() {
        String a = PredictBenchmark.markdown(outcome(1, 2, 4, 0.5, 2));
        String b = PredictBenchmark.markdown(outcome(1, 2, 4, 0.5, 1.5));
        String merged = Publish.merge("bench-predict.md \"Targets\" 1",
                List.of(Optional.of(Publish.tables(a).get("Targets").get(0)), Optional.of(Publish.tables(b).get("Targets").get(0))));
        assertTrue(merged.contains("| mnist-mlp | spindle predict / single JVM doing the same job from the files | 1.75x (2.00,"
                + " 1.50) |"), merged);
        assertTrue(merged.contains("`target` differs from run to run"), merged);
    }
}
