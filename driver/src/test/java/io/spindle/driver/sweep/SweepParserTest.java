package io.spindle.driver.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spindle.driver.spec.SpecException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Sweep files: extends, precedence, defaults, and one clear message for each kind of bad input. */
@Tag("fast")
class SweepParserTest {

    @TempDir
    Path dir;

    static final String JOB = """
            data: {path: data.csv, label: y, task: multiclass}
            model:
              layers:
                - {type: dense, units: 64}
                - {type: dropout, rate: 0.2}
                - {type: output}
            training: {epochs: 12, lr: 0.001}
            metrics: {select: accuracy}
            """;

    Path write(String name, String text) throws Exception {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    @Test
    void extendsAJobSpecAndOverridesIt() throws Exception {
        write("job.yaml", JOB);
        Path sweep = write("sweep.yaml", """
                extends: job.yaml
                training: {batch_size: 16}
                sweep:
                  strategy: tpe
                  trials: 24
                  parallel_trials: 3
                  space:
                    training.lr: {loguniform: [1e-4, 1e-1]}
                    model.layers[0].units: {choice: [64, 128, 256]}
                    model.layers[1].rate: {uniform: [0.0, 0.5]}
                  scheduler: {type: asha, min_epochs: 2, reduction_factor: 3}
                  time_budget: 30m
                """);
        SweepSpec s = SweepParser.parse(sweep, List.of("training.epochs=9"));
        assertEquals(16, s.base().training().batchSize(), "the sweep file's key");
        assertEquals(9, s.base().training().epochs(), "--set wins");
        assertEquals("tpe", s.strategy());
        assertEquals(24, s.trials());
        assertEquals(3, s.parallelTrials());
        assertEquals(1, s.workersPerTrial());
        assertEquals("accuracy", s.metric());
        assertEquals(Mode.MAX, s.mode());
        assertEquals(new SweepSpec.Scheduler("asha", 2, 9, 3), s.scheduler());
        assertEquals(1800, s.timeBudgetSeconds().getAsDouble());
        assertEquals(List.of("training.lr", "model.layers[0].units", "model.layers[1].rate"), s.space().paths());
        assertEquals(128, s.base().withOverrides(Map.of("model.layers[0].units", 128)).model().layers().get(0).units());
    }

    @Test
    void theMetricTakesBothSpellings() throws Exception {
        write("job.yaml", JOB);
        Path sweep = write("metric.yaml", """
                extends: job.yaml
                sweep:
                  metric: val_accuracy
                  space:
                    training.lr: {loguniform: [1e-4, 1e-1]}
                """);
        SweepSpec s = SweepParser.parse(sweep, List.of());
        assertEquals("accuracy", s.metric(), "the canonical spelling");
        assertEquals(Mode.MAX, s.mode());
        SweepSpec loss = SweepParser.parse(sweep, List.of("sweep.metric=val_loss"));
        assertEquals("loss", loss.metric());
        assertEquals(Mode.MIN, loss.mode());
    }

    @Test
    void aJobSpecWithASweepSectionWorksAlone() throws Exception {
        Path sweep = write("inline.yaml", JOB + """
                sweep:
                  space: {training.lr: {uniform: [0.001, 0.01]}}
                  metric: loss
                """);
        SweepSpec s = SweepParser.parse(sweep, List.of());
        assertEquals("random", s.strategy());
        assertEquals(Mode.MIN, s.mode(), "auto: loss is minimized");
        assertEquals("none", s.scheduler().type());
    }

    @Test
    void ashaTakesItsPromotionFormByKeyAndKeepsTheStoppingFormByDefault() throws Exception {
        Path sweep = write("promotion.yaml", JOB + """
                sweep:
                  space: {training.lr: {uniform: [0.001, 0.01]}}
                  scheduler: {type: asha, min_epochs: 1, reduction_factor: 3, promotion: true}
                """);
        SweepSpec s = SweepParser.parse(sweep, List.of());
        assertEquals(new SweepSpec.Scheduler("asha", 1, 12, 3, true), s.scheduler());
        assertTrue(((Asha) s.newScheduler().orElseThrow()).promotion());
        assertTrue(s.toJson().at("/scheduler/promotion").asBoolean());
        Path stopping = write("stopping.yaml", JOB + """
                sweep:
                  space: {training.lr: {uniform: [0.001, 0.01]}}
                  scheduler: asha
                """);
        SweepSpec d = SweepParser.parse(stopping, List.of());
        assertEquals(false, ((Asha) d.newScheduler().orElseThrow()).promotion());
        // absent in the default form: a sweep folder written before the key existed still resumes
        assertTrue(d.toJson().at("/scheduler/promotion").isMissingNode(), d.toJson().toString());
    }

    static Stream<Arguments> bad() {
        return Stream.of(
                Arguments.of("space: {}", "space"),
                Arguments.of("space: {training.lrr: {uniform: [0.001, 0.01]}}", "sweep.space key 'training.lrr'"),
                Arguments.of("space: {training.lr: {uniform: [0.1, 0.01]}}", "training.lr"),
                Arguments.of("space: {training.lr: {loguniform: [0, 0.01]}}", "training.lr"),
                Arguments.of("space: {'model.layers[0].units': {choice: []}}", "model.layers[0].units"),
                Arguments.of("{parallel_trials: 0, space: {training.lr: {uniform: [0.001, 0.01]}}}",
                        "sweep.parallel_trials must be an integer >= 1, got 0"),
                Arguments.of("{metric: rmse, space: {training.lr: {uniform: [0.001, 0.01]}}}",
                        "sweep.metric 'rmse' is not computed"),
                Arguments.of("{strategy: bayes, space: {training.lr: {uniform: [0.001, 0.01]}}}", "sweep.strategy"),
                Arguments.of("{stratgy: grid, space: {training.lr: {uniform: [0.001, 0.01]}}}",
                        "did you mean 'strategy'"),
                Arguments.of("{scheduler: {type: asha, max_epochs: 50}, space: {training.lr: {uniform: [0.001, 0.01]}}}",
                        "max_epochs (50) must be <= training.epochs (12)"),
                Arguments.of("{scheduler: {type: asha, promotion: yes please}, space: {training.lr: {uniform: [0.001, 0.01]}}}",
                        "sweep.scheduler.promotion must be true or false"),
                Arguments.of("{scheduler: {type: median, promotion: true}, space: {training.lr: {uniform: [0.001, 0.01]}}}",
                        "sweep.scheduler.promotion is for type asha"),
                Arguments.of("{scheduler: {type: asha, promoton: true}, space: {training.lr: {uniform: [0.001, 0.01]}}}",
                        "unknown key sweep.scheduler.promoton (did you mean 'promotion'?)"),
                Arguments.of("{time_budget: soon, space: {training.lr: {uniform: [0.001, 0.01]}}}", "sweep.time_budget"));
    }

    @ParameterizedTest
    @MethodSource("bad")
    void badSweepsAreOneClearMessage(String section, String expected) throws Exception {
        String yaml = section.startsWith("{") ? JOB + "sweep: " + section + "\n"
                : JOB + "sweep:\n  " + section + "\n";
        Path sweep = write("bad.yaml", yaml);
        SpecException e = assertThrows(SpecException.class, () -> SweepParser.parse(sweep, List.of()));
        assertTrue(e.getMessage().contains(expected), () -> "expected '" + expected + "' in: " + e.getMessage());
    }

    @Test
    void missingSweepOrBaseIsNamed() throws Exception {
        SpecException noSweep = assertThrows(SpecException.class,
                () -> SweepParser.parse(write("plain.yaml", JOB), List.of()));
        assertTrue(noSweep.getMessage().startsWith("sweep is required"), noSweep.getMessage());
        SpecException noBase = assertThrows(SpecException.class, () -> SweepParser.parse(write("ext.yaml",
                "extends: nope.yaml\nsweep: {space: {training.lr: {uniform: [0.001, 0.01]}}}\n"), List.of()));
        assertTrue(noBase.getMessage().contains("nope.yaml does not exist"), noBase.getMessage());
    }
}
