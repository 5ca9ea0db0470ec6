package io.spindle.bench;

import io.spindle.driver.predict.InputPipeline;
import io.spindle.driver.predict.Predictor;
import io.spindle.driver.predict.SpindleModel;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.PrimitiveType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Batch prediction as one JVM does it without Spark: the Parquet files read in turn with
 * parquet-mr's example reader, each row's features in the model's order and scaling, DL4J's
 * {@code output()} on 1,024 rows at a time with every core, and one CSV line per row (label,
 * predicted class index, class probabilities) written to a local file.
 */
final class SingleJvmPredict {

    private SingleJvmPredict() {
    }

    /**
     * @param data a Parquet folder with the model's feature columns and a {@code digit} column
     * @param model the model
     * @param out the CSV file to write
     * @param conf the Hadoop configuration
     * @return rows predicted
     */
    static long run(String data, SpindleModel model, java.nio.file.Path out, Configuration conf) {
        InputPipeline p = model.pipeline();
        int w = p.inputWidth();
        float[] shift = p.normalization().featureShift();
        float[] scale = p.normalization().featureScale();
        long rows = 0;
        try (BufferedWriter csv = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
            Path dir = new Path(data);
            FileSystem fs = dir.getFileSystem(conf);
            List<Path> files = new ArrayList<>();
            for (FileStatus f : fs.listStatus(dir)) {
                if (f.getPath().getName().endsWith(".parquet")) {
                    files.add(f.getPath());
                }
            }
            files.sort(null);
            float[] flat = new float[Predictor.BATCH * w];
            String[] labels = new String[Predictor.BATCH];
            int n = 0;
            int[] at = null;
            int labelAt = -1;
            boolean[] integer = null;
            for (Path f : files) {
                try (ParquetReader<Group> reader = ParquetReader.builder(new GroupReadSupport(), f).withConf(conf).build()) {
                    for (Group g = reader.read(); g != null; g = reader.read()) {
                        if (at == null) {
                            GroupType type = g.getType();
                            at = new int[w];
                            integer = new boolean[w];
                            for (int j = 0; j < w; j++) {
                                at[j] = type.getFieldIndex(p.features().get(j));
                                PrimitiveType.PrimitiveTypeName t = type.getType(at[j]).asPrimitiveType()
                                        .getPrimitiveTypeName();
                                integer[j] = t == PrimitiveType.PrimitiveTypeName.INT32;
                            }
                            labelAt = type.getFieldIndex("digit");
                        }
                        int base = n * w;
                        for (int j = 0; j < w; j++) {
                            double x = integer[j] ? g.getInteger(at[j], 0) : g.getDouble(at[j], 0);
                            flat[base + j] = (float) ((x - shift[j]) / scale[j]);
                        }
                        labels[n] = g.getValueToString(labelAt, 0);
                        if (++n == Predictor.BATCH) {
                            write(model, flat, labels, n, w, csv);
                            rows += n;
                            n = 0;
                        }
                    }
                }
            }
            if (n > 0) {
                write(model, flat, labels, n, w, csv);
                rows += n;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return rows;
    }

    private static void write(SpindleModel model, float[] flat, String[] labels, int n, int w, BufferedWriter csv)
            throws IOException {
        INDArray x = Nd4j.createFromArray(java.util.Arrays.copyOf(flat, n * w)).reshape(n, w);
        float[][] y = model.network().output(x, false).toFloatMatrix();
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < n; i++) {
            line.setLength(0);
            int best = 0;
            for (int c = 1; c < y[i].length; c++) {
                best = y[i][c] > y[i][best] ? c : best;
            }
            line.append(labels[i]).append(',').append(best);
            for (float q : y[i]) {
                line.append(',').append(q);
            }
            csv.write(line.append('\n').toString());
        }
    }
}
