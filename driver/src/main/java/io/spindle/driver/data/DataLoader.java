package io.spindle.driver.data;

import io.spindle.driver.spec.DataSpec;
import io.spindle.driver.spec.Task;
import io.spindle.kernels.Block;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.LongWritable;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.mapreduce.lib.input.FileSplit;
import org.apache.hadoop.mapreduce.lib.input.TextInputFormat;
import org.apache.spark.api.java.JavaNewHadoopRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import scala.Tuple2;

/**
 * Reads the data named by a spec's {@code data} section into three ready-to-train splits.
 *
 * <p>Contract of {@link #load}:
 * <ul>
 *   <li>Rows are read and decoded in Spark executors (CSV and LibSVM through Hadoop's
 *       {@code TextInputFormat}, so gzip and other Hadoop codecs work; Parquet through Spark SQL);
 *       no data row is collected to the driver.</li>
 *   <li>A bad row fails the load with a {@link DataException} naming the file, the 1-based line
 *       (Parquet: row), the column (name and 1-based index) and the value; with
 *       {@code on_bad_record: skip} it is dropped and counted per reason in
 *       {@link PreparedData.LoadReport#skipped()}. Blank lines are ignored silently.</li>
 *   <li>Without explicit validation / test paths, each row goes to a split by a hash of
 *       (seed, the row's content, its position in its file): for CSV and LibSVM the raw line and
 *       its byte offset in the (decompressed) file, for Parquet the row's selected values and its
 *       row index. The path, the file's name and the partitioning play no part: the same files and
 *       seed give the same split on every run, wherever the files are and however they are
 *       split into tasks.</li>
 *   <li>A file that cannot be read as what its name or {@code data.format} says (a truncated or
 *       corrupt {@code .gz}, a {@code .parquet} file that is not Parquet) fails the load with a
 *       {@link DataException} naming the file, what is wrong and how to fix it.</li>
 *   <li>Categories and normalization are fitted on the train split only, in one
 *       {@code treeAggregate} pass that also counts rows and finds bad rows.</li>
 *   <li>The returned RDDs are lazy and not cached: every action on them re-reads the files.
 *       A trainer that makes several passes should {@code persist()} them.</li>
 * </ul>
 *
 * <p>Column names: CSV with a header uses the header; CSV without one names the columns
 * {@code c1, c2, ...}; LibSVM names its features {@code f1 ... fN} (N = largest index in all
 * files) and its label takes the (single) name given in {@code data.label}; Parquet uses its
 * schema.
 */
public final class DataLoader {
    private static final int MAX_LISTED_COLUMNS = 30;

    private DataLoader() { }

    /**
     * Loads with relative paths resolved against the current working directory.
     *
     * @see #load(SparkSession, DataSpec, java.nio.file.Path)
     */
    public static PreparedData load(SparkSession spark, DataSpec spec) {
        return load(spark, spec, Paths.get("").toAbsolutePath());
    }

    /**
     * Reads, checks, splits, encodes and normalizes the data of a spec.
     *
     * @param spark the session to read with
     * @param spec the validated {@code data} section
     * @param baseDir folder that relative paths in the spec resolve against
     * @return the three splits as blocks of up to 1024 rows, with layout, fitted normalization
     *     and row counts
     * @throws DataException for a missing path, an unknown column, a bad row (unless skipped),
     *     a truncated or corrupt compressed file, a Parquet file that is not Parquet, an empty train split or features that do not fit {@code data.image} /
     *     {@code data.sequence}
     */
    public static PreparedData load(SparkSession spark, DataSpec spec, java.nio.file.Path baseDir) {
        if (spec.window().isPresent()) {
            return Windows.load(spark, spec, baseDir);
        }
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());

        List<Source> sources = new ArrayList<>();
        sources.add(source("data.path", spec.path(), baseDir, conf, RowDecoder.RANDOM));
        spec.validationPath().ifPresent(p -> sources.add(source("data.validation_path", p, baseDir, conf, Rec.VALIDATION)));
        spec.testPath().ifPresent(p -> sources.add(source("data.test_path", p, baseDir, conf, Rec.TEST)));

        Columns cols = switch (spec.format()) {
            case CSV -> csvColumns(spec, sources.get(0), conf);
            case LIBSVM -> libsvmColumns(spec, jsc, sources, conf);
            case PARQUET -> parquetColumns(spec, spark, sources.get(0));
        };
        Plan plan = plan(spec, cols);
        RowDecoder decoder = decoder(spec, cols, plan);

        List<JavaRDD<Rec>> parts = new ArrayList<>();
        for (Source s : sources) {
            parts.add(spec.format() == DataSpec.Format.PARQUET
                    ? parquetRecs(spark, s, plan, decoder) : textRecs(jsc, s, conf, decoder));
        }
        JavaRDD<Rec> recs = parts.size() == 1 ? parts.get(0)
                : jsc.union(parts.toArray(new JavaRDD[0]));
        return prepare(spec, plan, recs, sources, conf);
    }

    /** Where the rows of a data frame are said to come from in messages. */
    public static final String FRAME = "the DataFrame";

    /**
     * Reads, checks, splits, encodes and normalizes the rows of a data frame: what
     * {@link #load(SparkSession, DataSpec, java.nio.file.Path)} does with files, for the Spark ML
     * API. The spec's {@code data.path} and {@code data.format} are not read; its label, features,
     * categorical columns, classes, split and normalization apply. A row's position in the frame is
     * unknown, so the random split depends only on the seed and the row's values (identical rows
     * share a split) and a bad row is named by its column and value.
     *
     * @param spark the session
     * @param spec the {@code data} section (no {@code data.window} or sequence layout)
     * @param frame the rows; its columns are read by name
     * @param validationIndicator a boolean column: true rows validate, false rows train (no test
     *     rows), or empty to split by {@code data.split}
     * @return the splits as blocks, with layout, fitted normalization and row counts
     * @throws DataException for a missing or mistyped column, a bad row, an empty train split
     */
    public static PreparedData load(SparkSession spark, DataSpec spec, Dataset<Row> frame,
                                    java.util.Optional<String> validationIndicator) {
        if (spec.window().isPresent()) {
            throw new DataException("data.window cuts windows from a series read from files; a DataFrame cannot be"
                    + " windowed here: remove data.window, or train with spindle train on the files");
        }
        StructType schema = frame.schema();
        List<String> names = new ArrayList<>(Arrays.asList(schema.fieldNames()));
        DataType[] types = Arrays.stream(schema.fields()).map(StructField::dataType).toArray(DataType[]::new);
        DataSpec asParquet = spec.format() == DataSpec.Format.PARQUET ? spec : new DataSpec(spec.path(),
                DataSpec.Format.PARQUET, spec.header(), spec.delimiter(), spec.label(), spec.task(), spec.features(),
                spec.categorical(), spec.classes(), spec.split(), Optional.empty(), Optional.empty(), spec.normalize(),
                spec.image(), spec.sequence(), spec.onBadRecord());
        List<String> indicator = validationIndicator.map(List::of).orElse(List.of());
        for (String c : indicator) {
            if (!names.contains(c)) {
                throw new DataException("validationIndicatorCol: " + FRAME + " has no column '" + c + "'; its columns: "
                        + String.join(", ", names));
            }
            if (!(schema.apply(c).dataType() instanceof BooleanType)) {
                throw new DataException("validationIndicatorCol '" + c + "' has type " + schema.apply(c).dataType()
                        .simpleString() + "; it must be boolean (true: a validation row)");
            }
        }
        Columns all = new Columns(names, FRAME, null, types);
        if (spec.features().isEmpty() && !indicator.isEmpty()) {
            // the indicator is no feature
            List<String> kept = new ArrayList<>(names);
            kept.removeAll(indicator);
            DataType[] keptTypes = kept.stream().map(n -> types[names.indexOf(n)]).toArray(DataType[]::new);
            all = new Columns(kept, FRAME, null, keptTypes);
        }
        Plan plan = plan(asParquet, all);
        RowDecoder decoder = decoder(asParquet, all, plan);
        Set<String> have = new HashSet<>(names);
        Source where = new Source("data", FRAME, FRAME, List.of(), RowDecoder.RANDOM);
        List<Column> sel = new ArrayList<>();
        plan.numeric.forEach(n -> sel.add(present(have, n, where).cast("double")));
        plan.categorical.forEach(n -> sel.add(present(have, n, where).cast("string")));
        plan.labels.forEach(n -> sel.add(present(have, n, where).cast("string")));
        sel.add(functions.lit(FRAME));
        sel.add(functions.lit(null).cast("long"));
        JavaRDD<Rec> recs;
        if (indicator.isEmpty()) {
            recs = frame.select(sel.toArray(new Column[0])).javaRDD().map(r -> decoder.decodeRow(r, RowDecoder.RANDOM));
        } else {
            Column validating = functions.coalesce(functions.col("`" + indicator.get(0).replace("`", "``") + "`"),
                    functions.lit(false));
            JavaRDD<Rec> train = frame.filter(functions.not(validating)).select(sel.toArray(new Column[0])).javaRDD()
                    .map(r -> decoder.decodeRow(r, Rec.TRAIN));
            JavaRDD<Rec> validation = frame.filter(validating).select(sel.toArray(new Column[0])).javaRDD()
                    .map(r -> decoder.decodeRow(r, Rec.VALIDATION));
            recs = train.union(validation);
        }
        return prepare(asParquet, plan, recs, List.of(), spark.sparkContext().hadoopConfiguration());
    }

    /** The rows of every source, decoded and assigned to their splits, summarized, encoded and normalized. */
    private static PreparedData prepare(DataSpec spec, Plan plan, JavaRDD<Rec> recs, List<Source> sources,
                                        Configuration conf) {
        Task task = spec.task();
        boolean inferClasses = task == Task.MULTICLASS && spec.classes().isEmpty();
        Summary zero = new Summary(plan.numeric.size(), task == Task.REGRESSION ? plan.labels.size() : 0,
                plan.categorical.size(), inferClasses);
        Summary s;
        try {
            s = recs.treeAggregate(zero, Summary::add, Summary::merge, 2);
        } catch (Exception e) {
            DataException d = unreadable(e, sources, spec.format());
            if (d != null) {
                throw d;
            }
            throw e;
        }

        if (s.firstFatal != null) {
            throw describe(s.firstFatal, 1, conf);
        }
        if (spec.onBadRecord() == DataSpec.OnBadRecord.FAIL && s.firstBad != null) {
            throw describe(s.firstBad, s.badRows(), conf);
        }
        if (s.rows[Rec.TRAIN] == 0) {
            throw new DataException("the train split is empty (" + s.rows[Rec.VALIDATION] + " validation rows, "
                    + s.rows[Rec.TEST] + " test rows, " + s.badRows() + " bad rows skipped); check data.path and "
                    + "data.split.train");
        }

        // classes
        List<String> classes;
        if (task == Task.MULTICLASS || task == Task.BINARY) {
            if (!spec.classes().isEmpty()) {
                classes = spec.classes();
            } else if (task == Task.BINARY) {
                classes = List.of("0", "1");
            } else {
                if (s.labels.size() > Summary.MAX_DISTINCT) {
                    throw new DataException("data.label '" + plan.labels.get(0) + "' has more than " + Summary.MAX_DISTINCT
                            + " distinct values; is it really a class label? Use task: regression or fix data.label");
                }
                classes = Values.sorted(s.labels);
            }
        } else {
            classes = List.of();
        }

        // categories and feature layout
        List<List<String>> categories = new ArrayList<>();
        for (int c = 0; c < plan.categorical.size(); c++) {
            if (s.categories[c].size() > Summary.MAX_DISTINCT) {
                throw new DataException("data.categorical column '" + plan.categorical.get(c) + "' has more than "
                        + Summary.MAX_DISTINCT + " distinct values in the train split; drop it from data.categorical");
            }
            categories.add(Values.sorted(s.categories[c]));
        }
        List<String> featureNames = new ArrayList<>();
        int[] featureOffset = new int[plan.features.size()];
        int[] featureSource = new int[plan.features.size()];
        for (int k = 0; k < plan.features.size(); k++) {
            String name = plan.features.get(k);
            featureOffset[k] = featureNames.size();
            int c = plan.categorical.indexOf(name);
            if (c >= 0) {
                featureSource[k] = ~c;
                for (String v : categories.get(c)) {
                    featureNames.add(name + "=" + v);
                }
            } else {
                featureSource[k] = plan.numeric.indexOf(name);
                featureNames.add(name);
            }
        }
        int featureWidth = featureNames.size();
        int labelWidth = switch (task) {
            case MULTICLASS -> classes.size();
            case BINARY -> 1;
            case MULTILABEL, REGRESSION -> plan.labels.size();
        };
        checkGeometry(spec, featureWidth);
        java.util.LinkedHashMap<String, List<String>> dictionaries = new java.util.LinkedHashMap<>();
        for (String f : plan.features) {
            int c = plan.categorical.indexOf(f);
            if (c >= 0) {
                dictionaries.put(f, categories.get(c));
            }
        }
        PreparedData.Layout layout = new PreparedData.Layout(featureNames, plan.labels, classes, featureWidth,
                labelWidth, plan.features, dictionaries);

        Normalization norm = normalization(spec, s, featureWidth, featureOffset, featureSource, plan);

        @SuppressWarnings("unchecked")
        HashMap<String, Integer>[] categoryIndex = new HashMap[categories.size()];
        for (int c = 0; c < categories.size(); c++) {
            categoryIndex[c] = indexOf(categories.get(c));
        }
        HashMap<String, Integer> classIndex = indexOf(classes.stream().map(Values::canonical).toList());
        BlockEncoder encoder = new BlockEncoder(task, featureOffset, featureSource, categoryIndex, classIndex,
                featureWidth, labelWidth, norm);

        Map<String, Long> skipped = spec.onBadRecord() == DataSpec.OnBadRecord.SKIP
                ? Collections.unmodifiableMap(new TreeMap<>(s.bad)) : Map.of();
        PreparedData.LoadReport report = new PreparedData.LoadReport(
                s.rows[Rec.TRAIN], s.rows[Rec.VALIDATION], s.rows[Rec.TEST], skipped);
        return new PreparedData(blocks(recs, Rec.TRAIN, encoder), blocks(recs, Rec.VALIDATION, encoder),
                blocks(recs, Rec.TEST, encoder), layout, norm, report);
    }

    private static JavaRDD<Block> blocks(JavaRDD<Rec> recs, byte split, BlockEncoder encoder) {
        return recs.filter(r -> r.ok() && r.split == split).mapPartitions(encoder::blocks);
    }

    private static HashMap<String, Integer> indexOf(List<String> values) {
        HashMap<String, Integer> m = new HashMap<>();
        for (int i = 0; i < values.size(); i++) {
            m.put(values.get(i), i);
        }
        return m;
    }

    // ------------------------------------------------------------------ spec shape

    private static void checkGeometry(DataSpec spec, int featureWidth) {
        if (featureWidth == 0) {
            throw new DataException("there are no feature columns; list them in data.features");
        }
        spec.image().ifPresent(img -> {
            long need = (long) img.height() * img.width() * img.channels();
            if (need != featureWidth) {
                throw new DataException("data.image " + img.height() + "x" + img.width() + "x" + img.channels()
                        + " needs " + need + " feature values per row, but the rows have " + featureWidth
                        + "; fix data.image or data.features");
            }
        });
        spec.sequence().ifPresent(seq -> {
            if (seq.steps() <= 0 || featureWidth % seq.steps() != 0) {
                throw new DataException("data.sequence.steps " + seq.steps() + " does not divide the " + featureWidth
                        + " feature values per row; fix data.sequence.steps or data.features");
            }
        });
    }

    // ------------------------------------------------------------------ sources

    /** One input location and the split its rows go to. */
    record Source(String key, String given, String resolved, List<Path> files, int role) {
        /** @return the spec key and the path as given, for messages: {@code data.path 'x.csv'} */
        String where() {
            return key + " '" + given + "'";
        }
    }

    static Source source(String key, String given, java.nio.file.Path baseDir, Configuration conf, int role) {
        String resolved = Sources.resolve(given, baseDir);
        return new Source(key, given, resolved, Sources.list(key, given, resolved, conf), role);
    }

    @SuppressWarnings("unchecked")
    static JavaNewHadoopRDD<LongWritable, Text> lines(JavaSparkContext jsc, Source s, Configuration conf) {
        String paths = String.join(",", s.files().stream().map(Path::toString).toList());
        return (JavaNewHadoopRDD<LongWritable, Text>) jsc.newAPIHadoopFile(paths, TextInputFormat.class,
                LongWritable.class, Text.class, new Configuration(conf));
    }

    private static JavaRDD<Rec> textRecs(JavaSparkContext jsc, Source s, Configuration conf, RowDecoder dec) {
        int role = s.role();
        String where = s.where();
        return lines(jsc, s, conf).mapPartitionsWithInputSplit(
                (split, it) -> dec.decodeText(where, ((FileSplit) split).getPath().toString(), it, role), false);
    }

    /**
     * The bad input behind a failed Spark job over the sources: the {@link DataException} a task
     * raised, or one for a file that is not what its name says; null when it is neither.
     */
    private static DataException unreadable(Exception e, List<Source> sources, DataSpec.Format format) {
        DataException d = Unreadable.find(e);
        if (d != null) {
            return new DataException(d.getMessage(), e);
        }
        if (format == DataSpec.Format.PARQUET) {
            for (Source s : sources) {
                DataException p = Unreadable.parquet(s.where(), s.files(), e);
                if (p != null) {
                    return p;
                }
            }
        }
        return null;
    }

    /** Spark's reader of a source's Parquet files, with a file that is not Parquet reported as bad input. */
    static Dataset<Row> readParquet(SparkSession spark, Source s) {
        try {
            Dataset<Row> df = spark.read().parquet(s.files().stream().map(Path::toString).toArray(String[]::new));
            df.schema();
            return df;
        } catch (Exception e) {
            DataException d = unreadable(e, List.of(s), DataSpec.Format.PARQUET);
            if (d != null) {
                throw d;
            }
            throw e;
        }
    }

    private static JavaRDD<Rec> parquetRecs(SparkSession spark, Source s, Plan plan, RowDecoder dec) {
        Dataset<Row> df = readParquet(spark, s);
        Set<String> have = new HashSet<>(Arrays.asList(df.schema().fieldNames()));
        List<Column> sel = new ArrayList<>();
        for (String n : plan.numeric) {
            sel.add(present(have, n, s).cast("double"));
        }
        for (String n : plan.categorical) {
            sel.add(present(have, n, s).cast("string"));
        }
        for (String n : plan.labels) {
            sel.add(present(have, n, s).cast("string"));
        }
        sel.add(functions.col("_metadata.file_path"));
        sel.add(functions.col("_metadata.row_index"));
        int role = s.role();
        return df.select(sel.toArray(new Column[0])).javaRDD().map(r -> dec.decodeRow(r, role));
    }

    static Column present(Set<String> have, String name, Source s) {
        if (!have.contains(name)) {
            throw new DataException(s.key() + " '" + s.given() + "' has no column '" + name
                    + "'; every data file needs the same columns");
        }
        return functions.col("`" + name.replace("`", "``") + "`");
    }

    // ------------------------------------------------------------------ columns

    /**
     * The columns a format offers.
     *
     * @param names column names in file order
     * @param where file named in messages
     * @param header CSV header fields, or null
     * @param types Parquet column types, or null
     */
    record Columns(List<String> names, String where, String[] header, DataType[] types) { }

    static Columns csvColumns(DataSpec spec, Source main, Configuration conf) {
        Path first = main.files().get(0);
        String line = Sources.firstLine(main.where(), first, conf);
        if (line == null) {
            throw new DataException(first + " is empty; the first file of " + main.key() + " must have "
                    + (spec.header() ? "a header line" : "at least one row"));
        }
        ArrayList<String> fields = new ArrayList<>();
        Csv.split(line, spec.delimiter().charAt(0), fields);
        List<String> names = new ArrayList<>();
        if (spec.header()) {
            Set<String> seen = new HashSet<>();
            for (int i = 0; i < fields.size(); i++) {
                String n = fields.get(i);
                if (n.isEmpty()) {
                    throw new DataException(first + " line 1: column " + (i + 1) + " has an empty name; name it in the header");
                }
                if (!seen.add(n)) {
                    throw new DataException(first + " line 1: column name '" + n + "' appears twice in the header; rename one");
                }
                names.add(n);
            }
            if (fields.size() == 1 && spec.delimiter().charAt(0) != ',' && line.contains(",")) {
                throw new DataException(first + " line 1: found a single column with data.delimiter '"
                        + spec.delimiter() + "' but the line contains ','; set data.delimiter: ','");
            }
        } else {
            for (int i = 1; i <= fields.size(); i++) {
                names.add("c" + i);
            }
        }
        return new Columns(names, displayPath(first.toString()),
                spec.header() ? names.toArray(new String[0]) : null, null);
    }

    private static Columns libsvmColumns(DataSpec spec, JavaSparkContext jsc, List<Source> sources, Configuration conf) {
        int width = 0;
        for (Source s : sources) {
            String where = s.where();
            int w;
            try {
                w = lines(jsc, s, conf).mapPartitionsWithInputSplit((split, it) -> {
                    Iterator<Tuple2<LongWritable, Text>> in = RowDecoder.readable(where,
                            ((FileSplit) split).getPath().toString(), it);
                    int max = 0;
                    while (in.hasNext()) {
                        max = Math.max(max, RowDecoder.maxLibsvmIndex(in.next()._2().toString()));
                    }
                    return List.of(max).iterator();
                }, false).fold(0, Math::max);
            } catch (Exception e) {
                DataException d = unreadable(e, List.of(s), DataSpec.Format.LIBSVM);
                if (d != null) {
                    throw d;
                }
                throw e;
            }
            width = Math.max(width, w);
        }
        if (width == 0) {
            throw new DataException(sources.get(0).key() + " '" + sources.get(0).given()
                    + "': no 'index:value' features found in the LibSVM files");
        }
        List<String> names = new ArrayList<>();
        for (int i = 1; i <= width; i++) {
            names.add("f" + i);
        }
        return new Columns(names, "the LibSVM files (features f1..f" + width + ")", null, null);
    }

    static Columns parquetColumns(DataSpec spec, SparkSession spark, Source main) {
        StructType schema = readParquet(spark, main).schema();
        List<String> names = new ArrayList<>();
        DataType[] types = new DataType[schema.fields().length];
        int i = 0;
        for (StructField f : schema.fields()) {
            names.add(f.name());
            types[i++] = f.dataType();
        }
        return new Columns(names, displayPath(main.resolved()), null, types);
    }

    /** Which columns play which part, by name. */
    record Plan(List<String> labels, List<String> features, List<String> numeric, List<String> categorical) { }

    static Plan plan(DataSpec spec, Columns cols) {
        boolean libsvm = spec.format() == DataSpec.Format.LIBSVM;
        List<String> labels = spec.label();
        if (!libsvm) {
            for (String l : labels) {
                requireColumn("data.label", l, cols);
            }
            if (new HashSet<>(labels).size() != labels.size()) {
                throw new DataException("data.label lists a column twice: " + labels);
            }
        }
        for (String c : spec.categorical()) {
            requireColumn("data.categorical", c, cols);
            if (labels.contains(c)) {
                throw new DataException("data.categorical column '" + c + "' is also data.label; a label is encoded by the task");
            }
        }
        List<String> features;
        if (spec.features().isEmpty()) {
            features = new ArrayList<>(cols.names());
            features.removeAll(labels);
        } else {
            features = new ArrayList<>(new LinkedHashSet<>(spec.features()));
            for (String f : features) {
                requireColumn("data.features", f, cols);
                if (labels.contains(f)) {
                    throw new DataException("data.features lists the label column '" + f + "'; remove it from data.features");
                }
            }
            for (String c : spec.categorical()) {
                if (!features.contains(c)) {
                    throw new DataException("data.categorical column '" + c + "' is not in data.features; add it there");
                }
            }
        }
        List<String> numeric = new ArrayList<>();
        List<String> categorical = new ArrayList<>();
        for (String f : features) {
            (spec.categorical().contains(f) ? categorical : numeric).add(f);
        }
        if (cols.types() != null) {
            checkParquetTypes(spec, cols, labels, numeric, categorical);
        }
        return new Plan(List.copyOf(labels), List.copyOf(features), numeric, categorical);
    }

    private static void checkParquetTypes(DataSpec spec, Columns cols, List<String> labels, List<String> numeric,
                                          List<String> categorical) {
        for (String n : numeric) {
            DataType t = cols.types()[cols.names().indexOf(n)];
            if (t instanceof StringType) {
                throw new DataException(cols.where() + ", column '" + n + "': a string column cannot be a numeric feature; "
                        + "list it in data.categorical or leave it out of data.features");
            }
            if (!(t instanceof NumericType || t instanceof BooleanType)) {
                throw new DataException(cols.where() + ", column '" + n + "' has type " + t.simpleString()
                        + ", which is not numeric; leave it out of data.features");
            }
        }
        List<String> textual = new ArrayList<>(categorical);
        textual.addAll(labels);
        for (String n : textual) {
            DataType t = cols.types()[cols.names().indexOf(n)];
            if (!(t instanceof NumericType || t instanceof BooleanType || t instanceof StringType)) {
                throw new DataException(cols.where() + ", column '" + n + "' has type " + t.simpleString()
                        + "; labels and categorical columns must be numbers, booleans or strings");
            }
        }
    }

    private static void requireColumn(String key, String name, Columns cols) {
        if (cols.names().contains(name)) {
            return;
        }
        StringBuilder m = new StringBuilder(key).append(": no column '").append(name).append("' in ").append(cols.where());
        String close = closest(name, cols.names());
        if (close != null) {
            m.append("; did you mean '").append(close).append("'?");
        }
        m.append(" Available columns: ");
        List<String> names = cols.names();
        m.append(String.join(", ", names.subList(0, Math.min(names.size(), MAX_LISTED_COLUMNS))));
        if (names.size() > MAX_LISTED_COLUMNS) {
            m.append(", ... (").append(names.size()).append(" in all, the last is '")
                    .append(names.get(names.size() - 1)).append("')");
        }
        throw new DataException(m.toString());
    }

    /** The name with the smallest edit distance (case-insensitive), if it is close enough to be a typo. */
    static String closest(String name, List<String> names) {
        String best = null;
        int bestD = Integer.MAX_VALUE;
        String a = name.toLowerCase(Locale.ROOT);
        for (String n : names) {
            int d = editDistance(a, n.toLowerCase(Locale.ROOT));
            if (d < bestD) {
                bestD = d;
                best = n;
            }
        }
        return best != null && bestD <= Math.max(2, name.length() / 3) ? best : null;
    }

    private static int editDistance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    static RowDecoder decoder(DataSpec spec, Columns cols, Plan plan) {
        boolean libsvm = spec.format() == DataSpec.Format.LIBSVM;
        boolean parquet = spec.format() == DataSpec.Format.PARQUET;
        int nNum = plan.numeric.size();
        int nCat = plan.categorical.size();
        int[] numSrc = new int[nNum];
        int[] numDisplay = new int[nNum];
        for (int j = 0; j < nNum; j++) {
            int idx = cols.names().indexOf(plan.numeric.get(j));
            numSrc[j] = parquet ? j : idx;
            numDisplay[j] = idx + 1;
        }
        int[] catSrc = new int[nCat];
        int[] catDisplay = new int[nCat];
        for (int j = 0; j < nCat; j++) {
            int idx = cols.names().indexOf(plan.categorical.get(j));
            catSrc[j] = parquet ? nNum + j : idx;
            catDisplay[j] = idx + 1;
        }
        int nLab = plan.labels.size();
        int[] labSrc = new int[nLab];
        int[] labDisplay = new int[nLab];
        for (int j = 0; j < nLab; j++) {
            int idx = libsvm ? 0 : cols.names().indexOf(plan.labels.get(j));
            labSrc[j] = parquet ? nNum + nCat + j : idx;
            labDisplay[j] = libsvm ? 1 : idx + 1;
        }
        DataSpec.Split sp = spec.split();
        double tr = sp.train();
        double va = spec.validationPath().isPresent() ? 0 : sp.validation();
        double te = spec.testPath().isPresent() ? 0 : sp.test();
        double sum = tr + va + te;
        if (sum <= 0) {
            throw new DataException("data.split fractions are all 0; give data.split.train a positive fraction");
        }
        String[] declared = spec.classes().stream().map(Values::canonical).toArray(String[]::new);
        return new RowDecoder(spec.format(), spec.format() == DataSpec.Format.CSV ? spec.delimiter().charAt(0) : ',',
                cols.header(), cols.names().size(),
                plan.numeric.toArray(new String[0]), numSrc, numDisplay,
                plan.categorical.toArray(new String[0]), catSrc, catDisplay,
                plan.labels.toArray(new String[0]), labSrc, labDisplay,
                spec.task(), declared, sp.seed(), tr / sum, (tr + va) / sum);
    }

    // ------------------------------------------------------------------ normalization

    private static Normalization normalization(DataSpec spec, Summary s, int width, int[] featureOffset,
                                               int[] featureSource, Plan plan) {
        String kind = spec.normalize().name().toLowerCase(Locale.ROOT);
        float[] shift = new float[width];
        float[] scale = new float[width];
        Arrays.fill(scale, 1f);
        for (int k = 0; k < featureOffset.length; k++) {
            int j = featureSource[k];
            if (j >= 0) {
                shift[featureOffset[k]] = shift(spec.normalize(), s.fMean[j], s.fMin[j]);
                scale[featureOffset[k]] = scale(spec.normalize(), s.fM2[j], s.n, s.fMin[j], s.fMax[j]);
            }
        }
        int lw = spec.task() == Task.REGRESSION ? plan.labels.size() : 0;
        float[] lShift = new float[lw];
        float[] lScale = new float[lw];
        for (int j = 0; j < lw; j++) {
            lShift[j] = shift(spec.normalize(), s.lMean[j], s.lMin[j]);
            lScale[j] = scale(spec.normalize(), s.lM2[j], s.n, s.lMin[j], s.lMax[j]);
        }
        return new Normalization(kind, shift, scale, lShift, lScale);
    }

    static float shift(DataSpec.Normalize kind, double mean, double min) {
        return switch (kind) {
            case STANDARDIZE -> (float) mean;
            case MINMAX -> (float) min;
            case NONE -> 0f;
        };
    }

    static float scale(DataSpec.Normalize kind, double m2, long n, double min, double max) {
        double s = switch (kind) {
            case STANDARDIZE -> Math.sqrt(m2 / n);
            case MINMAX -> max - min;
            case NONE -> 1;
        };
        // a constant column keeps its values (shifted to 0) instead of dividing by zero
        float f = (float) s;
        return f > 0 && Float.isFinite(f) ? f : 1f;
    }

    // ------------------------------------------------------------------ messages

    static DataException describe(Rec r, long totalBad, Configuration conf) {
        StringBuilder m = new StringBuilder(displayPath(r.file));
        if (r.rowIndexed) {
            if (r.pos >= 0) {
                m.append(" row ").append(r.pos + 1);
            }
        } else {
            m.append(" line ").append(Sources.lineNumber(r.file, r.pos, conf));
        }
        if (r.bad.column() != null) {
            m.append(", ").append(r.bad.column());
        }
        m.append(": ").append(r.bad.problem()).append("; ").append(r.bad.fix());
        if (totalBad > 1) {
            m.append(" (").append(totalBad).append(" bad rows in all)");
        }
        return new DataException(m.toString());
    }

    /** A local file's plain path, anything else as its URI. */
    static String displayPath(String file) {
        return file.startsWith("file:") ? new Path(file).toUri().getPath() : file;
    }
}
