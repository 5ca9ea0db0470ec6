package io.spindle.driver.data;

import io.spindle.driver.spec.DataSpec;
import io.spindle.driver.spec.Task;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.io.LongWritable;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.mapreduce.lib.input.FileSplit;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import scala.Tuple2;

/**
 * Reads rows to predict on with the loader's readers and row decoding ({@link DataLoader},
 * {@link RowDecoder}) and encodes each with what a model fitted: its feature columns by name, its
 * categorical dictionaries and its normalization. Nothing is split, fitted or collected; every row
 * keeps the input columns the prediction output repeats.
 *
 * <p>A bad row, and a categorical value the model never saw, fails the job that iterates the rows
 * (on an executor); {@link #failure} turns that into one {@link DataException} naming the file,
 * line (Parquet: row), column and value.
 */
public final class Scoring {

    private Scoring() {
    }

    /**
     * What a model fitted, as encoding needs it.
     *
     * @param data the model's {@code data} section (format, header, delimiter, labels, task, classes)
     * @param features the feature columns in encoding order
     * @param categories per categorical feature column, its values in one-hot order
     * @param classes class labels in output-index order (binary and multiclass)
     * @param normalization the fitted scaling
     */
    public record Fitted(DataSpec data, List<String> features, Map<String, List<String>> categories, List<String> classes,
                         Normalization normalization) {
        /** Copies the collections. */
        public Fitted {
            features = List.copyOf(features);
            categories = Map.copyOf(categories);
            classes = List.copyOf(classes);
        }
    }

    /**
     * One row ready for the network.
     *
     * @param kept the values of the kept input columns (CSV and LibSVM: as text; Parquet: as read)
     * @param features the encoded, normalized network inputs
     * @param truth without labels: null; binary and multiclass: the class index (-1 for a class the
     *     model does not know); regression: the targets in data units
     */
    public record Row(Object[] kept, float[] features, double[] truth) implements Serializable { }

    /**
     * @param rows the rows, lazily read (each action re-reads the files)
     * @param keptNames the kept input columns' names
     * @param keptTypes their Spark types
     * @param labelled whether the data has the model's label columns
     * @param where the data as named in messages
     */
    public record Rows(JavaRDD<Row> rows, List<String> keptNames, List<DataType> keptTypes, boolean labelled,
                       String where) { }

    /**
     * What happens to rows that cannot be encoded as they are.
     *
     * @param unknownAsZeros an unseen categorical value becomes all-zero inputs for its column
     *     (counted in {@code unknown}, once per row) instead of failing the job
     * @param skipBad a bad row is left out (counted in {@code skipped}) instead of failing the job
     * @param unknown rows with an unseen category
     * @param skipped rows left out
     */
    public record Handling(boolean unknownAsZeros, boolean skipBad, org.apache.spark.util.LongAccumulator unknown,
                           org.apache.spark.util.LongAccumulator skipped) implements Serializable { }

    /**
     * Reads the data at {@code path} for a model; a bad row or an unseen category fails the job.
     *
     * @see #read(SparkSession, String, DataSpec.Format, Fitted, Optional, Handling)
     */
    public static Rows read(SparkSession spark, String path, DataSpec.Format format, Fitted fitted, Optional<String> id) {
        return read(spark, path, format, fitted, id, null);
    }

    /**
     * Reads the data at {@code path} for a model.
     *
     * @param spark the session
     * @param path a file, folder or glob; path or Hadoop FS URI
     * @param format how the files are encoded
     * @param fitted what the model fitted
     * @param id the one input column to keep, or empty for all
     * @param handling what to do with bad rows and unseen categories; null: fail the job
     * @return the rows and what they keep
     * @throws DataException when the data is missing, lacks a feature column the model needs (named,
     *     with the model's list) or lacks the id column
     */
    public static Rows read(SparkSession spark, String path, DataSpec.Format format, Fitted fitted, Optional<String> id,
                            Handling handling) {
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        DataLoader.Source source = DataLoader.source("DATA", path, java.nio.file.Paths.get("").toAbsolutePath(), conf,
                Rec.TRAIN);
        DataSpec model = fitted.data();
        DataSpec probe = withColumns(model, path, format, fitted.features(), List.of(), Task.REGRESSION, List.of());
        DataLoader.Columns cols = switch (format) {
            case CSV -> DataLoader.csvColumns(probe, source, conf);
            case PARQUET -> DataLoader.parquetColumns(probe, spark, source);
            case LIBSVM -> new DataLoader.Columns(fitted.features(), source.where(), null, null);
        };
        for (String f : fitted.features()) {
            if (!cols.names().contains(f)) {
                throw new DataException(source.where() + " has no column '" + f + "', which the model needs; the model's"
                        + " feature columns: " + String.join(", ", fitted.features()));
            }
        }
        boolean labelled = format == DataSpec.Format.LIBSVM || cols.names().containsAll(model.label());
        List<String> keep;
        if (format == DataSpec.Format.LIBSVM) {
            if (id.isPresent()) {
                throw new DataException("--id " + id.get() + ": LibSVM rows have no named columns to keep; leave out --id");
            }
            keep = List.of();
        } else if (id.isPresent()) {
            if (!cols.names().contains(id.get())) {
                throw new DataException("--id: " + source.where() + " has no column '" + id.get() + "'; its columns: "
                        + String.join(", ", cols.names()));
            }
            keep = List.of(id.get());
        } else {
            keep = cols.names();
        }
        DataSpec spec = labelled
                ? withColumns(model, path, format, fitted.features(), model.label(), model.task(), model.classes())
                : probe;
        DataLoader.Plan plan = DataLoader.plan(spec, cols);
        RowDecoder decoder = DataLoader.decoder(spec, cols, plan);
        BlockEncoder encoder = encoder(fitted, plan);
        Map<String, Integer> classIndex = new HashMap<>();
        for (int i = 0; i < fitted.classes().size(); i++) {
            classIndex.put(Values.canonical(fitted.classes().get(i)), i);
        }
        Task task = labelled ? model.task() : null;
        Encode encode = new Encode(encoder, decoder, task, classIndex, fitted.categories(), handling);

        JavaRDD<Row> rows;
        List<DataType> types = new ArrayList<>();
        List<String> keptNames = new ArrayList<>(keep);
        if (format == DataSpec.Format.PARQUET) {
            Dataset<org.apache.spark.sql.Row> df = DataLoader.readParquet(spark, source);
            java.util.Set<String> have = new java.util.HashSet<>(java.util.Arrays.asList(df.schema().fieldNames()));
            List<Column> sel = new ArrayList<>();
            plan.numeric().forEach(n -> sel.add(DataLoader.present(have, n, source).cast("double")));
            plan.categorical().forEach(n -> sel.add(DataLoader.present(have, n, source).cast("string")));
            plan.labels().forEach(n -> sel.add(DataLoader.present(have, n, source).cast("string")));
            sel.add(functions.col("_metadata.file_path"));
            sel.add(functions.col("_metadata.row_index"));
            int first = sel.size();
            for (String k : keep) {
                sel.add(DataLoader.present(have, k, source));
                types.add(df.schema().apply(k).dataType());
            }
            int n = keep.size();
            rows = df.select(sel.toArray(new Column[0])).javaRDD().map(r -> {
                Object[] kept = new Object[n];
                for (int i = 0; i < n; i++) {
                    kept[i] = r.get(first + i);
                }
                return encode.row(decoder.decodeRow(r, Rec.TRAIN), kept);
            }).filter(java.util.Objects::nonNull);
        } else {
            int[] keepAt = keep.stream().mapToInt(k -> cols.names().indexOf(k)).toArray();
            keep.forEach(k -> types.add(DataTypes.StringType));
            if (format == DataSpec.Format.LIBSVM) {
                keptNames.add(model.label().get(0));
                types.add(DataTypes.StringType);
            }
            String where = source.where();
            boolean libsvm = format == DataSpec.Format.LIBSVM;
            rows = DataLoader.lines(jsc, source, conf).mapPartitionsWithInputSplit((split, it) -> encode.text(where,
                    ((FileSplit) split).getPath().toString(), it, keepAt, libsvm), false);
        }
        return new Rows(rows, List.copyOf(keptNames), List.copyOf(types), labelled, source.where());
    }

    /**
     * A value as the loader compares categories and class labels: trimmed, and a number in one
     * spelling ({@code 1.0} and {@code 1} are both {@code 1}).
     *
     * @param raw the value as read
     * @return its canonical spelling
     */
    public static String canonical(String raw) {
        return Values.canonical(raw);
    }

    /**
     * The bad input behind a failed Spark job over the rows: a row's problem with its file, line
     * (Parquet: row) and column, or a file that cannot be read; null when it is neither.
     *
     * @param e what the job threw
     * @param conf the Hadoop configuration (to count lines)
     * @return the one-line error, or null
     */
    public static DataException failure(Throwable e, Configuration conf) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof BadRow b) {
                return new DataException(DataLoader.describe(b.rec, 1, conf).getMessage()
                        .replace(RowDecoder.SKIP_HINT, "").replace(RowDecoder.CATEGORY_HINT,
                                ": the model was trained on numbers in this column"), e);
            }
        }
        return Unreadable.find(e);
    }

    private static DataSpec withColumns(DataSpec m, String path, DataSpec.Format format, List<String> features,
                                        List<String> label, Task task, List<String> classes) {
        return new DataSpec(path, format, m.header(), m.delimiter(), label, task, features, m.categorical(), classes,
                m.split(), Optional.empty(), Optional.empty(), m.normalize(), Optional.empty(), Optional.empty(),
                DataSpec.OnBadRecord.FAIL);
    }

    private static BlockEncoder encoder(Fitted fitted, DataLoader.Plan plan) {
        int[] offset = new int[plan.features().size()];
        int[] source = new int[plan.features().size()];
        @SuppressWarnings("unchecked")
        HashMap<String, Integer>[] categoryIndex = new HashMap[plan.categorical().size()];
        int width = 0;
        for (int k = 0; k < plan.features().size(); k++) {
            String name = plan.features().get(k);
            offset[k] = width;
            int c = plan.categorical().indexOf(name);
            if (c >= 0) {
                source[k] = ~c;
                List<String> values = fitted.categories().get(name);
                categoryIndex[c] = new HashMap<>();
                for (int i = 0; i < values.size(); i++) {
                    categoryIndex[c].put(values.get(i), i);
                }
                width += values.size();
            } else {
                source[k] = plan.numeric().indexOf(name);
                width++;
            }
        }
        if (width != fitted.normalization().featureShift().length) {
            throw new IllegalStateException("the model's pipeline encodes " + width + " inputs but its normalization has "
                    + fitted.normalization().featureShift().length);
        }
        return new BlockEncoder(Task.REGRESSION, offset, source, categoryIndex, new HashMap<>(), width, 0,
                fitted.normalization());
    }

    /** A bad row found on an executor, carried to the driver to be described with its line number. */
    static final class BadRow extends DataException {
        private static final long serialVersionUID = 1L;
        final Rec rec;

        BadRow(Rec rec) {
            super(rec.file + " at " + rec.pos + ": " + rec.bad.problem());
            this.rec = rec;
        }
    }

    /** Executor side: decoded rows to encoded ones, failing on the first bad row. */
    private record Encode(BlockEncoder encoder, RowDecoder decoder, Task task, Map<String, Integer> classIndex,
                          Map<String, List<String>> categories, Handling handling) implements Serializable {

        /** @return the encoded row, or null for a bad row that is skipped */
        Row row(Rec r, Object[] kept) {
            if (!r.ok()) {
                if (handling != null && handling.skipBad() && !r.bad.fatal()) {
                    handling.skipped().add(1);
                    return null;
                }
                throw new BadRow(r);
            }
            float[] f = new float[encoder.featureWidth()];
            int unknown = encoder.encodeFeatures(r, f, 0);
            if (unknown >= 0 && handling != null && handling.unknownAsZeros()) {
                // every known column is encoded; the unseen value's column stays all zeros
                handling.unknown().add(1);
            } else if (unknown >= 0) {
                String name = decoder.catNames[unknown];
                throw new BadRow(new Rec(r.file, r.pos, r.rowIndexed, new Rec.Bad("unknown_category",
                        RowDecoder.column(decoder.catDisplay[unknown], name), "category "
                        + Values.quote(r.categories[unknown]) + " never occurred in training (the model knows "
                        + String.join(", ", categories.get(name)) + ")", "fix the value, or retrain with rows that have it",
                        false)));
            }
            return new Row(kept, f, truth(r));
        }

        private double[] truth(Rec r) {
            if (task == null) {
                return null;
            }
            return switch (task) {
                case MULTICLASS -> new double[] {classIndex.getOrDefault(r.label, -1)};
                case BINARY, MULTILABEL, REGRESSION -> r.labels;
            };
        }

        Iterator<Row> text(String where, String file, Iterator<Tuple2<LongWritable, Text>> lines, int[] keepAt,
                           boolean libsvm) {
            Iterator<Tuple2<LongWritable, Text>> in = RowDecoder.readable(where, file, lines);
            ArrayList<String> fields = new ArrayList<>();
            return new Iterator<>() {
                private Row next;

                @Override
                public boolean hasNext() {
                    while (next == null && in.hasNext()) {
                        Tuple2<LongWritable, Text> t = in.next();
                        String line = t._2().toString();
                        long pos = t._1().get();
                        Rec r = libsvm ? decoder.decodeLibsvm(file, 0, pos, line, Rec.TRAIN)
                                : decoder.decodeCsv(file, 0, pos, line, Rec.TRAIN, fields);
                        if (r != null) {
                            Object[] kept;
                            if (libsvm) {
                                kept = new Object[] {line.trim().split("\\s+", 2)[0]};
                            } else {
                                kept = new Object[keepAt.length];
                                for (int i = 0; i < keepAt.length; i++) {
                                    kept[i] = r.ok() ? fields.get(keepAt[i]) : null;
                                }
                            }
                            next = row(r, kept);
                        }
                    }
                    return next != null;
                }

                @Override
                public Row next() {
                    if (!hasNext()) {
                        throw new NoSuchElementException();
                    }
                    Row r = next;
                    next = null;
                    return r;
                }
            };
        }
    }
}
