package io.spindle.ml;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.spindle.driver.job.FitJob;
import io.spindle.driver.predict.ModelFile;
import io.spindle.driver.predict.Predictor;
import io.spindle.driver.predict.SpindleModel;
import io.spindle.driver.spec.DataSpec;
import io.spindle.driver.spec.JobSpec;
import io.spindle.driver.spec.SpecParser;
import io.spindle.driver.spec.SpecTrees;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.StringArrayParam;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWriter;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * What Spindle's fitted models share: the network with its fitted input pipeline (the same
 * {@code model.zip} as {@code spindle train} writes), the run's summary, the input column params,
 * a minibatched {@code transform}, and {@code save} / {@code load} (MLlib's metadata plus
 * {@code data/model.zip} and {@code data/summary.json}).
 *
 * @param <M> the model itself
 */
public abstract class SpindleMLModel<M extends SpindleMLModel<M>> extends Model<M> implements MLWritable {
    private static final long serialVersionUID = 1L;
    /** The model file inside a saved model's folder. */
    static final String MODEL = "data/" + ModelFile.MODEL_ZIP;
    /** The run's summary inside a saved model's folder. */
    static final String SUMMARY = "data/summary.json";

    private final String uid;
    private final transient SpindleModel model;
    private final String summary;
    private final String key;
    private final Param<String> labelCol;
    private final Param<String> featuresCol;
    private final StringArrayParam featureCols;
    private final Param<String> predictionCol;

    /**
     * @param uid the model's unique id
     * @param model the network and its pipeline
     * @param summary the run's summary (JSON)
     */
    protected SpindleMLModel(String uid, SpindleModel model, String summary) {
        this.uid = uid;
        this.model = model;
        this.summary = summary;
        this.key = "ml-" + uid + "-" + UUID.randomUUID();
        labelCol = new Param<>(this, "labelCol", "label column name");
        featuresCol = new Param<>(this, "featuresCol", "features column name (a Vector column)");
        featureCols = new StringArrayParam(this, "featureCols", "feature columns read one by one instead of featuresCol");
        predictionCol = new Param<>(this, "predictionCol", "prediction column name");
        setDefault(labelCol, "label");
        setDefault(featuresCol, "features");
        setDefault(featureCols, new String[0]);
        setDefault(predictionCol, "prediction");
    }

    @Override
    public String uid() {
        return uid;
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

    /** @return the prediction column param */
    public Param<String> predictionCol() {
        return predictionCol;
    }

    /** @param v features column (Vector) @return this */
    @SuppressWarnings("unchecked")
    public M setFeaturesCol(String v) {
        set(featuresCol, v);
        return (M) this;
    }

    /** @param v prediction column @return this */
    @SuppressWarnings("unchecked")
    public M setPredictionCol(String v) {
        set(predictionCol, v);
        return (M) this;
    }

    /** @return the network, its fitted input pipeline, the spec it trained with and its provenance */
    public SpindleModel spindleModel() {
        return model;
    }

    /**
     * @return what {@code spindle train} writes as {@code summary.json} for the same run: status,
     *     epochs, the history, validation (and, with a test split, test) metrics, diagnoses
     */
    public JsonNode summary() {
        try {
            return SpecTrees.MAPPER.readTree(summary);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return the kept parameters' validation metrics, by name ({@code accuracy}, {@code loss}, ...) */
    public Map<String, Double> validationMetrics() {
        Map<String, Double> m = new LinkedHashMap<>();
        summary().path("validation").fields().forEachRemaining(e -> {
            if (e.getValue().isNumber()) {
                m.put(e.getKey(), e.getValue().asDouble());
            }
        });
        return m;
    }

    /** @return the input width the network takes (vector size, or one-hot inputs counted) */
    public int numFeatures() {
        return model.pipeline().inputWidth();
    }

    /** @return the output columns the model appends */
    abstract List<StructField> outputFields();

    /** @return whether the output has probability and raw prediction vectors */
    abstract boolean probabilities();

    @Override
    public StructType transformSchema(StructType schema) {
        String[] explicit = getOrDefault(featureCols);
        if (explicit.length > 0) {
            Arrays.stream(explicit).forEach(c -> Frames.field(schema, c, "featureCols"));
        } else {
            Frames.requireVector(schema, getOrDefault(featuresCol), "featuresCol");
            int size = org.apache.spark.ml.attribute.AttributeGroup.fromStructField(schema.apply(getOrDefault(featuresCol)))
                    .size();
            if (size >= 0 && size != numFeatures()) {
                throw new IllegalArgumentException("featuresCol '" + getOrDefault(featuresCol) + "' holds vectors of " + size
                        + " values but the model was fitted on vectors of " + numFeatures());
            }
        }
        List<StructField> fields = new ArrayList<>(Arrays.asList(schema.fields()));
        for (StructField f : outputFields()) {
            if (Arrays.asList(schema.fieldNames()).contains(f.name())) {
                throw new IllegalArgumentException("the input already has a column '" + f.name() + "', which transform"
                        + " adds; drop it or rename the output column");
            }
            fields.add(f);
        }
        return new StructType(fields.toArray(new StructField[0]));
    }

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        StructType out = transformSchema(dataset.schema());
        Dataset<Row> df = dataset.toDF();
        String[] explicit = getOrDefault(featureCols);
        if (explicit.length > 0 && !Arrays.asList(explicit).equals(model.pipeline().features())) {
            throw new IllegalArgumentException("featureCols " + Arrays.toString(explicit) + " differ from the columns the"
                    + " model was fitted on: " + model.pipeline().features());
        }
        JobSpec trained = SpecParser.resolve((ObjectNode) model.spec(), "model", java.nio.file.Path.of(""));
        Predictor predictor = new Predictor(key, model, trained.data().sequence().map(DataSpec.Sequence::steps).orElse(0));
        Scorer scorer = new Scorer(predictor, model.pipeline(), Arrays.asList(df.schema().fieldNames()),
                explicit.length > 0 ? null : getOrDefault(featuresCol), probabilities());
        JavaRDD<Row> rows = df.javaRDD().mapPartitions(scorer::score);
        return df.sparkSession().createDataFrame(rows, out);
    }

    @Override
    public MLWriter write() {
        return new Writer(this);
    }

    /** MLlib's metadata (uid and params) plus the model file and the summary. */
    private static final class Writer extends MLWriter {
        private final SpindleMLModel<?> instance;

        Writer(SpindleMLModel<?> instance) {
            this.instance = instance;
        }

        @Override
        public void saveImpl(String path) {
            DefaultParamsWriter.saveMetadata(instance, path, sc(), scala.Option.empty(), scala.Option.empty());
            Path dir = new Path(path);
            try {
                FileSystem fs = dir.getFileSystem(sc().hadoopConfiguration());
                try (OutputStream o = fs.create(new Path(dir, MODEL), true)) {
                    FitJob.write(instance.model, o);
                }
                try (OutputStream o = fs.create(new Path(dir, SUMMARY), true)) {
                    o.write(instance.summary.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot save the model to " + path + ": " + e.getMessage(), e);
            }
        }
    }

    /**
     * Reads a saved model of class {@code M}.
     *
     * @param <M> the model class
     */
    static final class Reader<M extends SpindleMLModel<M>> extends MLReader<M> {
        private final Class<M> type;
        private final TriFunction<String, SpindleModel, String, M> make;

        /** A constructor of a model from its uid, network and summary. */
        interface TriFunction<A, B, C, R> {
            R apply(A a, B b, C c);
        }

        Reader(Class<M> type, TriFunction<String, SpindleModel, String, M> make) {
            this.type = type;
            this.make = make;
        }

        @Override
        public M load(String path) {
            DefaultParamsReader.Metadata md = DefaultParamsReader.loadMetadata(path, sc(), type.getName());
            SpindleModel m = ModelFile.load(new Path(path, MODEL).toString(), sc().hadoopConfiguration());
            String summary;
            Path file = new Path(path, SUMMARY);
            try (InputStream in = file.getFileSystem(sc().hadoopConfiguration()).open(file)) {
                summary = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
            }
            M model = make.apply(md.uid(), m, summary);
            md.getAndSetParams(model, scala.Option.empty());
            return model;
        }
    }

    /** @return the run's summary as JSON text, for subclasses' copy */
    String summaryJson() {
        return summary;
    }
}
