package io.spindle.driver.data;

import io.spindle.driver.spec.DataSpec;
import io.spindle.driver.spec.Task;
import io.spindle.kernels.Block;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.zip.GZIPOutputStream;
import org.apache.spark.api.java.JavaRDD;

/** Test helpers: a {@link DataSpec} builder with sensible defaults, bundled data, rows of blocks. */
final class TestData {
    private TestData() { }

    /** @return conf/datasets of the repository, found from the working directory upwards */
    static Path datasets() {
        Path p = Paths.get("").toAbsolutePath();
        while (p != null) {
            Path d = p.resolve("conf").resolve("datasets");
            if (Files.isDirectory(d)) {
                return d;
            }
            p = p.getParent();
        }
        throw new IllegalStateException("conf/datasets not found above " + Paths.get("").toAbsolutePath());
    }

    static Path write(Path dir, String name, String content) throws IOException {
        Path f = dir.resolve(name);
        Files.writeString(f, content, StandardCharsets.UTF_8);
        return f;
    }

    static Path writeGzip(Path dir, String name, String content) throws IOException {
        Path f = dir.resolve(name);
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(f))) {
            out.write(content.getBytes(StandardCharsets.UTF_8));
        }
        return f;
    }

    static Spec spec(Object path, String... label) {
        return new Spec(path.toString(), List.of(label));
    }

    /** All rows of an RDD of blocks, in order: features (or labels) per row. */
    static List<float[]> rows(JavaRDD<Block> blocks, boolean features) {
        List<float[]> out = new ArrayList<>();
        for (Block b : blocks.collect()) {
            int w = features ? b.featureWidth() : b.labelWidth();
            float[] a = features ? b.features() : b.labels();
            for (int r = 0; r < b.rows(); r++) {
                out.add(java.util.Arrays.copyOfRange(a, r * w, (r + 1) * w));
            }
        }
        return out;
    }

    /** Mutable test-only builder for {@link DataSpec}. */
    static final class Spec {
        String path;
        DataSpec.Format format = DataSpec.Format.CSV;
        boolean header = true;
        String delimiter = ",";
        List<String> label;
        Task task = Task.MULTICLASS;
        List<String> features = List.of();
        List<String> categorical = List.of();
        List<String> classes = List.of();
        DataSpec.Split split = new DataSpec.Split(0.7, 0.15, 0.15, 42L);
        Optional<String> validationPath = Optional.empty();
        Optional<String> testPath = Optional.empty();
        DataSpec.Normalize normalize = DataSpec.Normalize.STANDARDIZE;
        Optional<DataSpec.Image> image = Optional.empty();
        Optional<DataSpec.Sequence> sequence = Optional.empty();
        DataSpec.OnBadRecord onBadRecord = DataSpec.OnBadRecord.FAIL;

        Spec(String path, List<String> label) {
            this.path = path;
            this.label = label;
        }

        Spec task(Task t) { task = t; return this; }
        Spec format(DataSpec.Format f) { format = f; return this; }
        Spec header(boolean h) { header = h; return this; }
        Spec delimiter(String d) { delimiter = d; return this; }
        Spec features(String... f) { features = List.of(f); return this; }
        Spec categorical(String... c) { categorical = List.of(c); return this; }
        Spec classes(String... c) { classes = List.of(c); return this; }
        Spec split(double train, double val, double test, long seed) {
            split = new DataSpec.Split(train, val, test, seed);
            return this;
        }
        Spec validation(Object p) { validationPath = Optional.of(p.toString()); return this; }
        Spec test(Object p) { testPath = Optional.of(p.toString()); return this; }
        Spec normalize(DataSpec.Normalize n) { normalize = n; return this; }
        Spec image(int h, int w, int c) { image = Optional.of(new DataSpec.Image(h, w, c)); return this; }
        Spec sequence(int steps) { sequence = Optional.of(new DataSpec.Sequence(steps)); return this; }
        Spec skip() { onBadRecord = DataSpec.OnBadRecord.SKIP; return this; }

        DataSpec build() {
            return new DataSpec(path, format, header, delimiter, label, task, features, categorical, classes, split,
                    validationPath, testPath, normalize, image, sequence, onBadRecord);
        }
    }
}
