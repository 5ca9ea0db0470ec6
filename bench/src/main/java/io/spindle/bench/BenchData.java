package io.spindle.bench;

import io.spindle.driver.data.DataLoader;
import io.spindle.driver.data.PreparedData;
import io.spindle.driver.spec.JobSpec;
import io.spindle.kernels.Batches;
import io.spindle.kernels.Block;
import io.spindle.kernels.ExecutorCache;
import java.util.Arrays;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The benchmark's data, read once through Spindle's {@link DataLoader} and shared by every
 * system: the train rows and the test rows (pixels / 255), both as cached Spark blocks (for
 * Spindle and MLlib) and as driver-side matrices (for single-JVM DL4J, DL4J's parameter averaging
 * and evaluation).
 *
 * <p>The spec splits 80 / 10 / 10 (train / validation / test, seeded hash split); the benchmark's
 * test set is validation and test together, i.e. the 20% of rows that are not train. Spindle
 * evaluates its validation split after every epoch, so it is handed these test rows as its
 * validation split: every system is evaluated on the same rows. Both are cached
 * {@code MEMORY_AND_DISK}, the level Spindle's trainer persists its validation split with (Spark
 * refuses a second, different level); the trainer unpersists it when done, and a later use
 * recomputes it from the file.
 *
 * @param prepared the splits for Spindle's trainer: train, and the test rows as both validation and test
 * @param train the train rows as matrices, in block order
 * @param test the test rows as matrices
 */
public record BenchData(PreparedData prepared, ExecutorCache.PartitionData train, ExecutorCache.PartitionData test) {

    /**
     * Loads, scales and caches the data of a spec.
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
        ExecutorCache.PartitionData trainRows = Batches.stack(train.collect().iterator());
        ExecutorCache.PartitionData testRows = Batches.stack(test.collect().iterator());
        if (trainRows.rows() == 0 || testRows.rows() == 0) {
            throw new IllegalStateException("the benchmark data has " + trainRows.rows() + " train and "
                    + testRows.rows() + " test rows; both must be non-empty (check " + spec.data().path() + ")");
        }
        PreparedData.LoadReport report = new PreparedData.LoadReport(trainRows.rows(), testRows.rows(),
                testRows.rows(), raw.report().skipped());
        PreparedData prepared = new PreparedData(train, test, test, raw.layout(), raw.normalization(), report);
        return new BenchData(prepared, trainRows, testRows);
    }

    /** Frees the cached blocks. */
    public void release() {
        prepared.train().unpersist(false);
        prepared.validation().unpersist(false);
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
