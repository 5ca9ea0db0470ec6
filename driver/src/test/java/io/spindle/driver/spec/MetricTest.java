package io.spindle.driver.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** One metric vocabulary: both spellings everywhere a validation metric is named, one direction per metric. */
@Tag("fast")
class MetricTest {

    @TempDir
    Path tmp;

    @ParameterizedTest
    @EnumSource(Metric.class)
    void bothSpellingsNameTheSameMetric(Metric m) {
        assertEquals(m, Metric.find(m.spelling()).orElseThrow());
        assertEquals(m, Metric.find(m.validationName()).orElseThrow());
        assertEquals(m, Metric.find(m.validationName().toUpperCase(java.util.Locale.ROOT)).orElseThrow());
        assertEquals(!m.higherIsBetter(), Metric.lowerIsBetter(m.validationName()));
    }

    @Test
    void directions() {
        for (Metric m : List.of(Metric.LOSS, Metric.MAE, Metric.MSE, Metric.RMSE, Metric.MAPE, Metric.SMAPE, Metric.MASE)) {
            assertFalse(m.higherIsBetter(), m.spelling());
        }
        for (Metric m : List.of(Metric.ACCURACY, Metric.AUC, Metric.F1, Metric.R2)) {
            assertTrue(m.higherIsBetter(), m.spelling());
        }
        assertEquals("('loss', 'mae', 'mse', 'rmse', 'mape', 'smape', 'mase')", Metric.sqlLowerIsBetter());
    }

    @Test
    void typosGetTheClosestNameAndAbbreviationsWhatTheyAbbreviate() {
        SpecException e = assertThrows(SpecException.class,
                () -> Metric.parse("val_acc", "sweep.metric", Metric.classification(), "computed"));
        assertTrue(e.getMessage().contains("(did you mean 'val_accuracy'?)"), e.getMessage());
        e = assertThrows(SpecException.class, () -> Metric.parse("acuracy", "metrics.select", Metric.classification(), "x"));
        assertTrue(e.getMessage().startsWith("metrics.select 'acuracy' is no metric; use one of accuracy, precision"),
                e.getMessage());
        assertTrue(e.getMessage().endsWith("(did you mean 'accuracy'?)"), e.getMessage());
        e = assertThrows(SpecException.class, () -> Metric.parse("rmse", "metrics.select", Metric.classification(),
                "computed for a binary task"));
        assertTrue(e.getMessage().startsWith("metrics.select 'rmse' is not computed for a binary task"), e.getMessage());
    }

    @Test
    void specsAcceptBothSpellingsAndKeepTheCanonicalOne() throws Exception {
        Path spec = tmp.resolve("s.yaml");
        Files.writeString(spec, """
                data: {path: x.csv, label: y, task: multiclass}
                metrics: {select: val_f1, compute: [val_accuracy, f1]}
                training:
                  early_stopping: {monitor: accuracy}
                  schedule: {type: reduce_on_plateau, monitor: loss}
                """);
        JobSpec s = SpecParser.parse(spec, List.of());
        assertEquals("f1", s.metrics().select());
        assertEquals(List.of("accuracy", "f1"), s.metrics().compute());
        assertEquals("val_accuracy", s.training().earlyStopping().monitor());
        assertTrue(s.training().earlyStopping().maximize());
        assertEquals("val_loss", ((JobSpec.Schedule.ReduceOnPlateau) s.training().schedule()).monitor());
        assertEquals("val_accuracy", s.resolved().at("/training/early_stopping/monitor").asText());
        assertEquals("val_loss", s.resolved().at("/training/schedule/monitor").asText());
        assertEquals("f1", s.resolved().at("/metrics/select").asText());
        JobSpec same = SpecParser.parse(spec, List.of("training.early_stopping.monitor=val_accuracy", "metrics.select=f1"));
        assertEquals(SpecDigest.of(s), SpecDigest.of(same), "the two spellings are the same spec");
    }
}
