package io.spindle.driver.job;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.spindle.driver.data.PreparedData;
import io.spindle.driver.model.ModelBuilder;
import io.spindle.driver.predict.InputPipeline;
import io.spindle.driver.predict.ModelFile;
import io.spindle.driver.predict.SpindleModel;
import io.spindle.driver.results.ResultRows;
import io.spindle.driver.results.ResultStore;
import io.spindle.driver.results.TableWriter;
import io.spindle.driver.spec.JobSpec;
import io.spindle.driver.train.EpochRecord;
import io.spindle.driver.train.Status;
import io.spindle.driver.train.TrainListener;
import io.spindle.driver.train.TrainResult;
import io.spindle.driver.train.Trainer;
import io.spindle.kernels.Networks;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A trial trained on prepared data that came from no spec path (the Spark ML API's
 * {@code fit(Dataset)}): the same trainer, callbacks, doctor and result rows as
 * {@code spindle train}, but no folder, no checkpoints and no signal handling; the rows go to the
 * store the caller injects (an in-memory store, or Delta tables it chose) and the model comes back
 * in memory, ready to be written as a {@code model.zip}.
 */
public final class FitJob {

    private FitJob() {
    }

    /**
     * A fitted model and what its run found.
     *
     * @param model the network with its kept parameters and the fitted input pipeline
     * @param summary what {@code summary.json} would hold for the run (status, epochs, history,
     *     validation and test metrics, diagnoses)
     * @param status how training ended
     */
    public record Fit(SpindleModel model, ObjectNode summary, Status status) { }

    /**
     * Trains one trial of a spec on prepared data.
     *
     * @param spark the session
     * @param spec the resolved spec (its data section describes the prepared data)
     * @param data the prepared splits (a test split with rows is evaluated once, by the kept parameters)
     * @param store where the run's trial and epoch rows go
     * @param out where progress lines go (one per epoch)
     * @return the fitted model
     * @throws io.spindle.driver.spec.SpecException when the network does not fit the data
     * @throws IllegalStateException when training kept no parameters (it diverged in its first epoch)
     */
    public static Fit fit(SparkSession spark, JobSpec spec, PreparedData data, ResultStore store, PrintWriter out) {
        long[] counts = TrainJob.classCounts(spec, data);
        MultiLayerConfiguration conf = ModelBuilder.build(spec, data.layout(), counts);
        TrainJob.dataWarnings(spec, data, counts).forEach(w -> out.println("warning: " + w));
        spec.warnings().forEach(w -> out.println("warning: " + w));
        String runId = TrainJob.runId(spec.name());
        Trainer trainer = new Trainer(JavaSparkContext.fromSparkContext(spark.sparkContext()), Clock.systemUTC())
                .withCallbacks(List.of(TrainJob.liveCheck(spec, counts, (e, d) -> out.println("diagnosis after epoch "
                        + e.epoch() + ": " + d.line()), false)));
        if (data.report().testRows() == 0) {
            trainer = trainer.withoutTest();
        }
        String select = spec.metrics().select();
        double[] elapsed = {0};
        TrainListener progress = new TrainListener() {
            @Override
            public void onWarning(String message) {
                out.println("warning: " + message);
            }

            @Override
            public void onEpoch(EpochRecord e) {
                elapsed[0] += e.partial() ? 0 : e.seconds();
                out.println(TrainJob.line(e, spec.training().epochs(), select, elapsed[0]));
                out.flush();
            }
        };
        TableWriter tables = new TableWriter(store);
        TrainResult result;
        try {
            result = TrialRunner.run(trainer, new TrialRunner.Trial(runId, runId, spec, data, conf, null), tables, false,
                    Optional.empty(), progress).result();
        } catch (RuntimeException e) {
            throw TrainJob.closing(tables, e);
        }
        if (result.bestEpoch() == 0 || result.params() == null || result.params().length == 0) {
            tables.close();
            throw new IllegalStateException(spec.name() + ": training ended " + result.status().name().toLowerCase(Locale.ROOT)
                    + " before any epoch's parameters could be kept" + (result.diagnosis().isEmpty() ? ""
                    : " (" + result.diagnosis() + ")") + "; lower the learning rate or check the data");
        }
        ObjectNode summary = TrainJob.summary(spec, data, result);
        io.spindle.driver.spec.Metric selected = io.spindle.driver.spec.Metric.find(select).orElseThrow();
        var probes = TrainJob.probe(trainer, spec, data, conf, result);
        var diagnoses = TrainJob.diagnose(spec, counts, result, probes);
        TrainJob.addDiagnoses(summary, selected, io.spindle.driver.doctor.Doctor.baseline(selected, spec.data().task(),
                counts), diagnoses);
        String codes = String.join(", ", diagnoses.stream().map(io.spindle.driver.doctor.Diagnosis::code).toList());
        tables.trial(ResultRows.trial(runId, runId, spec, new ResultRows.Outcome(result.status(), result.epochsRun(),
                result.bestEpoch(), Optional.ofNullable(result.validation()), Optional.ofNullable(result.test()),
                codes.isEmpty() ? result.diagnosis() : codes, result.seconds(),
                EpochRecord.meanSamplesPerSecond(result.epochs()), "")));
        tables.close();
        float[] params = result.params();
        MultiLayerNetwork net = Networks.forInference(conf, Nd4j.createFromArray(params).reshape(1, params.length));
        SpindleModel model = new SpindleModel(net, InputPipeline.of(spec.data(), data.layout(), data.normalization()),
                spec.resolved(), Provenance.of(spec, runId), "(fitted in memory)");
        out.printf(Locale.ROOT, "%s after %d epoch(s); best epoch %d%n", result.status().name().toLowerCase(Locale.ROOT),
                result.epochsRun(), result.bestEpoch());
        out.flush();
        return new Fit(model, summary, result.status());
    }

    /**
     * Writes a model as {@code model.zip}: DL4J's layout (network and normalizer, restorable with
     * {@code ModelSerializer}) plus {@value ModelFile#ENTRY}; read back with {@link ModelFile#load}.
     *
     * @param model the model
     * @param out the stream (left open)
     * @throws IOException on a write failure
     */
    public static void write(SpindleModel model, OutputStream out) throws IOException {
        InputPipeline p = model.pipeline();
        byte[] manifest = ModelFile.manifest(p, model.spec(), model.provenance());
        ModelZip.write(model.network(), TrainJob.normalizer(p.normalization(), p.task()), Map.of(ModelFile.ENTRY, manifest),
                out);
    }
}
