package io.spindle.driver.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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

@Tag("fast")
class SpecParserTest {

    private static final String BASE = """
            data:
              path: data.csv
              label: y
              task: multiclass
            """;

    @TempDir
    Path dir;

    private JobSpec parse(String yaml, String... overrides) throws Exception {
        Path f = dir.resolve("job.yaml");
        Files.writeString(f, yaml);
        return SpecParser.parse(f, List.of(overrides));
    }

    private String error(String yaml, String... overrides) {
        return assertThrows(SpecException.class, () -> parse(yaml, overrides)).getMessage();
    }

    @Test
    void derivedDefaultsFollowTheValuesTheyDependOn() throws Exception {
        for (String optimizer : SpecSchema.OPTIMIZERS) {
            JobSpec s = parse(BASE, "training.optimizer=" + optimizer);
            assertEquals(SpecDefaults.lr(optimizer), s.training().lr(), optimizer);
            assertEquals(SpecDefaults.weightDecay(optimizer), s.training().weightDecay(), optimizer);
            assertEquals(s.training().lr(), s.resolved().at("/training/lr").asDouble(), "validate shows " + optimizer
                    + "'s rate");
        }
        assertEquals(0.01, parse(BASE, "training.optimizer=sgd").training().lr());
        assertEquals(0.01, parse(BASE, "training.optimizer=adamw").training().weightDecay());
        JobSpec regression = parse(BASE.replace("multiclass", "regression"));
        assertEquals(List.of("rmse", "mae", "mse", "r2"), regression.metrics().compute());
        assertEquals("mse", regression.model().output().loss());
        assertEquals("identity", regression.model().output().activation());
        JobSpec binary = parse(BASE.replace("multiclass", "binary"));
        assertEquals(1, binary.model().output().units(), "one sigmoid unit");
        assertEquals(2, parse(BASE.replace("multiclass", "binary") + """
                model:
                  layers: [{type: dense, units: 8}, {type: output, loss: cce}]
                """).model().output().units(), "two softmax units for cce");
        // every key a rule fills is a key of the schema's tables (the rules' own table comes after them)
        String reference = SpecReference.markdown();
        String keys = reference.substring(0, reference.indexOf("## Defaults that follow from other values"));
        for (SpecDefaults.Rule rule : SpecDefaults.RULES) {
            assertTrue(keys.contains("| `" + rule.key() + "` |"), rule.key());
        }
    }

    @Test
    void everyPresetSetsTheTrainingValuesNoSchemaDefaultCovers() {
        for (String preset : SpecSchema.PRESETS) {
            JsonNode t = Presets.tree(preset).path("training");
            for (String key : List.of("optimizer", "batch_size", "epochs")) {
                assertTrue(t.has(key), preset + " sets training." + key);
            }
            assertTrue(Presets.tree(preset).path("metrics").has("select"), preset + " sets metrics.select");
        }
    }

    @Test
    void presetFillsSeedDefaults() throws Exception {
        JobSpec s = parse(BASE);
        assertEquals("classification", s.model().preset());
        assertEquals("adam", s.training().optimizer());
        assertEquals(0.001, s.training().lr());
        assertEquals(32, s.training().batchSize());
        assertEquals(15, s.training().earlyStopping().patience());
        assertEquals("val_loss", s.training().earlyStopping().monitor());
        assertFalse(s.training().earlyStopping().maximize());
        List<LayerSpec> layers = s.model().layers();
        assertEquals(List.of("dense", "dense", "output"), layers.stream().map(LayerSpec::type).toList());
        assertEquals("relu", layers.get(0).activation());
        assertEquals("he", layers.get(0).init());
        assertEquals("softmax", s.model().output().activation());
        assertEquals("cce", s.model().output().loss());
        assertEquals("accuracy", s.metrics().select());
        assertEquals("job", s.name());
    }

    @Test
    void userValuesOverridePresetAndOverridesOverrideFile() throws Exception {
        JobSpec s = parse(BASE + """
                training: {lr: 0.01, optimizer: sgd}
                model:
                  layers:
                    - {type: dense, units: 8, activation: tanh}
                    - {type: output}
                """, "training.lr=0.05", "model.layers[0].units=16");
        assertEquals(0.05, s.training().lr());
        assertEquals("sgd", s.training().optimizer());
        assertEquals(16, s.model().layers().get(0).units());
        assertEquals("xavier", s.model().layers().get(0).init(), "tanh gets Xavier (Glorot and Bengio 2010)");
        assertEquals(2, s.model().layers().size());
    }

    @Test
    void taskDefaultsOutputActivationAndLoss() throws Exception {
        JobSpec bin = parse(BASE.replace("multiclass", "binary"));
        assertEquals("sigmoid", bin.model().output().activation());
        assertEquals("bce", bin.model().output().loss());
        assertEquals(1, bin.model().output().units());
        JobSpec reg = parse(BASE.replace("multiclass", "regression"));
        assertEquals("identity", reg.model().output().activation());
        assertEquals("mse", reg.model().output().loss());
        assertEquals("rmse", reg.metrics().select());
    }

    @Test
    void imbalancedPresetFollowsSeed004() throws Exception {
        JobSpec s = parse(BASE.replace("task: multiclass", "task: binary") + "model: {preset: imbalanced}\n");
        assertEquals("adamw", s.training().optimizer());
        assertTrue(s.training().weightDecay() > 0);
        assertEquals("weighted_cce", s.model().output().loss());
        assertTrue(s.model().output().balancedWeights());
        assertEquals("xavier", s.model().layers().get(0).init());
        assertEquals("f1", s.metrics().select());
    }

    static Stream<Arguments> badSpecs() {
        return Stream.of(
                Arguments.of(BASE + "model: {layers: [{type: dense, units: -5}, {type: output}]}\n",
                        "model.layers[0].units must be > 0, got -5"),
                Arguments.of(BASE + "training: {learning_rate: 0.1}\n",
                        "unknown key training.learning_rate"),
                Arguments.of(BASE + "training: {optimiser: adam}\n", "did you mean 'optimizer'?"),
                Arguments.of(BASE + "training: {epochs: ten}\n", "training.epochs must be an integer, got 'ten'"),
                Arguments.of(BASE + "training: {lr: [1]}\n", "training.lr must be a number"),
                Arguments.of(BASE + "training: {optimizer: adma}\n", "did you mean 'adam'?"),
                Arguments.of(BASE.replace("multiclass", "regression") + "model: {layers: [{type: output, loss: cce}]}\n",
                        "model.layers[0].loss 'cce' is a classification loss but data.task is regression"),
                Arguments.of(BASE + "model: {layers: [{type: output, loss: cce, activation: relu}]}\n",
                        "model.layers[0].activation must be softmax with loss cce, got 'relu'"),
                Arguments.of(BASE + "model: {layers: [{type: output}, {type: dense, units: 3}]}\n",
                        "model.layers[0] is an output layer but is not last"),
                Arguments.of(BASE + "model: {layers: [{type: conv2d, filters: 3}, {type: output}]}\n",
                        "needs image rows: set data.image"),
                Arguments.of(BASE + "  split: {train: 0.5, validation: 0.2, test: 0.2}\n",
                        "data.split fractions must sum to 1"),
                Arguments.of("data: {path: x.csv, label: y}\n", "data.task is required"),
                Arguments.of(BASE + "metrics: {select: rmse}\n", "metrics.select 'rmse' is not computed for a multiclass task"),
                Arguments.of(BASE + "training: {early_stopping: {monitor: val_acc}}\n",
                        "training.early_stopping.monitor 'val_acc' is no metric; use one of loss, accuracy"),
                Arguments.of(BASE + "model: {layers: [{type: dens, units: 3}, {type: output}]}\n",
                        "model.layers[0].type must be one of"),
                Arguments.of("data: [1, 2]\n", "data must be a mapping"),
                Arguments.of("data:\n  path: [x\n", "line 2"));
    }

    @ParameterizedTest
    @MethodSource("badSpecs")
    void badSpecsNameThePathAndValue(String yaml, String expected) {
        String message = error(yaml);
        assertTrue(message.contains(expected), () -> "expected '" + expected + "' in: " + message);
    }

    @Test
    void setRejectsMalformedAssignments() {
        assertTrue(error(BASE, "training.lr").contains("--set expects key=value"));
        assertTrue(error(BASE + "model: {layers: [{type: output}]}\n", "model.layers[3].units=4").contains("out of range"));
    }

    static Stream<Arguments> warnings() {
        return Stream.of(
                Arguments.of(BASE.replace("multiclass", "multilabel").replace("label: y", "label: [a, b]")
                        + "model: {layers: [{type: output, activation: softmax, loss: bce}]}\n", "softmax on a multilabel task"),
                Arguments.of(BASE.replace("multiclass", "binary")
                        + "model: {layers: [{type: output, units: 1, activation: softmax, loss: cce}]}\n",
                        "one-output binary model"),
                Arguments.of(BASE + "model: {layers: [{type: dense, units: 4}, {type: output, dropout: 0.5}]}\n",
                        "dropout on the output layer"),
                Arguments.of(BASE + "model: {layers: [{type: dense, units: 4, init: zeros}, {type: output}]}\n",
                        "zeros makes every unit"),
                Arguments.of(BASE + "model: {layers: [{type: output, loss: mse}]}\n", "mse on a multiclass task"),
                Arguments.of(BASE + "training: {early_stopping: {enabled: false}}\n", "without it a run trains past its best epoch"));
    }

    @ParameterizedTest
    @MethodSource("warnings")
    void guidanceWarnings(String yaml, String expected) throws Exception {
        JobSpec s = parse(yaml);
        assertTrue(s.warnings().stream().anyMatch(w -> w.contains(expected)),
                () -> "expected a warning containing '" + expected + "' in " + s.warnings());
    }

    @Test
    void defaultSpecHasNoWarnings() throws Exception {
        assertEquals(List.of(), parse(BASE).warnings());
    }

    @Test
    void resolvedSpecRoundTrips() throws Exception {
        JobSpec s = parse(BASE + "training: {lr: 0.003}\n");
        String yaml = SpecTrees.toYaml(s.resolved());
        JobSpec again = parse(yaml);
        assertEquals(s.data(), again.data());
        assertEquals(s.model(), again.model());
        assertEquals(s.training(), again.training());
        assertEquals(s.metrics(), again.metrics());
        assertEquals(s.cluster(), again.cluster());
    }

    @Test
    void withOverridesMakesANewSpec() throws Exception {
        JobSpec s = parse(BASE);
        JobSpec t = s.withOverrides(Map.of("training.lr", 0.02, "model.layers", List.of(
                Map.of("type", "dense", "units", 7), Map.of("type", "output"))));
        assertEquals(0.02, t.training().lr());
        assertEquals(7, t.model().layers().get(0).units());
        assertEquals(0.001, s.training().lr(), "the original is unchanged");
    }

    @Test
    void jsonSchemaDescribesEveryKey() {
        ObjectNode schema = SpecSchema.jsonSchema();
        JsonNode props = schema.get("properties");
        for (String k : List.of("name", "data", "model", "training", "metrics", "cluster")) {
            assertTrue(props.has(k), k);
        }
        assertEquals("data", schema.get("required").get(0).asText());
        JsonNode layerVariants = props.at("/model/properties/layers/items/oneOf");
        assertEquals(LayerSpec.TYPES.size(), layerVariants.size());
        assertEquals(false, props.at("/training/additionalProperties").asBoolean());
        assertEquals(15, props.at("/training/properties/early_stopping/properties/patience/default").asInt());
    }
}
