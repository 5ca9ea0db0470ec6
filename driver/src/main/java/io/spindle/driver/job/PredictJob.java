package io.spindle.driver.job;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.spindle.driver.data.Columnar;
import io.spindle.driver.data.DataException;
import io.spindle.driver.data.Scoring;
import io.spindle.driver.predict.ModelFile;
import io.spindle.driver.predict.Predictor;
import io.spindle.driver.predict.SpindleModel;
import io.spindle.driver.spec.DataSpec;
import io.spindle.driver.spec.JobSpec;
import io.spindle.driver.spec.SpecParser;
import io.spindle.driver.spec.Task;
import io.spindle.kernels.ExecutorCache;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * {@code spindle predict}: applies a saved model to data in Spark executors and writes one output
 * row per input row. The model is read once on the driver and broadcast; each partition reads,
 * decodes and encodes its rows with the model's fitted pipeline ({@link Scoring}) and predicts them
 * in batches on a network its executor keeps ({@link Predictor}); no data row reaches the driver.
 * The output folder is written as a whole and renamed into place, so a failed run leaves nothing.
 * Bad input (a missing or damaged model, a missing column, a bad value, an unknown category, an
 * existing output without overwrite) is refused with one line.
 */
public final class PredictJob {

    private PredictJob() {
    }

    /** Output formats. */
    public enum Format { PARQUET, CSV, DELTA }

    /**
     * @param model a model.zip, a train output folder or a sweep output folder
     * @param data the rows to predict: a file, folder or glob, path or Hadoop FS URI
     * @param output the output folder
     * @param format how the output is written
     * @param id the input column to repeat in the output, or empty for all input columns
     * @param overwrite replace an existing output folder
     * @param unknownAsZeros a categorical value the model never saw becomes all-zero inputs for its
     *     column (the rows are counted) instead of failing the job
     * @param skipBad a row that cannot be encoded (an empty, non-finite or non-numeric feature) is
     *     left out of the output (counted by reason) instead of failing the job
     */
    public record Options(String model, String data, String output, Format format, Optional<String> id,
                          boolean overwrite, boolean unknownAsZeros, boolean skipBad) {
        /** Checks that every part is given. */
        public Options {
            java.util.Objects.requireNonNull(model, "model");
            java.util.Objects.requireNonNull(data, "data");
            java.util.Objects.requireNonNull(output, "output");
            java.util.Objects.requireNonNull(format, "format");
            java.util.Objects.requireNonNull(id, "id");
        }

        /** Bad rows and unseen categories fail the job. */
        public Options(String model, String data, String output, Format format, Optional<String> id, boolean overwrite) {
            this(model, data, output, format, id, overwrite, false, false);
        }
    }

    /**
     * What a prediction run did.
     *
     * @param rows rows predicted
     * @param labelledRows rows whose label the data had (and the model knows)
     * @param metrics with labels: {@code accuracy}, or {@code rmse} and {@code mae} (data units); else empty
     * @param output where the predictions are
     * @param unknownRows rows with a categorical value the model never saw, predicted from all-zero
     *     inputs for that column ({@code unknownAsZeros})
     * @param skippedRows rows left out because they could not be encoded ({@code skipBad})
     * @param columnar whether the rows were read column by column (Parquet with numeric features only)
     */
    public record Result(long rows, long labelledRows, Map<String, Double> metrics, String output, long unknownRows,
                         long skippedRows, boolean columnar) {
        /** Copies the metrics. */
        public Result {
            metrics = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
        }
    }

    /** Rethrows the fast path's refusal of a batch, wherever in the causes it is. */
    private static void unclean(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof Columnar.Unclean u) {
                throw u;
            }
        }
    }

    /**
     * Predicts.
     *
     * @param spark the session
     * @param o what to predict and where to write it
     * @param out where the summary lines go
     * @return what was done
     * @throws IllegalArgumentException (a {@link io.spindle.driver.predict.ModelException},
     *     {@link DataException} or {@link OutputDir.OutputException}) for bad input; nothing is written then
     */
    public static Result run(SparkSession spark, Options o, PrintWriter out) {
        try {
            return run(spark, o, out, true);
        } catch (Columnar.Unclean e) {
            // a null or non-finite value: the row-by-row reader finds it and names its file, row and column
            return run(spark, o, out, false);
        }
    }

    private static Result run(SparkSession spark, Options o, PrintWriter out, boolean columnar) {
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        SpindleModel model = ModelFile.load(o.model(), conf);
        OutputDir dir = OutputDir.check(o.output(), o.overwrite(), conf);
        JobSpec trained = SpecParser.resolve((ObjectNode) model.spec(), "model", java.nio.file.Path.of(""));
        Predictor predictor = new Predictor("predict-" + UUID.randomUUID(), model,
                trained.data().sequence().map(DataSpec.Sequence::steps).orElse(0));
        DataSpec.Format named = SpecParser.formatOf(o.data());
        // a name that says its format decides; a folder or other name is read as the model's data was
        boolean csvNamed = o.data().toLowerCase(Locale.ROOT).matches(".*\\.csv(\\.(gz|bz2|deflate))?$");
        DataSpec.Format format = named != DataSpec.Format.CSV || csvNamed ? named : trained.data().format();
        Scoring.Fitted fitted = new Scoring.Fitted(trained.data(), model.pipeline().features(), model.pipeline().categories(),
                model.pipeline().classes(), model.pipeline().normalization());
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Scoring.Handling handling = new Scoring.Handling(o.unknownAsZeros(), o.skipBad(),
                jsc.sc().longAccumulator("rows with an unseen category"), jsc.sc().longAccumulator("skipped rows"));
        Scoring.Rows rows = Scoring.read(spark, o.data(), format, fitted, o.id(), handling);
        StructType schema = predictor.schema(rows.keptNames(), rows.keptTypes());
        for (StructField f : predictor.outputFields()) {
            if (rows.keptNames().contains(f.name())) {
                throw new DataException(rows.where() + " has a column named '" + f.name() + "', which the output adds;"
                        + " pass --id to keep only an id column");
            }
        }

        Broadcast<Predictor> shared = jsc.broadcast(predictor);
        Predictor.Tally tally = new Predictor.Tally(jsc.sc().longAccumulator("predicted rows"),
                jsc.sc().longAccumulator("labelled rows"), jsc.sc().longAccumulator("correct rows"),
                jsc.sc().doubleAccumulator("squared error"), jsc.sc().doubleAccumulator("absolute error"));
        // Parquet with numeric features only: read column by column (Spark's vectorized reader), one block per batch
        Optional<Columnar.Scan> scan = columnar && format == DataSpec.Format.PARQUET && !o.unknownAsZeros() && !o.skipBad()
                ? Columnar.scan(spark, o.data(), fitted, rows.labelled() ? trained.data().label() : List.of(),
                        rows.keptNames())
                : Optional.empty();
        JavaRDD<Row> predicted;
        if (scan.isPresent()) {
            Columnar.Layout layout = scan.get().layout();
            predicted = scan.get().batches().mapPartitions(it -> shared.value().predictColumnar(it, layout, tally));
        } else {
            predicted = rows.rows().mapPartitions(it -> shared.value().predict(it, tally));
        }
        try {
            dir.replaceWith(tmp -> {
                var writer = spark.createDataFrame(predicted, schema).write().format(o.format().name().toLowerCase(Locale.ROOT));
                if (o.format() == Format.CSV) {
                    writer = writer.option("header", "true");
                }
                writer.save(tmp);
            });
        } catch (RuntimeException e) {
            unclean(e);
            DataException d = Scoring.failure(e, conf);
            throw d != null ? d : e;
        } catch (Exception e) {
            unclean(e);
            DataException d = Scoring.failure(e, conf);
            if (d != null) {
                throw d;
            }
            throw new IllegalStateException("writing the predictions to " + o.output() + " failed: " + e.getMessage(), e);
        } finally {
            ExecutorCache.evict(predictor.key());
            shared.destroy();
        }

        long n = tally.rows().value();
        long labelled = tally.labelled().value();
        Map<String, Double> metrics = new LinkedHashMap<>();
        if (rows.labelled() && labelled > 0) {
            if (model.pipeline().task() == Task.REGRESSION) {
                long values = labelled * model.pipeline().labels().size();
                metrics.put("rmse", Math.sqrt(tally.squaredError().value() / values));
                metrics.put("mae", tally.absoluteError().value() / values);
            } else {
                metrics.put("accuracy", tally.correct().value() / (double) labelled);
            }
        }
        out.printf(Locale.ROOT, "predicted %d rows of %s with %s into %s (%s)%n", n, o.data(), model.path(), o.output(),
                o.format().name().toLowerCase(Locale.ROOT));
        long unknown = handling.unknown().value();
        long skipped = handling.skipped().value();
        if (unknown > 0) {
            out.printf(Locale.ROOT, "%d row%s had a category the model never saw: predicted with all-zero inputs for"
                    + " that column%n", unknown, unknown == 1 ? "" : "s");
        }
        if (skipped > 0) {
            out.printf(Locale.ROOT, "skipped %d row%s that could not be encoded (--on-bad-record skip)%n", skipped,
                    skipped == 1 ? "" : "s");
        }
        if (!metrics.isEmpty()) {
            StringBuilder m = new StringBuilder("on the " + labelled + " rows with labels:");
            metrics.forEach((k, v) -> m.append(String.format(Locale.ROOT, " %s %.4f", k, v)));
            out.println(m);
        }
        out.flush();
        return new Result(n, labelled, metrics, o.output(), unknown, skipped, scan.isPresent());
    }
}
