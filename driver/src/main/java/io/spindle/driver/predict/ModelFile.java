package io.spindle.driver.predict;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.spindle.driver.data.Normalization;
import io.spindle.driver.spec.DataSpec;
import io.spindle.driver.spec.SpecTrees;
import io.spindle.driver.spec.Task;
import io.spindle.kernels.Networks;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The Spindle model format: a DL4J model zip ({@code configuration.json}, {@code coefficients.bin},
 * {@code normalizer.bin}, so DL4J's {@code ModelSerializer} restores the network) plus one entry,
 * {@value #ENTRY}, holding {@code format_version}, the {@link InputPipeline}, the resolved spec and
 * the provenance.
 *
 * <p>{@link #load} takes a {@code model.zip}, a {@code spindle train} output folder (its
 * {@code model.zip}) or a {@code spindle sweep} / {@code spindle doctor} output folder (its
 * {@code best/model.zip}), on any Hadoop file system, and refuses with one line a path that does
 * not exist, a file that is not a Spindle model or is damaged, and a format newer than
 * {@value #FORMAT_VERSION}.
 */
public final class ModelFile {

    /** The zip entry holding the pipeline, spec and provenance. */
    public static final String ENTRY = "spindle-model.json";
    /** The format this build writes and the newest it reads. */
    public static final int FORMAT_VERSION = 1;
    /** The model file's name in a run's output folder. */
    public static final String MODEL_ZIP = "model.zip";
    /** Where a sweep or doctor output folder keeps its best model. */
    public static final String BEST = "best";

    private static final String CONFIGURATION = "configuration.json";
    private static final String COEFFICIENTS = "coefficients.bin";

    private ModelFile() {
    }

    /**
     * The {@value #ENTRY} document.
     *
     * @param pipeline the fitted input pipeline
     * @param spec the resolved spec
     * @param provenance the provenance document
     * @return the document's UTF-8 bytes
     */
    public static byte[] manifest(InputPipeline pipeline, JsonNode spec, JsonNode provenance) {
        ObjectNode m = SpecTrees.MAPPER.createObjectNode();
        m.put("format_version", FORMAT_VERSION);
        m.put("task", pipeline.task().spelling());
        strings(m.putArray("features"), pipeline.features());
        ObjectNode cats = m.putObject("categories");
        pipeline.categories().forEach((k, v) -> strings(cats.putArray(k), v));
        strings(m.putArray("encoded_features"), pipeline.encodedFeatures());
        strings(m.putArray("labels"), pipeline.labels());
        strings(m.putArray("classes"), pipeline.classes());
        Normalization n = pipeline.normalization();
        ObjectNode norm = m.putObject("normalization");
        norm.put("kind", n.kind());
        floats(norm.putArray("feature_shift"), n.featureShift());
        floats(norm.putArray("feature_scale"), n.featureScale());
        floats(norm.putArray("target_shift"), n.labelShift());
        floats(norm.putArray("target_scale"), n.labelScale());
        pipeline.window().ifPresent(w -> {
            ObjectNode o = m.putObject("window");
            o.put("size", w.size());
            o.put("horizon", w.horizon());
            o.put("stride", w.stride());
            w.time().ifPresentOrElse(t -> o.put("time", t), () -> o.putNull("time"));
            strings(o.putArray("targets"), w.targets());
            w.seriesId().ifPresentOrElse(t -> o.put("series_id", t), () -> o.putNull("series_id"));
            o.put("seasonality", w.seasonality());
            o.put("level", w.level().name().toLowerCase(Locale.ROOT));
        });
        m.set("spec", spec.deepCopy());
        m.set("provenance", provenance.deepCopy());
        try {
            return SpecTrees.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(m);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + ENTRY + ": " + e.getMessage(), e);
        }
    }

    private static void strings(ArrayNode a, List<String> values) {
        values.forEach(a::add);
    }

    private static void floats(ArrayNode a, float[] values) {
        for (float v : values) {
            a.add(v);
        }
    }

    /**
     * Reads a local model.
     *
     * @see #load(String, Configuration)
     */
    public static SpindleModel load(java.nio.file.Path path) {
        return load(path.toAbsolutePath().toString(), new Configuration());
    }

    /**
     * Reads a Spindle model.
     *
     * @param given a {@code model.zip}, a {@code train} output folder or a {@code sweep} /
     *     {@code doctor} output folder (its {@code best/}); a path or Hadoop FS URI
     * @param conf the Hadoop configuration
     * @return the model
     * @throws ModelException when the path does not exist, holds no model, the file is not a
     *     Spindle model or is damaged, or its format is newer than this build reads
     */
    public static SpindleModel load(String given, Configuration conf) {
        Path file = locate(given, conf);
        Map<String, byte[]> entries = entries(given, file, conf);
        if (!entries.containsKey(ENTRY)) {
            throw new ModelException("model " + given + " is not a Spindle model (" + file.getName() + " has no " + ENTRY
                    + "; a model.zip written by DL4J or by Spindle before format 1 holds no input pipeline):"
                    + " retrain it with spindle train");
        }
        JsonNode m;
        try {
            m = SpecTrees.MAPPER.readTree(entries.get(ENTRY));
        } catch (IOException e) {
            throw damaged(given, ENTRY + " is not valid JSON (" + firstLine(e) + ")", e);
        }
        if (m == null || !m.isObject()) {
            throw damaged(given, ENTRY + " is not a JSON object", null);
        }
        JsonNode version = m.get("format_version");
        if (version == null || !version.canConvertToInt() || !version.isIntegralNumber() || version.asInt() < 1) {
            throw damaged(given, ENTRY + " has no valid format_version", null);
        }
        if (version.asInt() > FORMAT_VERSION) {
            throw new ModelException("model " + given + " was written by a newer Spindle (format " + version.asInt()
                    + "); this build reads format " + FORMAT_VERSION + ": upgrade Spindle");
        }
        InputPipeline pipeline;
        try {
            pipeline = pipeline(m);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw damaged(given, ENTRY + " holds no valid input pipeline (" + e.getMessage() + ")", e);
        }
        MultiLayerNetwork net = network(given, entries);
        JsonNode spec = m.get("spec");
        JsonNode provenance = m.get("provenance");
        if (spec == null || !spec.isObject() || provenance == null || !provenance.isObject()) {
            throw damaged(given, ENTRY + " has no spec or provenance", null);
        }
        return new SpindleModel(net, pipeline, spec, provenance, file.toString());
    }

    /** Finds the zip: the path itself, its {@code model.zip} or its {@code best/model.zip}. */
    static Path locate(String given, Configuration conf) {
        Path p = new Path(given);
        try {
            FileSystem fs = p.getFileSystem(conf);
            if (!fs.exists(p)) {
                throw new ModelException("model " + given + " does not exist; give a model.zip, a spindle train output"
                        + " folder or a spindle sweep output folder");
            }
            FileStatus st = fs.getFileStatus(p);
            if (st.isFile()) {
                return fs.makeQualified(p);
            }
            for (Path c : List.of(new Path(p, MODEL_ZIP), new Path(new Path(p, BEST), MODEL_ZIP))) {
                if (fs.exists(c) && fs.getFileStatus(c).isFile()) {
                    return fs.makeQualified(c);
                }
            }
            throw new ModelException("model folder " + given + " holds no " + MODEL_ZIP + " (nor " + BEST + "/" + MODEL_ZIP
                    + "); did its run finish? Give a finished spindle train or sweep output folder");
        } catch (IOException e) {
            throw new ModelException("cannot read model " + given + ": " + firstLine(e), e);
        }
    }

    private static Map<String, byte[]> entries(String given, Path file, Configuration conf) {
        byte[] bytes;
        try (InputStream raw = file.getFileSystem(conf).open(file)) {
            bytes = raw.readAllBytes();
        } catch (IOException e) {
            throw new ModelException("cannot read model " + given + ": " + firstLine(e), e);
        }
        Map<String, byte[]> entries = new HashMap<>();
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(bytes))) {
            ZipEntry e;
            while ((e = zip.getNextEntry()) != null) {
                ByteArrayOutputStream b = new ByteArrayOutputStream();
                zip.transferTo(b);
                entries.put(e.getName(), b.toByteArray());
            }
        } catch (IOException e) {
            throw damaged(given, "it is not a readable zip (" + firstLine(e) + ")", e);
        }
        if (entries.isEmpty()) {
            throw new ModelException("model " + given + " is not a Spindle model (" + file.getName()
                    + " is not a zip); give a model.zip written by spindle train");
        }
        if (!hasEnd(bytes)) {
            throw damaged(given, "the zip is truncated (it has no end-of-archive record)", null);
        }
        return entries;
    }

    /** Whether a zip's end-of-central-directory record is where it must be: within its last 64 KiB + 22 bytes. */
    private static boolean hasEnd(byte[] b) {
        int stop = Math.max(0, b.length - 22 - 0xFFFF);
        for (int i = b.length - 22; i >= stop; i--) {
            if (b[i] == 'P' && b[i + 1] == 'K' && b[i + 2] == 5 && b[i + 3] == 6) {
                return true;
            }
        }
        return false;
    }

    private static MultiLayerNetwork network(String given, Map<String, byte[]> entries) {
        if (!entries.containsKey(CONFIGURATION) || !entries.containsKey(COEFFICIENTS)) {
            throw damaged(given, "it has no " + CONFIGURATION + " or " + COEFFICIENTS, null);
        }
        try {
            MultiLayerConfiguration conf = MultiLayerConfiguration.fromJson(
                    new String(entries.get(CONFIGURATION), StandardCharsets.UTF_8));
            INDArray params;
            try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(entries.get(COEFFICIENTS)))) {
                params = Nd4j.read(in);
            }
            return Networks.forInference(conf, params.reshape(1, params.length()));
        } catch (IOException | RuntimeException e) {
            throw damaged(given, "its network cannot be restored (" + firstLine(e) + ")", e);
        }
    }

    private static InputPipeline pipeline(JsonNode m) {
        Task task = Task.valueOf(text(m, "task").toUpperCase(Locale.ROOT));
        LinkedHashMap<String, List<String>> categories = new LinkedHashMap<>();
        JsonNode cats = required(m, "categories");
        cats.fieldNames().forEachRemaining(k -> categories.put(k, strings(cats, k)));
        JsonNode n = required(m, "normalization");
        Normalization norm = new Normalization(text(n, "kind"), floats(n, "feature_shift"), floats(n, "feature_scale"),
                floats(n, "target_shift"), floats(n, "target_scale"));
        Optional<DataSpec.Window> window = Optional.empty();
        JsonNode w = m.get("window");
        if (w != null && !w.isNull()) {
            window = Optional.of(new DataSpec.Window(required(w, "size").asInt(), required(w, "horizon").asInt(),
                    required(w, "stride").asInt(), optionalText(w, "time"), strings(w, "targets"),
                    optionalText(w, "series_id"), required(w, "seasonality").asInt(),
                    DataSpec.Level.valueOf(text(w, "level").toUpperCase(Locale.ROOT))));
        }
        return new InputPipeline(task, strings(m, "features"), categories, strings(m, "encoded_features"),
                strings(m, "labels"), strings(m, "classes"), norm, window);
    }

    private static JsonNode required(JsonNode o, String key) {
        JsonNode v = o.get(key);
        if (v == null || v.isNull()) {
            throw new IllegalArgumentException("no '" + key + "'");
        }
        return v;
    }

    private static String text(JsonNode o, String key) {
        JsonNode v = required(o, key);
        if (!v.isTextual()) {
            throw new IllegalArgumentException("'" + key + "' is not text");
        }
        return v.asText();
    }

    private static Optional<String> optionalText(JsonNode o, String key) {
        JsonNode v = o.get(key);
        return v == null || v.isNull() ? Optional.empty() : Optional.of(v.asText());
    }

    private static List<String> strings(JsonNode o, String key) {
        JsonNode a = required(o, key);
        if (!a.isArray()) {
            throw new IllegalArgumentException("'" + key + "' is not a list");
        }
        List<String> out = new ArrayList<>();
        a.forEach(v -> out.add(v.asText()));
        return out;
    }

    private static float[] floats(JsonNode o, String key) {
        JsonNode a = required(o, key);
        if (!a.isArray()) {
            throw new IllegalArgumentException("'" + key + "' is not a list");
        }
        float[] out = new float[a.size()];
        for (int i = 0; i < out.length; i++) {
            if (!a.get(i).isNumber()) {
                throw new IllegalArgumentException("'" + key + "' holds " + a.get(i) + ", not a number");
            }
            out[i] = a.get(i).floatValue();
        }
        return out;
    }

    private static ModelException damaged(String given, String what, Throwable cause) {
        return new ModelException("model " + given + " is damaged: " + what + "; write it again with spindle train"
                + " (or restore it from a copy)", cause);
    }

    private static String firstLine(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
