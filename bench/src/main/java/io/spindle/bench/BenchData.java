package io.spindle.bench;

import io.spindle.driver.data.DataLoader;
import io.spindle.driver.data.PreparedData;
import io.spindle.driver.spec.JobSpec;
import io.spindle.kernels.Batches;
import io.spindle.kernels.Block;
import io.spindle.kernels.EvalTask;
import io.spindle.kernels.EvaluationKernel;
import io.spindle.kernels.ExecutorCache;
import io.spindle.kernels.InputShape;
import io.spindle.kernels.eval.TaskKind;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The data of a benchmark case, read once through Spindle's {@link DataLoader} and shared by every
 * system: the train rows and the test rows, both as cached Spark blocks (for Spindle and MLlib)
 * and as driver-side matrices (for single-JVM DL4J, DL4J's parameter averaging and evaluation).
 * The MLP cases share one load of MNIST-10k; the sequence case loads its series.
 *
 * <p>MNIST: the spec splits 80 / 10 / 10 (train / validation / test, seeded hash split) and the
 * pixels are divided by 255 here. Sequence: the windows of the spec's time split (70 / 15 / 15 of
 * the series in time order, windows inside each part, standardized on the train part, with
 * {@code level: last} offsets), as Spindle's trainer gets them. Either way the benchmark's test set
 * is validation and test together, i.e. every row that is not train. Spindle evaluates its
 * validation split after every epoch, so it is handed these test rows as its validation split:
 * every system is evaluated on the same rows. Both are cached {@code MEMORY_AND_DISK}, the level
 * Spindle's trainer persists its validation split with (Spark refuses a second, different level);
 * the trainer unpersists it when done, and a later use recomputes it from the file.
 *
 * @param prepared the splits for Spindle's trainer: train, and the test rows as both validation and test
 * @param train the train rows as matrices, in block order
 * @param test the test rows as matrices (with the windows' offsets for the sequence case)
 * @param quality how networks are scored on the test rows
 * @param shape how flat rows feed the network ({@link InputShape#FLAT} for MNIST, the window's
 *     steps for sequences), as Spindle's trainer shapes them
 */
public record BenchData(PreparedData prepared, ExecutorCache.PartitionData train, ExecutorCache.PartitionData test,
                        Quality quality, InputShape shape) {

    /** MNIST data: test accuracy, flat rows. */
    public BenchData(PreparedData prepared, ExecutorCache.PartitionData train, ExecutorCache.PartitionData test) {
        this(prepared, train, test, Quality.ACCURACY, InputShape.FLAT);
    }

    /**
     * Loads, scales and caches MNIST-10k for the MLP cases.
     *
     * @param spark the session
     * @param spec a benchmark spec ({@code normalize: none}, 80 / 10 / 10 split)
     * @param keep fraction of every block's rows to keep, in (0, 1] (the quick run uses 0.5)
     * @return the data
     */
    public static BenchData load(SparkSession spark, JobSpec spec, double keep) {
        if (!(keep > 0 && keep <= 1)) {
            throw new IllegalArgumentException("keep must be in (0, 1], got " + keep);
        }
        PreparedData raw = DataLoader.load(spark, spec.data());
        JavaRDD<Block> train = raw.train().map(b -> scale(b, keep)).persist(StorageLevel.MEMORY_AND_DISK());
        JavaRDD<Block> test = raw.validation().union(raw.test()).map(b -> scale(b, keep))
                .persist(StorageLevel.MEMORY_AND_DISK());
        return of(spec, raw, train, test, Quality.ACCURACY, InputShape.FLAT);
    }

    /**
     * Loads and caches the windows of the sequence case, as {@link DataLoader} prepares them for
     * Spindle's trainer (nothing is rescaled or dropped here).
     *
     * @param spark the session
     * @param spec the sequence case's spec ({@code data.window})
     * @return the data
     */
    public static BenchData loadSequence(SparkSession spark, JobSpec spec) {
        int steps = spec.data().sequence().map(s -> s.steps())
                .orElseThrow(() -> new IllegalArgumentException("the sequence case's spec has no data.window"));
        PreparedData raw = DataLoader.load(spark, spec.data());
        JavaRDD<Block> train = raw.train().persist(StorageLevel.MEMORY_AND_DISK());
        JavaRDD<Block> test = raw.validation().union(raw.test()).persist(StorageLevel.MEMORY_AND_DISK());
        return of(spec, raw, train, test, Quality.RMSE, new InputShape(steps, false));
    }

    private static BenchData of(JobSpec spec, PreparedData raw, JavaRDD<Block> train, JavaRDD<Block> test,
                                Quality quality, InputShape shape) {
        ExecutorCache.PartitionData trainRows = Batches.stack(train.collect().iterator());
        ExecutorCache.PartitionData testRows = Batches.stack(test.collect().iterator());
        if (trainRows.rows() == 0 || testRows.rows() == 0) {
            throw new IllegalStateException("the benchmark data has " + trainRows.rows() + " train and "
                    + testRows.rows() + " test rows; both must be non-empty (check " + spec.data().path() + ")");
        }
        PreparedData.LoadReport report = new PreparedData.LoadReport(trainRows.rows(), testRows.rows(),
                testRows.rows(), raw.report().skipped());
        PreparedData prepared = new PreparedData(train, test, test, raw.layout(), raw.normalization(), report,
                raw.forecast());
        return new BenchData(prepared, trainRows, testRows, quality, shape);
    }

    /**
     * The RMSE of the naive forecast (every window's last value) on the test rows, in the data's
     * units: with {@code level: last} that forecast is a window's offset, so its error is the stored
     * target with the standardization undone.
     *
     * @return that RMSE over every target, or NaN when the rows carry no offsets
     */
    public double naiveRmse() {
        if (test.offsets() == null) {
            return Double.NaN;
        }
        float[] shift = prepared.normalization().labelShift();
        float[] scale = prepared.normalization().labelScale();
        org.nd4j.linalg.api.ndarray.INDArray change = test.labels().dup();
        if (scale.length > 0) {
            change.muliRowVector(Nd4j.createFromArray(scale).reshape(1, scale.length))
                    .addiRowVector(Nd4j.createFromArray(shift).reshape(1, shift.length));
        }
        return Math.sqrt(change.mul(change).meanNumber().doubleValue());
    }

    /** Frees the cached blocks. */
    public void release() {
        prepared.train().unpersist(false);
        prepared.validation().unpersist(false);
    }

    /**
     * Scores a network on the test rows. Accuracy: {@link Accuracy#of}. RMSE: Spindle's own
     * evaluation path, {@link EvaluationKernel#evaluate} on the test rows in one partition with the
     * network's parameters, the task Spindle's trainer evaluates its validation split with (targets
     * and predictions back in the data's units: the label standardization undone, the windows'
     * {@code level: last} offsets added back), so every system's RMSE is computed by the same code.
     *
     * @param net the network (its parameters are read, not changed)
     * @param evalId a key for the evaluation's cached network and rows; {@link #forget} drops them
     * @return the test quality
     */
    public double score(MultiLayerNetwork net, String evalId) {
        if (quality == Quality.ACCURACY) {
            return Accuracy.of(net, test);
        }
        EvalTask task = new EvalTask(evalId, evalId + "/test", net.getLayerWiseConfigurations().toJson(), shape,
                TaskKind.REGRESSION, prepared.layout().labelWidth(), prepared.normalization().labelShift(),
                prepared.normalization().labelScale(), 1024);
        return EvaluationKernel.evaluate(0, List.of(block(test)).iterator(), task, net.params().toFloatVector())
                .result().value(quality.metric());
    }

    /**
     * Drops what {@link #score} cached under a key.
     *
     * @param evalId the key
     */
    public static void forget(String evalId) {
        ExecutorCache.evict(evalId);
    }

    /** @return the rows as one block (features, labels and offsets row-major, as stored) */
    static Block block(ExecutorCache.PartitionData rows) {
        return new Block(flat(rows.features()), flat(rows.labels()), (int) rows.rows(),
                rows.offsets() == null ? new float[0] : flat(rows.offsets()));
    }

    private static float[] flat(org.nd4j.linalg.api.ndarray.INDArray m) {
        return Nd4j.toFlattened('c', m).toFloatVector();
    }

    /**
     * @param b a block of raw pixels (0..255)
     * @param keep fraction of its rows to keep
     * @return the first {@code ceil(rows * keep)} rows with pixels divided by 255
     */
    static Block scale(Block b, double keep) {
        int rows = (int) Math.ceil(b.rows() * keep);
        if (rows == 0) {
            return new Block(new float[0], new float[0], 0);
        }
        float[] f = Nd4j.createFromArray(Arrays.copyOf(b.features(), rows * b.featureWidth())).divi(255f).toFloatVector();
        return new Block(f, Arrays.copyOf(b.labels(), rows * b.labelWidth()), rows);
    }
}
