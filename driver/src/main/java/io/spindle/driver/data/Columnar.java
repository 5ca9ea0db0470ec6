package io.spindle.driver.data;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.CatalystTypeConverters;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.execution.FileSourceScanExec;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.ByteType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.FloatType;
import org.apache.spark.sql.types.IntegerType;
import org.apache.spark.sql.types.LongType;
import org.apache.spark.sql.types.ShortType;
import org.apache.spark.sql.vectorized.ColumnVector;
import org.apache.spark.sql.vectorized.ColumnarBatch;

/**
 * Parquet rows to predict on, read column by column with Spark's vectorized Parquet reader: the
 * fast path of {@code spindle predict} when every feature the model reads is a numeric column
 * (no categorical ones). Each batch of up to 4,096 rows becomes one column-major float block of
 * the model's inputs in its order, copied column by column; a null or a non-finite value makes
 * the block refuse ({@link Unclean}), and the caller reads the data again row by row, which names
 * the file, row and column.
 */
public final class Columnar {

    private Columnar() {
    }

    /** A batch that holds a value the fast path does not encode (null, NaN, infinite). */
    public static final class Unclean extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Unclean(String column) {
            super("column '" + column + "' holds a null or non-finite value");
        }
    }

    /**
     * Where each part of a row sits in the scan's batches.
     *
     * @param features per model feature, its column in the batch
     * @param featureNames the features' names, for messages
     * @param featureTypes per feature, its Spark type
     * @param label the label column in the batch, or -1
     * @param labelType its type
     * @param kept the kept columns in the batch
     * @param keptTypes their types
     */
    public record Layout(int[] features, String[] featureNames, DataType[] featureTypes, int label, DataType labelType,
                         int[] kept, DataType[] keptTypes) implements Serializable { }

    /**
     * @param batches the scan's batches (reused by the reader: use each before taking the next)
     * @param layout where things are in them
     */
    public record Scan(JavaRDD<ColumnarBatch> batches, Layout layout) { }

    /**
     * The vectorized scan of the Parquet files at {@code path}, when the model's features allow it.
     *
     * @param spark the session
     * @param path the data (already checked by {@link Scoring#read})
     * @param fitted what the model fitted
     * @param labels the label columns to read (empty: none)
     * @param kept the input columns the output repeats
     * @return the scan, or empty when the features are not all numeric columns or Spark does not
     *     offer a columnar scan of them
     */
    public static Optional<Scan> scan(SparkSession spark, String path, Scoring.Fitted fitted, List<String> labels,
                                      List<String> kept) {
        if (!fitted.categories().isEmpty() || labels.size() > 1) {
            return Optional.empty();
        }
        DataLoader.Source source = DataLoader.source("DATA", path, java.nio.file.Paths.get("").toAbsolutePath(),
                spark.sparkContext().hadoopConfiguration(), Rec.TRAIN);
        Dataset<org.apache.spark.sql.Row> df = DataLoader.readParquet(spark, source);
        List<String> wanted = new ArrayList<>(fitted.features());
        labels.stream().filter(l -> !wanted.contains(l)).forEach(wanted::add);
        kept.stream().filter(k -> !wanted.contains(k)).forEach(wanted::add);
        for (String f : fitted.features()) {
            if (!numeric(df.schema().apply(f).dataType())) {
                return Optional.empty();
            }
        }
        Dataset<org.apache.spark.sql.Row> selected = df.select(wanted.stream()
                .map(c -> org.apache.spark.sql.functions.col("`" + c.replace("`", "``") + "`")).toArray(Column[]::new));
        // Spark offers a columnar scan only up to spark.sql.codegen.maxFields columns; lift it while the scan is planned
        String key = "spark.sql.codegen.maxFields";
        String before = spark.conf().get(key);
        SparkPlan scanNode;
        boolean columnar;
        try {
            spark.conf().set(key, Integer.toString(Math.max(Integer.parseInt(before), wanted.size() + 1)));
            SparkPlan plan = selected.queryExecution().executedPlan();
            scanNode = plan.collectLeaves().head();
            columnar = scanNode instanceof FileSourceScanExec && scanNode.supportsColumnar();
        } finally {
            spark.conf().set(key, before);
        }
        if (!columnar) {
            return Optional.empty();
        }
        List<String> out = new ArrayList<>();
        scala.collection.Iterator<Attribute> it = scanNode.output().iterator();
        List<DataType> types = new ArrayList<>();
        while (it.hasNext()) {
            Attribute a = it.next();
            out.add(a.name());
            types.add(a.dataType());
        }
        int[] features = fitted.features().stream().mapToInt(out::indexOf).toArray();
        DataType[] featureTypes = new DataType[features.length];
        for (int k = 0; k < features.length; k++) {
            if (features[k] < 0) {
                return Optional.empty();
            }
            featureTypes[k] = types.get(features[k]);
        }
        int label = labels.isEmpty() ? -1 : out.indexOf(labels.get(0));
        int[] keptAt = kept.stream().mapToInt(out::indexOf).toArray();
        DataType[] keptTypes = new DataType[keptAt.length];
        for (int k = 0; k < keptAt.length; k++) {
            keptTypes[k] = types.get(keptAt[k]);
        }
        Layout layout = new Layout(features, fitted.features().toArray(new String[0]), featureTypes, label,
                label < 0 ? null : types.get(label), keptAt, keptTypes);
        return Optional.of(new Scan(scanNode.executeColumnar().toJavaRDD(), layout));
    }

    private static boolean numeric(DataType t) {
        return t instanceof IntegerType || t instanceof LongType || t instanceof DoubleType || t instanceof FloatType
                || t instanceof ShortType || t instanceof ByteType || t instanceof BooleanType;
    }

    /**
     * Copies a batch's features into a column-major block (feature {@code k}'s values at
     * {@code k * rows}), unscaled.
     *
     * @param b the batch
     * @param layout where the features are
     * @return the block, {@code rows * features} values
     * @throws Unclean when a feature holds a null or a non-finite value
     */
    public static float[] features(ColumnarBatch b, Layout layout) {
        int n = b.numRows();
        int w = layout.features().length;
        float[] block = new float[n * w];
        for (int k = 0; k < w; k++) {
            ColumnVector v = b.column(layout.features()[k]);
            if (v.hasNull()) {
                throw new Unclean(layout.featureNames()[k]);
            }
            copy(v, layout.featureTypes()[k], n, block, k * n, layout.featureNames()[k]);
        }
        return block;
    }

    /** One column's values as floats: the decoding copy of the fast path, one type switch per column. */
    private static void copy(ColumnVector v, DataType t, int n, float[] to, int at, String name) {
        if (t instanceof IntegerType) {
            int[] a = v.getInts(0, n);
            for (int i = 0; i < n; i++) {
                to[at + i] = a[i];
            }
        } else if (t instanceof DoubleType) {
            double[] a = v.getDoubles(0, n);
            for (int i = 0; i < n; i++) {
                if (!Double.isFinite(a[i])) {
                    throw new Unclean(name);
                }
                to[at + i] = (float) a[i];
            }
        } else if (t instanceof FloatType) {
            float[] a = v.getFloats(0, n);
            for (int i = 0; i < n; i++) {
                if (!Float.isFinite(a[i])) {
                    throw new Unclean(name);
                }
            }
            System.arraycopy(a, 0, to, at, n);
        } else if (t instanceof LongType) {
            long[] a = v.getLongs(0, n);
            for (int i = 0; i < n; i++) {
                to[at + i] = a[i];
            }
        } else if (t instanceof ShortType) {
            short[] a = v.getShorts(0, n);
            for (int i = 0; i < n; i++) {
                to[at + i] = a[i];
            }
        } else if (t instanceof ByteType) {
            byte[] a = v.getBytes(0, n);
            for (int i = 0; i < n; i++) {
                to[at + i] = a[i];
            }
        } else {
            boolean[] a = v.getBooleans(0, n);
            for (int i = 0; i < n; i++) {
                to[at + i] = a[i] ? 1f : 0f;
            }
        }
    }

    /**
     * @return row {@code i}'s value of batch column {@code c} as Spark's Row API returns it (String,
     *     Integer, java.sql.Date, ...; null for null)
     */
    public static Object value(ColumnarBatch b, int c, DataType t, int i) {
        ColumnVector v = b.column(c);
        if (v.isNullAt(i)) {
            return null;
        }
        return CatalystTypeConverters.convertToScala(b.getRow(i).get(c, t), t);
    }

    /**
     * Row {@code i}'s label as {@link Scoring.Row#truth} holds it.
     *
     * @param task the model's task (binary, multiclass or regression)
     * @param classIndex canonical class label to output index
     * @return null without a label column; multiclass: the class index (-1 for an unknown class);
     *     binary: 0 or 1; regression: the target
     * @throws Unclean for a null label, or one the task cannot read (the row path names it)
     */
    public static double[] truth(ColumnarBatch b, Layout layout, int i, io.spindle.driver.spec.Task task,
                                 java.util.Map<String, Integer> classIndex) {
        if (layout.label() < 0) {
            return null;
        }
        Object v = value(b, layout.label(), layout.labelType(), i);
        if (v == null) {
            throw new Unclean("label");
        }
        String label = Values.canonical(v.toString());
        switch (task) {
            case MULTICLASS:
                return new double[] {classIndex.getOrDefault(label, -1)};
            case BINARY: {
                int bit = Values.bit(label);
                if (bit < 0) {
                    throw new Unclean("label");
                }
                return new double[] {bit};
            }
            default:
                try {
                    double d = Double.parseDouble(label);
                    if (!Double.isFinite(d)) {
                        throw new Unclean("label");
                    }
                    return new double[] {d};
                } catch (NumberFormatException e) {
                    throw new Unclean("label");
                }
        }
    }
}
