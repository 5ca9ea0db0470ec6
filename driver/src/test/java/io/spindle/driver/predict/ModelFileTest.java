package io.spindle.driver.predict;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.spindle.driver.SharedSpark;
import io.spindle.driver.data.DataLoader;
import io.spindle.driver.data.PreparedData;
import io.spindle.driver.job.ModelZip;
import io.spindle.driver.job.Provenance;
import io.spindle.driver.model.ModelBuilder;
import io.spindle.driver.spec.JobSpec;
import io.spindle.driver.spec.SpecParser;
import io.spindle.driver.spec.SpecTrees;
import io.spindle.driver.spec.Task;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The model format: the pipeline the loader fitted survives a write and a read unchanged, DL4J
 * still restores the network, and each kind of bad model is refused with one line.
 */
@ExtendWith(SharedSpark.class)
class ModelFileTest {

    @TempDir
    Path tmp;

    private static final String PETS = "size,color,weight,kind\n"
            + "1.0,red,3.5,cat\n2.0,blue,7.0,dog\n1.2,red,4.0,cat\n2.5,green,9.0,dog\n0.8,blue,3.0,cat\n"
            + "2.2,green,8.0,dog\n1.1,red,3.8,cat\n2.7,blue,9.5,dog\n0.9,green,3.2,cat\n2.4,red,8.8,dog\n";

    private static final String HOUSES = "rooms,area,price\n"
            + "2,50,100\n3,70,150\n4,90,210\n5,120,260\n3,65,140\n2,45,95\n4,100,220\n6,150,330\n";

    /** A run's spec, data, network and the model.zip written the way {@code TrainJob.writeModel} writes it. */
    private record Written(JobSpec spec, PreparedData data, MultiLayerNetwork net, Path zip) { }

    private Written write(String csv, String data) throws Exception {
        Path file = Files.writeString(tmp.resolve("data.csv"), csv);
        ObjectNode tree = SpecTrees.parse("data: {path: " + file + ", " + data + ", validation_path: " + file
                + ", test_path: " + file + "}\n"
                + "model: {layers: [{type: dense, units: 4}, {type: output}]}\n", "t");
        JobSpec spec = SpecParser.resolve(tree, "t", tmp);
        PreparedData d = DataLoader.load(SharedSpark.session(), spec.data(), tmp);
        MultiLayerNetwork net = new MultiLayerNetwork(ModelBuilder.build(spec, d.layout(), null));
        net.init();
        Path zip = tmp.resolve("model.zip");
        byte[] manifest = ModelFile.manifest(InputPipeline.of(spec.data(), d.layout(), d.normalization()),
                spec.resolved(), Provenance.of(spec, "run-1"));
        try (OutputStream o = Files.newOutputStream(zip)) {
            ModelZip.write(net, null, Map.of(ModelFile.ENTRY, manifest), o);
        }
        return new Written(spec, d, net, zip);
    }

    @Test
    void classificationPipelineWithCategoriesRoundTrips(SparkSession spark) throws Exception {
        Written w = write(PETS, "label: kind, task: multiclass, categorical: [color]");
        SpindleModel m = ModelFile.load(w.zip());
        InputPipeline expected = InputPipeline.of(w.spec().data(), w.data().layout(), w.data().normalization());
        assertEquals(expected, m.pipeline());
        InputPipeline p = m.pipeline();
        assertEquals(Task.MULTICLASS, p.task());
        assertEquals(List.of("size", "color", "weight"), p.features());
        assertEquals(Map.of("color", List.of("blue", "green", "red")), p.categories());
        assertEquals(List.of("size", "color=blue", "color=green", "color=red", "weight"), p.encodedFeatures());
        assertEquals(List.of("kind"), p.labels());
        assertEquals(List.of("cat", "dog"), p.classes());
        assertEquals("standardize", p.normalization().kind());
        // one-hot inputs are not scaled; the numeric ones carry the train mean
        assertEquals(0f, p.normalization().featureShift()[1]);
        assertEquals(1f, p.normalization().featureScale()[2]);
        assertEquals((float) ((3.5 + 7 + 4 + 9 + 3 + 8 + 3.8 + 9.5 + 3.2 + 8.8) / 10), p.normalization().featureShift()[4], 1e-5);
        assertTrue(p.window().isEmpty());
        assertEquals(asRead(w.spec().resolved()), m.spec());
        assertEquals("run-1", m.provenance().path("trial_id").asText());
        assertEquals(asRead(w.spec().resolved()), m.provenance().path("spec"));
        assertArrayEquals(w.net().params().toFloatVector(), m.network().params().toFloatVector());
    }

    @Test
    void regressionPipelineKeepsTheTargetScaling(SparkSession spark) throws Exception {
        Written w = write(HOUSES, "label: price, task: regression, normalize: minmax");
        InputPipeline p = ModelFile.load(w.zip()).pipeline();
        assertEquals(InputPipeline.of(w.spec().data(), w.data().layout(), w.data().normalization()), p);
        assertEquals(Task.REGRESSION, p.task());
        assertEquals(List.of("rooms", "area"), p.features());
        assertEquals(List.of(), p.classes());
        assertEquals("minmax", p.normalization().kind());
        assertArrayEquals(new float[] {95f}, p.normalization().labelShift());
        assertArrayEquals(new float[] {235f}, p.normalization().labelScale());
        assertArrayEquals(new float[] {2f, 45f}, p.normalization().featureShift());
        assertArrayEquals(new float[] {4f, 105f}, p.normalization().featureScale());
    }

    @Test
    void dl4jStillRestoresTheNetworkBesideTheExtraEntry(SparkSession spark) throws Exception {
        Written w = write(PETS, "label: kind, task: multiclass, categorical: [color]");
        MultiLayerNetwork restored = ModelSerializer.restoreMultiLayerNetwork(w.zip().toFile());
        assertArrayEquals(w.net().params().toFloatVector(), restored.params().toFloatVector());
        var x = Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, 3, 5);
        assertEquals(w.net().output(x), ModelFile.load(w.zip()).network().output(x));
    }

    @Test
    void aTrainFolderAndASweepFolderLeadToTheirModel(SparkSession spark) throws Exception {
        Written w = write(PETS, "label: kind, task: multiclass, categorical: [color]");
        Path run = Files.createDirectories(tmp.resolve("run"));
        Files.copy(w.zip(), run.resolve("model.zip"));
        Path sweep = Files.createDirectories(tmp.resolve("sweep/best"));
        Files.copy(w.zip(), sweep.resolve("model.zip"));
        assertTrue(ModelFile.load(run).path().endsWith("run/model.zip"));
        assertTrue(ModelFile.load(tmp.resolve("sweep")).path().endsWith("sweep/best/model.zip"));
    }

    @Test
    void refusesAMissingPathAndAFolderWithoutAModel() throws Exception {
        ModelException e = assertThrows(ModelException.class, () -> ModelFile.load(tmp.resolve("nope")));
        assertOneLine(e, "model " + tmp.resolve("nope") + " does not exist; give a model.zip");
        Files.createDirectories(tmp.resolve("empty"));
        e = assertThrows(ModelException.class, () -> ModelFile.load(tmp.resolve("empty")));
        assertOneLine(e, "holds no model.zip (nor best/model.zip)");
    }

    @Test
    void refusesAFileThatIsNoZipAndADl4jZipWithoutThePipeline(SparkSession spark) throws Exception {
        Path text = Files.writeString(tmp.resolve("notes.zip"), "just text\n");
        assertOneLine(assertThrows(ModelException.class, () -> ModelFile.load(text)), "is not a Spindle model (notes.zip is not a zip)");
        Written w = write(PETS, "label: kind, task: multiclass, categorical: [color]");
        Path plain = tmp.resolve("plain.zip");
        try (OutputStream o = Files.newOutputStream(plain)) {
            ModelZip.write(w.net(), null, o);
        }
        assertOneLine(assertThrows(ModelException.class, () -> ModelFile.load(plain)), "has no spindle-model.json");
    }

    @Test
    void refusesATruncatedZip(SparkSession spark) throws Exception {
        Written w = write(PETS, "label: kind, task: multiclass, categorical: [color]");
        byte[] all = Files.readAllBytes(w.zip());
        for (int keep : new int[] {all.length - 10, all.length / 2, 200}) {
            Path cut = Files.write(tmp.resolve("cut-" + keep + ".zip"), Arrays.copyOf(all, keep));
            ModelException e = assertThrows(ModelException.class, () -> ModelFile.load(cut), "kept " + keep + " bytes");
            assertOneLine(e, "is damaged");
        }
    }

    @Test
    void refusesBadJsonAPipelineThatDoesNotFitAndANewerFormat(SparkSession spark) throws Exception {
        Written w = write(PETS, "label: kind, task: multiclass, categorical: [color]");
        String good = entry(w.zip());
        Path badJson = rewrite(w.zip(), "bad-json.zip", good.substring(0, good.length() / 2));
        assertOneLine(assertThrows(ModelException.class, () -> ModelFile.load(badJson)),
                "is damaged: spindle-model.json is not valid JSON");
        Path misfit = rewrite(w.zip(), "misfit.zip", good.replace("\"color=blue\",", ""));
        assertOneLine(assertThrows(ModelException.class, () -> ModelFile.load(misfit)),
                "is damaged: spindle-model.json holds no valid input pipeline (the normalization has 5 feature shifts");
        Path newer = rewrite(w.zip(), "newer.zip", good.replace("\"format_version\" : 1", "\"format_version\" : 2"));
        assertOneLine(assertThrows(ModelException.class, () -> ModelFile.load(newer)),
                "was written by a newer Spindle (format 2); this build reads format 1: upgrade Spindle");
    }

    /** A JSON tree as writing and reading it gives it back (numbers take the types the parser gives them). */
    private static com.fasterxml.jackson.databind.JsonNode asRead(com.fasterxml.jackson.databind.JsonNode n) throws Exception {
        return SpecTrees.MAPPER.readTree(SpecTrees.MAPPER.writeValueAsBytes(n));
    }

    private static void assertOneLine(Exception e, String part) {
        assertTrue(e.getMessage().contains(part), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }

    private static String entry(Path zip) throws Exception {
        try (var z = new java.util.zip.ZipFile(zip.toFile())) {
            return new String(z.getInputStream(z.getEntry(ModelFile.ENTRY)).readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** A copy of the zip with another {@code spindle-model.json}. */
    private Path rewrite(Path zip, String name, String manifest) throws Exception {
        Path out = tmp.resolve(name);
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (var z = new java.util.zip.ZipFile(zip.toFile())) {
            for (var e : java.util.Collections.list(z.entries())) {
                entries.put(e.getName(), z.getInputStream(e).readAllBytes());
            }
        }
        entries.put(ModelFile.ENTRY, manifest.getBytes(StandardCharsets.UTF_8));
        try (ZipOutputStream o = new ZipOutputStream(Files.newOutputStream(out))) {
            for (var e : entries.entrySet()) {
                o.putNextEntry(new ZipEntry(e.getKey()));
                o.write(e.getValue());
                o.closeEntry();
            }
        }
        return out;
    }
}
