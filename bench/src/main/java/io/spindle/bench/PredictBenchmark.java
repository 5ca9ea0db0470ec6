package io.spindle.bench;

import io.spindle.driver.job.PredictJob;
import io.spindle.driver.job.TrainJob;
import io.spindle.driver.predict.InputPipeline;
import io.spindle.driver.predict.ModelFile;
import io.spindle.driver.predict.SpindleModel;
import io.spindle.driver.spec.JobSpec;
import io.spindle.driver.spec.SpecParser;
import io.spindle.driver.spec.SpecTrees;
import io.spindle.ml.SpindleClassificationModel;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.ml.classification.MultilayerPerceptronClassificationModel;
import org.apache.spark.ml.classification.MultilayerPerceptronClassifier;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * {@code spindle bench predict}: rows per second of batch prediction with the same network on the
 * same MNIST rows (MNIST-10k repeated to the benchmark's size), five ways, on {@code local[2]}:
 * {@code spindle predict} (Parquet in, the model's own pipeline, Parquet out), the ML API's
 * {@code SpindleClassificationModel.transform} (VectorAssembler rows in, Parquet out),
 * MLlib's {@code MultilayerPerceptronClassificationModel.transform} with the same layer sizes (the
 * same way), and single-JVM DL4J {@code output()} on the normalized rows already in memory, 1,024
 * rows per call, with every core; and that same single JVM doing the whole job from the files
 * ({@link SingleJvmPredict}). The systems take turns, {@code repeats} rounds (a system whose rounds
 * have used 150 s, 60 with quick, sits out the rest), and each one's median counts. Also
 * measured: the bytes the executors' task results carry to the driver while {@code spindle predict}
 * runs, on the base rows and on all of them (flat: nothing is collected).
 */
final class PredictBenchmark {

    /** System names in the report. */
    static final String PREDICT = "spindle-predict-2w";
    static final String ML = "spindle-ml-transform-2w";
    static final String MLLIB = "mllib-mlp-transform-2w";
    static final String SINGLE = Systems.SINGLE_JVM + "-output";
    static final String SINGLE_FILES = Systems.SINGLE_JVM + "-files";

    private PredictBenchmark() {
    }

    /**
     * @param quick fewer rows and one round
     * @param output the report's folder
     * @param data the MNIST-10k CSV
     * @param cases the cases to run (empty: both)
     * @param repeats rounds per system (0: the default, 3, or 1 with quick)
     */
    record Options(boolean quick, Path output, Path data, List<String> cases, int repeats) { }

    /**
     * One system on one case.
     *
     * @param caseName the case
     * @param system the system
     * @param rows rows predicted per run
     * @param seconds each run's wall time
     * @param resultBytes spindle predict: task result bytes sent to the driver on all rows; else -1
     */
    record Measured(String caseName, String system, long rows, List<Double> seconds, long resultBytes) {
        double median() {
            double[] s = seconds.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
        }

        double rowsPerSecond() {
            return rows / median();
        }
    }

    /**
     * What the benchmark found.
     *
     * @param measured every system on every case
     * @param baseResultBytes task result bytes of spindle predict on the base rows, per case
     * @param baseRows the base rows
     */
    record Outcome(List<Measured> measured, Map<String, Long> baseResultBytes, long baseRows) { }

    /** The cases: the training benchmark's MNIST MLPs. */
    static final Map<String, int[]> CASES = new LinkedHashMap<>();

    static {
        CASES.put(Systems.MNIST, new int[] {256, 128});
        CASES.put(Systems.LARGE, new int[] {1024, 1024});
    }

    static Outcome run(Options o, PrintWriter out) throws IOException {
        List<String> cases = o.cases().isEmpty() ? List.copyOf(CASES.keySet()) : o.cases();
        for (String c : cases) {
            if (!CASES.containsKey(c)) {
                throw new IllegalArgumentException("--case " + c + ": no such case; the cases: " + String.join(", ",
                        CASES.keySet()));
            }
        }
        if (!Files.isRegularFile(o.data())) {
            throw new IllegalArgumentException("--data " + o.data() + ": no such file");
        }
        int copies = o.quick() ? 5 : 20;
        int repeats = o.repeats() > 0 ? o.repeats() : o.quick() ? 1 : 3;
        double budget = o.quick() ? 60 : 150;
        Files.createDirectories(o.output());
        Path work = o.output().resolve("predict-work");
        SparkSession spark = LocalSpark.start("spindle-bench-predict", Map.of());
        AtomicLong resultBytes = new AtomicLong();
        spark.sparkContext().addSparkListener(new SparkListener() {
            @Override
            public void onTaskEnd(SparkListenerTaskEnd e) {
                if (e.taskMetrics() != null) {
                    resultBytes.addAndGet(e.taskMetrics().resultSize());
                }
            }
        });
        int defaultThreads = Threads.current();
        try {
            Dataset<Row> mnist = spark.read().option("header", "true").option("inferSchema", "true")
                    .csv(o.data().toString());
            String base = work.resolve("rows-base.parquet").toString();
            String all = work.resolve("rows-all.parquet").toString();
            mnist.repartition(2).write().mode("overwrite").parquet(base);
            long baseRows = spark.read().parquet(base).count();
            spark.read().parquet(base).crossJoin(spark.range(copies).select(functions.col("id").as("copy")))
                    .drop("copy").repartition(2 * copies).write().mode("overwrite").parquet(all);
            long rows = baseRows * copies;
            out.printf(Locale.ROOT, "predicting %,d rows (MNIST-10k x %d), %d round%s per system%n", rows, copies, repeats,
                    repeats == 1 ? "" : "s");
            out.flush();
            String[] pixels = Arrays.stream(mnist.columns()).filter(c -> !c.equals("digit")).toArray(String[]::new);
            VectorAssembler assembler = new VectorAssembler().setInputCols(pixels).setOutputCol("features");

            List<Measured> measured = new ArrayList<>();
            Map<String, Long> baseBytes = new LinkedHashMap<>();
            for (String c : cases) {
                int[] hidden = CASES.get(c);
                String modelDir = work.resolve("model-" + c).toString();
                out.printf(Locale.ROOT, "%s: training the model for one epoch...%n", c);
                out.flush();
                TrainJob.run(spark, spec(c, base, hidden), modelDir, true, new PrintWriter(new StringWriter()));
                SpindleModel model = ModelFile.load(modelDir, spark.sparkContext().hadoopConfiguration());
                SpindleClassificationModel ml = new SpindleClassificationModel("bench-" + c, model, "{}");
                int[] layers = new int[hidden.length + 2];
                layers[0] = pixels.length;
                System.arraycopy(hidden, 0, layers, 1, hidden.length);
                layers[layers.length - 1] = 10;
                MultilayerPerceptronClassificationModel mllib = new MultilayerPerceptronClassifier().setLayers(layers)
                        .setMaxIter(1).setSeed(1).setLabelCol("digit").fit(assembler.transform(spark.read().parquet(base)));
                INDArray inMemory = normalized(spark.read().parquet(base), pixels, model.pipeline());

                resultBytes.set(0);
                predict(spark, modelDir, base, work.resolve("out-base").toString());
                baseBytes.put(c, resultBytes.get());

                Map<String, List<Double>> times = new LinkedHashMap<>();
                List.of(PREDICT, ML, MLLIB, SINGLE, SINGLE_FILES).forEach(s -> times.put(s, new ArrayList<>()));
                long[] allBytes = {0};
                Map<String, Runnable> systems = new LinkedHashMap<>();
                systems.put(PREDICT, () -> {
                    resultBytes.set(0);
                    predict(spark, modelDir, all, work.resolve("out-predict").toString());
                    allBytes[0] = resultBytes.get();
                });
                systems.put(ML, () -> ml.transform(assembler.transform(spark.read().parquet(all)))
                        .select("digit", "prediction", "probability").write().mode("overwrite")
                        .parquet(work.resolve("out-ml").toString()));
                systems.put(MLLIB, () -> mllib.transform(assembler.transform(spark.read().parquet(all)))
                        .select("digit", "prediction", "probability").write().mode("overwrite")
                        .parquet(work.resolve("out-mllib").toString()));
                systems.put(SINGLE, () -> outputs(model.network(), inMemory, copies));
                Path csv = work.resolve("out-single-jvm.csv");
                systems.put(SINGLE_FILES, () -> SingleJvmPredict.run(all, model, csv,
                        spark.sparkContext().hadoopConfiguration()));
                for (int r = 0; r < repeats; r++) {
                    for (Map.Entry<String, Runnable> e : systems.entrySet()) {
                        List<Double> t = times.get(e.getKey());
                        // a slow system stops after its budget (MLlib's large MLP takes minutes a round)
                        if (!t.isEmpty() && t.stream().mapToDouble(Double::doubleValue).sum() >= budget) {
                            continue;
                        }
                        boolean single = e.getKey().startsWith(Systems.SINGLE_JVM);
                        if (single) {
                            Threads.singleJvm();
                        }
                        try {
                            t.add(time(e.getValue()));
                        } finally {
                            if (single) {
                                Threads.set(defaultThreads);
                            }
                        }
                        out.printf(Locale.ROOT, "  %s / %s round %d: %.2f s%n", c, e.getKey(), r + 1, last(t));
                        out.flush();
                    }
                }
                for (Map.Entry<String, List<Double>> e : times.entrySet()) {
                    measured.add(new Measured(c, e.getKey(), rows, e.getValue(), e.getKey().equals(PREDICT) ? allBytes[0] : -1));
                }
            }
            Outcome outcome = new Outcome(measured, baseBytes, baseRows);
            write(o.output(), outcome);
            out.print(markdown(outcome));
            out.println("wrote " + o.output().resolve("bench-predict.csv") + " and bench-predict.md");
            out.flush();
            return outcome;
        } finally {
            spark.stop();
        }
    }

    private static double last(List<Double> l) {
        return l.get(l.size() - 1);
    }

    private static JobSpec spec(String name, String data, int[] hidden) {
        StringBuilder layers = new StringBuilder();
        for (int h : hidden) {
            layers.append("    - {type: dense, units: ").append(h).append("}\n");
        }
        String yaml = "name: bench-predict-" + name + "\n"
                + "data:\n  path: " + data + "\n  format: parquet\n  label: digit\n  task: multiclass\n"
                + "  normalize: minmax\n  split: {train: 0.8, validation: 0.1, test: 0.1, seed: 1}\n"
                + "model:\n  preset: classification\n  layers:\n" + layers + "    - {type: output}\n"
                + "training: {epochs: 1, batch_size: 64, seed: 1}\n";
        return SpecParser.resolve(SpecTrees.parse(yaml, "bench"), "bench", Path.of("."));
    }

    private static void predict(SparkSession spark, String model, String data, String output) {
        PredictJob.run(spark, new PredictJob.Options(model, data, output, PredictJob.Format.PARQUET, Optional.of("digit"),
                true), new PrintWriter(new StringWriter()));
    }

    private static double time(Runnable r) {
        long t0 = System.nanoTime();
        r.run();
        return (System.nanoTime() - t0) / 1e9;
    }

    /** The base rows' pixels in the model's feature order, scaled as its pipeline scales them, in one matrix. */
    private static INDArray normalized(Dataset<Row> df, String[] pixels, InputPipeline p) {
        Dataset<Row> ordered = df.select(p.features().stream().map(functions::col).toArray(org.apache.spark.sql.Column[]::new));
        List<Row> rows = ordered.collectAsList();
        int w = p.features().size();
        float[] flat = new float[rows.size() * w];
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            for (int j = 0; j < w; j++) {
                flat[i * w + j] = ((Number) r.get(j)).floatValue();
            }
        }
        INDArray x = Nd4j.createFromArray(flat).reshape(rows.size(), w);
        INDArray shift = Nd4j.createFromArray(p.normalization().featureShift()).reshape(1, w);
        INDArray scale = Nd4j.createFromArray(p.normalization().featureScale()).reshape(1, w);
        return x.subiRowVector(shift).diviRowVector(scale);
    }

    /** {@code output()} over every row {@code copies} times, 1,024 rows per call. */
    private static void outputs(MultiLayerNetwork net, INDArray x, int copies) {
        long n = x.rows();
        double sink = 0;
        for (int c = 0; c < copies; c++) {
            for (long from = 0; from < n; from += io.spindle.driver.predict.Predictor.BATCH) {
                long to = Math.min(n, from + io.spindle.driver.predict.Predictor.BATCH);
                sink += net.output(x.get(NDArrayIndex.interval(from, to), NDArrayIndex.all()), false).getDouble(0);
            }
        }
        if (Double.isNaN(sink)) {
            throw new IllegalStateException("the network's outputs are NaN");
        }
    }

    private static Measured find(Outcome o, String c, String system) {
        return o.measured().stream().filter(m -> m.caseName().equals(c) && m.system().equals(system)).findFirst()
                .orElseThrow();
    }

    static void write(Path dir, Outcome o) throws IOException {
        StringBuilder csv = new StringBuilder("case,system,rows,rounds,median_seconds,rows_per_s,vs_single_jvm,"
                + "driver_result_bytes\n");
        for (Measured m : o.measured()) {
            double single = find(o, m.caseName(), SINGLE).rowsPerSecond();
            csv.append(String.format(Locale.ROOT, "%s,%s,%d,%d,%.3f,%.1f,%.3f,%s%n", m.caseName(), m.system(), m.rows(),
                    m.seconds().size(), m.median(), m.rowsPerSecond(), m.rowsPerSecond() / single,
                    m.resultBytes() < 0 ? "" : Long.toString(m.resultBytes())));
        }
        Files.writeString(dir.resolve("bench-predict.csv"), csv, StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("bench-predict.md"), markdown(o), StandardCharsets.UTF_8);
    }

    /**
     * The report: a table of every system under "Results", then the targets under "Targets" (each
     * case: spindle predict against the single JVM from the files, against {@code output()} alone and
     * against MLlib, and the task-result bytes the driver received for the base rows and for all rows).
     * {@code spindle bench publish} merges both tables of several runs into the documentation.
     */
    static String markdown(Outcome o) {
        StringBuilder md = new StringBuilder("# spindle bench predict\n\n## Results\n\n"
                + "| case | system | rows | rounds | rows/s (median) | vs single-JVM output() | vs single-JVM from files |\n"
                + "| --- | --- | ---: | ---: | ---: | ---: | ---: |\n");
        for (Measured m : o.measured()) {
            double single = find(o, m.caseName(), SINGLE).rowsPerSecond();
            double files = find(o, m.caseName(), SINGLE_FILES).rowsPerSecond();
            md.append(String.format(Locale.ROOT, "| %s | %s | %,d | %d | %,.0f | %.2fx | %.2fx |%n", m.caseName(), m.system(),
                    m.rows(), m.seconds().size(), m.rowsPerSecond(), m.rowsPerSecond() / single, m.rowsPerSecond() / files));
        }
        md.append("\n## Targets\n\n| case | measure | value | target |\n| --- | --- | ---: | --- |\n");
        for (String c : o.baseResultBytes().keySet()) {
            Measured p = find(o, c, PREDICT);
            boolean target = c.equals(Systems.MNIST);
            double vsFiles = p.rowsPerSecond() / find(o, c, SINGLE_FILES).rowsPerSecond();
            double vsSingle = p.rowsPerSecond() / find(o, c, SINGLE).rowsPerSecond();
            double vsMllib = p.rowsPerSecond() / find(o, c, MLLIB).rowsPerSecond();
            target(md, c, "spindle predict / single JVM doing the same job from the files", vsFiles,
                    target ? ">= 1.6x: " + met(vsFiles >= 1.6) : "");
            target(md, c, "spindle predict / single-JVM output() on rows already in memory", vsSingle,
                    target ? ">= 1.6x: " + met(vsSingle >= 1.6) : "");
            target(md, c, "spindle predict / MLlib's transform", vsMllib, "> 1x: " + met(vsMllib > 1));
            md.append(String.format(Locale.ROOT, "| %s | task result bytes to the driver, %,d rows | %,d | |%n", c,
                    o.baseRows(), o.baseResultBytes().get(c)));
            md.append(String.format(Locale.ROOT, "| %s | task result bytes to the driver, %,d rows | %,d | |%n", c, p.rows(), p.resultBytes()));
        }
        return md.toString();
    }

    private static void target(StringBuilder md, String c, String measure, double ratio, String target) {
        md.append(String.format(Locale.ROOT, "| %s | %s | %.2fx | %s |%n", c, measure, ratio, target));
    }

    private static String met(boolean met) {
        return met ? "met" : "not met";
    }
}
