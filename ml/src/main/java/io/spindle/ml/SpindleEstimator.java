package io.spindle.ml;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.spindle.driver.data.DataLoader;
import io.spindle.driver.data.PreparedData;
import io.spindle.driver.job.FitJob;
import io.spindle.driver.results.DeltaResultStore;
import io.spindle.driver.results.InMemoryResultStore;
import io.spindle.driver.results.ResultStore;
import io.spindle.driver.spec.JobSpec;
import io.spindle.driver.spec.SpecParser;
import io.spindle.driver.spec.SpecTrees;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntArrayParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.StringArrayParam;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What {@link SpindleClassifier} and {@link SpindleRegressor} share: the params (a Spindle spec,
 * the input columns, typed setters for the common spec keys) and {@code fit}, which trains
 * data-parallel on the data frame itself (its rows are encoded where they are; nothing is
 * written unless {@code resultsPath} is set) with the same trainer, early stopping and doctor as
 * {@code spindle train}.
 *
 * <p>The spec is read first (YAML text or a file; empty: the task's preset); then the input
 * columns fill its {@code data} section ({@code data.path} and {@code data.format} are not read),
 * and every typed param that was set overrides its key ({@code lr} -> {@code training.lr}, ...).
 *
 * @param <M> the model it fits
 * @param <E> the estimator itself (for chained setters)
 */
public abstract class SpindleEstimator<M extends SpindleMLModel<M>, E extends SpindleEstimator<M, E>>
        extends Estimator<M> implements DefaultParamsWritable {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(SpindleEstimator.class);

    private final String uid;
    private final Param<String> spec;
    private final Param<String> labelCol;
    private final Param<String> featuresCol;
    private final StringArrayParam featureCols;
    private final Param<String> validationIndicatorCol;
    private final Param<String> predictionCol;
    private final Param<String> resultsPath;
    private final IntArrayParam layers;
    private final DoubleParam lr;
    private final IntParam epochs;
    private final IntParam batchSize;
    private final IntParam workers;
    private final LongParam seed;

    /** @param uid the estimator's unique id */
    protected SpindleEstimator(String uid) {
        this.uid = uid;
        spec = new Param<>(this, "spec", "the Spindle spec: YAML text, or the path of a YAML file; empty: the task's"
                + " preset");
        labelCol = new Param<>(this, "labelCol", "label column name");
        featuresCol = new Param<>(this, "featuresCol", "features column name (a Vector column)");
        featureCols = new StringArrayParam(this, "featureCols", "feature columns read one by one instead of featuresCol"
                + " (numeric, or categorical when the spec's data.categorical lists them)");
        validationIndicatorCol = new Param<>(this, "validationIndicatorCol", "boolean column: true rows validate (early"
                + " stopping, model selection), false rows train; empty: the spec's data.split decides");
        predictionCol = new Param<>(this, "predictionCol", "prediction column name");
        resultsPath = new Param<>(this, "resultsPath", "folder (path or Hadoop FS URI) whose Delta tables trials and"
                + " epochs get the run's rows; empty: the rows stay in memory, in the model's summary");
        layers = new IntArrayParam(this, "layers", "units of each hidden dense layer (model.layers); the output"
                + " layer is added");
        lr = new DoubleParam(this, "lr", "learning rate (training.lr)");
        epochs = new IntParam(this, "epochs", "most epochs (training.epochs)");
        batchSize = new IntParam(this, "batchSize", "rows per minibatch on each worker (training.batch_size)");
        workers = new IntParam(this, "workers", "partitions trained in parallel (cluster.workers)");
        seed = new LongParam(this, "seed", "seed of the network's initialization and of the split (training.seed,"
                + " data.split.seed)");
        setDefault(spec, "");
        setDefault(labelCol, "label");
        setDefault(featuresCol, "features");
        setDefault(featureCols, new String[0]);
        setDefault(validationIndicatorCol, "");
        setDefault(predictionCol, "prediction");
        setDefault(resultsPath, "");
    }

    @Override
    public String uid() {
        return uid;
    }

    @SuppressWarnings("unchecked")
    private E self() {
        return (E) this;
    }

    // ------------------------------------------------------------------ params

    /** @return the spec param */
    public Param<String> spec() {
        return spec;
    }

    /** @return the label column param */
    public Param<String> labelCol() {
        return labelCol;
    }

    /** @return the features column param */
    public Param<String> featuresCol() {
        return featuresCol;
    }

    /** @return the explicit feature columns param */
    public StringArrayParam featureCols() {
        return featureCols;
    }

    /** @return the validation indicator column param */
    public Param<String> validationIndicatorCol() {
        return validationIndicatorCol;
    }

    /** @return the prediction column param */
    public Param<String> predictionCol() {
        return predictionCol;
    }

    /** @return the results folder param */
    public Param<String> resultsPath() {
        return resultsPath;
    }

    /** @return the hidden layers param */
    public IntArrayParam layers() {
        return layers;
    }

    /** @return the learning rate param */
    public DoubleParam lr() {
        return lr;
    }

    /** @return the epochs param */
    public IntParam epochs() {
        return epochs;
    }

    /** @return the batch size param */
    public IntParam batchSize() {
        return batchSize;
    }

    /** @return the workers param */
    public IntParam workers() {
        return workers;
    }

    /** @return the seed param */
    public LongParam seed() {
        return seed;
    }

    /** @param v YAML text or the path of a YAML spec @return this */
    public E setSpec(String v) {
        set(spec, v);
        return self();
    }

    /** @param v label column @return this */
    public E setLabelCol(String v) {
        set(labelCol, v);
        return self();
    }

    /** @param v features column (Vector) @return this */
    public E setFeaturesCol(String v) {
        set(featuresCol, v);
        return self();
    }

    /** @param v feature columns read one by one @return this */
    public E setFeatureCols(String[] v) {
        set(featureCols, v);
        return self();
    }

    /** @param v boolean column marking validation rows @return this */
    public E setValidationIndicatorCol(String v) {
        set(validationIndicatorCol, v);
        return self();
    }

    /** @param v prediction column @return this */
    public E setPredictionCol(String v) {
        set(predictionCol, v);
        return self();
    }

    /** @param v folder for the Delta result tables @return this */
    public E setResultsPath(String v) {
        set(resultsPath, v);
        return self();
    }

    /** @param v units of each hidden dense layer @return this */
    public E setLayers(int[] v) {
        set(layers, v);
        return self();
    }

    /** @param v learning rate @return this */
    public E setLr(double v) {
        set(lr, v);
        return self();
    }

    /** @param v most epochs @return this */
    public E setEpochs(int v) {
        set(epochs, v);
        return self();
    }

    /** @param v rows per minibatch @return this */
    public E setBatchSize(int v) {
        set(batchSize, v);
        return self();
    }

    /** @param v partitions trained in parallel @return this */
    public E setWorkers(int v) {
        set(workers, v);
        return self();
    }

    /** @param v seed @return this */
    public E setSeed(long v) {
        set(seed, v);
        return self();
    }

    /** @return the spec as given */
    public String getSpec() {
        return getOrDefault(spec);
    }

    /** @return the label column */
    public String getLabelCol() {
        return getOrDefault(labelCol);
    }

    /** @return the features column */
    public String getFeaturesCol() {
        return getOrDefault(featuresCol);
    }

    /** @return the explicit feature columns (empty: featuresCol) */
    public String[] getFeatureCols() {
        return getOrDefault(featureCols);
    }

    /** @return the validation indicator column (empty: none) */
    public String getValidationIndicatorCol() {
        return getOrDefault(validationIndicatorCol);
    }

    /** @return the learning rate, when set */
    public Optional<Double> getLr() {
        return isDefined(lr) ? Optional.of((Double) getOrDefault(lr)) : Optional.empty();
    }

    // ------------------------------------------------------------------ what subclasses say

    /**
     * @param df the input
     * @return the spec's {@code data.task} and, for classification, {@code data.classes}, as the
     *     input's label column implies them
     */
    abstract ObjectNode task(Dataset<Row> df, ObjectNode given);

    /** @return the model around a fitted network */
    abstract M model(String uid, FitJob.Fit fit);

    // ------------------------------------------------------------------ fit

    @Override
    public M fit(Dataset<?> dataset) {
        Dataset<Row> df = dataset.toDF();
        transformSchema(df.schema());
        SparkSession spark = df.sparkSession();
        String label = getLabelCol();
        String indicator = getValidationIndicatorCol();
        String[] explicit = getFeatureCols();
        List<String> keep = new ArrayList<>(List.of(label));
        if (!indicator.isEmpty()) {
            keep.add(indicator);
        }
        List<String> features;
        Dataset<Row> frame;
        if (explicit.length > 0) {
            features = List.of(explicit);
            List<String> cols = new ArrayList<>(features);
            keep.stream().filter(k -> !cols.contains(k)).forEach(cols::add);
            frame = df.select(cols.stream().map(Frames::col).toArray(org.apache.spark.sql.Column[]::new));
        } else {
            int width = Frames.vectorSize(df, getFeaturesCol(), "featuresCol");
            features = new ArrayList<>();
            for (int i = 0; i < width; i++) {
                features.add(Frames.element(getFeaturesCol(), i));
            }
            frame = Frames.spread(df, getFeaturesCol(), width, keep);
        }
        JobSpec js = resolve(df, features);
        PreparedData data = DataLoader.load(spark, js.data(), frame,
                indicator.isEmpty() ? Optional.empty() : Optional.of(indicator));
        String results = getOrDefault(resultsPath);
        ResultStore store = results.isEmpty() ? new InMemoryResultStore() : new DeltaResultStore(spark, results);
        FitJob.Fit fit = FitJob.fit(spark, js, data, store, logLines());
        M m = model(uid + "-model", fit);
        copyValues(m, ParamMap.empty());
        m.setParent(this);
        return m;
    }

    /** What the resolved spec names as a split's file when the split comes from the data frame, or is empty. */
    static final String NO_FILE = "(none: fitted from a DataFrame)";

    /** The spec the fit trains: the given spec, the input's columns, the typed params. */
    JobSpec resolve(Dataset<Row> df, List<String> features) {
        ObjectNode tree = given();
        ObjectNode data = tree.with("data");
        data.put("path", "(DataFrame)");
        data.put("format", "parquet");
        data.remove(List.of("validation_path", "test_path", "window", "label"));
        data.put("label", getLabelCol());
        ArrayNode f = data.putArray("features");
        features.forEach(f::add);
        if (!getValidationIndicatorCol().isEmpty()) {
            // the indicator column decides: no rows are held out for a test
            data.put("validation_path", NO_FILE);
            data.put("test_path", NO_FILE);
        } else if (!data.has("split")) {
            // MLlib estimators train on every row they are given: a validation split for early stopping, no test rows
            data.putObject("split").put("train", 0.85).put("validation", 0.15);
            data.put("test_path", NO_FILE);
        }
        task(df, data);
        if (isDefined(seed)) {
            long s = (Long) getOrDefault(seed);
            tree.with("training").put("seed", s);
            ((ObjectNode) data.get("split")).put("seed", s);
        }
        if (isDefined(lr)) {
            tree.with("training").put("lr", (Double) getOrDefault(lr));
        }
        if (isDefined(epochs)) {
            tree.with("training").put("epochs", (Integer) getOrDefault(epochs));
        }
        if (isDefined(batchSize)) {
            tree.with("training").put("batch_size", (Integer) getOrDefault(batchSize));
        }
        if (isDefined(workers)) {
            tree.with("cluster").put("workers", (Integer) getOrDefault(workers));
        }
        if (isDefined(layers)) {
            ArrayNode l = tree.with("model").putArray("layers");
            for (int u : (int[]) getOrDefault(layers)) {
                l.addObject().put("type", "dense").put("units", u);
            }
            l.addObject().put("type", "output");
        }
        return SpecParser.resolve(tree, "spindle-ml", Path.of("."));
    }

    /** The spec param as a tree: YAML text, or the file it names; empty: no settings. */
    private ObjectNode given() {
        String s = getSpec().trim();
        if (s.isEmpty()) {
            return SpecTrees.MAPPER.createObjectNode();
        }
        boolean file;
        try {
            file = Files.isRegularFile(Path.of(s));
        } catch (java.nio.file.InvalidPathException e) {
            file = false;
        }
        if (file) {
            return SpecTrees.read(Path.of(s));
        }
        if (!s.contains(":")) {
            throw new IllegalArgumentException("spec: no file " + Path.of(s).toAbsolutePath() + "; give YAML text or the"
                    + " path of a YAML spec");
        }
        return SpecTrees.parse(s, "spec");
    }

    /** Progress lines to the log, one INFO line each. */
    private static PrintWriter logLines() {
        return new PrintWriter(new Writer() {
            private final StringBuilder line = new StringBuilder();

            @Override
            public void write(char[] c, int off, int len) {
                for (int i = off; i < off + len; i++) {
                    if (c[i] == '\n') {
                        LOG.info(line.toString());
                        line.setLength(0);
                    } else {
                        line.append(c[i]);
                    }
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        }, true);
    }

    /**
     * Checks the input columns and says what the model adds.
     *
     * @param schema the input's schema
     * @return the schema a fitted model's {@code transform} returns
     */
    @Override
    public StructType transformSchema(StructType schema) {
        String[] explicit = getFeatureCols();
        if (explicit.length > 0) {
            Arrays.stream(explicit).forEach(c -> Frames.field(schema, c, "featureCols"));
        } else {
            Frames.requireVector(schema, getFeaturesCol(), "featuresCol");
        }
        Frames.requireNumber(schema, getLabelCol(), "labelCol");
        String indicator = getValidationIndicatorCol();
        if (!indicator.isEmpty()) {
            Frames.field(schema, indicator, "validationIndicatorCol");
        }
        return outputSchema(schema);
    }

    /** @return the input schema with the model's output columns */
    abstract StructType outputSchema(StructType schema);

    @Override
    public E copy(ParamMap extra) {
        return defaultCopy(extra);
    }
}
