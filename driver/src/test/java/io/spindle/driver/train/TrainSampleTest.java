package io.spindle.driver.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spindle.driver.SharedSpark;
import io.spindle.driver.results.ResultRows;
import io.spindle.driver.spec.JobSpec;
import io.spindle.kernels.Block;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Metrics on a fixed train sample next to validation's: the overfitting signal. */
@ExtendWith(SharedSpark.class)
class TrainSampleTest {

    static double[] classShares(List<Block> blocks) {
        double[] counts = new double[TrainerEquivalenceTest.CLASSES];
        double rows = 0;
        for (Block b : blocks) {
            for (int r = 0; r < b.rows(); r++) {
                for (int c = 0; c < counts.length; c++) {
                    counts[c] += b.labels()[r * counts.length + c];
                }
            }
            rows += b.rows();
        }
        for (int c = 0; c < counts.length; c++) {
            counts[c] /= rows;
        }
        return counts;
    }

    @Test
    void theSampleIsFixedAboutTwoThousandRowsAndKeepsTheClassShares(SparkSession spark) {
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        List<Block> all = TrainerEquivalenceTest.blocks(20_000, 500, 3);
        JavaRDD<Block> train = sc.parallelize(all, 4);
        List<Block> a = ShardPlan.sample(train, 20_000, 11).collect();
        List<Block> b = ShardPlan.sample(train, 20_000, 11).collect();
        long rows = a.stream().mapToLong(Block::rows).sum();
        // Bernoulli(0.1) over 20,000 rows: mean 2,000, standard deviation about 42
        assertTrue(rows > 1800 && rows < 2200, "sample rows " + rows);
        assertEquals(a.size(), b.size());
        for (int i = 0; i < a.size(); i++) {
            assertEquals(java.util.Arrays.toString(a.get(i).features()), java.util.Arrays.toString(b.get(i).features()),
                    "the same seed keeps the same rows");
        }
        double[] whole = classShares(all);
        double[] sample = classShares(a);
        for (int c = 0; c < whole.length; c++) {
            assertEquals(whole[c], sample[c], 0.03, "class " + c + " keeps its share");
        }
        long other = ShardPlan.sample(train, 20_000, 12).collect().stream().mapToLong(Block::rows).sum();
        assertTrue(other != rows || !java.util.Arrays.equals(a.get(0).features(),
                ShardPlan.sample(train, 20_000, 12).first().features()), "another seed, another sample");
        assertEquals(300, ShardPlan.sample(sc.parallelize(TrainerEquivalenceTest.blocks(300, 40, 5), 2), 300, 1)
                .collect().stream().mapToLong(Block::rows).sum(), "a small train split is its own sample");
    }

    @Test
    void everyCheckRecordsTheTrainSampleMetricsNextToValidation(SparkSession spark) {
        JobSpec spec = TrainerControlTest.spec(Map.of("training.epochs", 3));
        TrainResult r = TrainerControlTest.train(spark, spec, new TrainerControlTest.Capture(), Optional.empty());
        assertEquals(3, r.epochs().size());
        for (EpochRecord e : r.epochs()) {
            assertEquals(e.validation().keySet(), e.train().keySet(), "the same metrics on train and validation");
            double acc = e.train().get("accuracy");
            assertTrue(acc >= 0 && acc <= 1, "train accuracy " + acc);
            Map<String, Double> cols = ResultRows.trainSample(e);
            assertEquals(acc, cols.get("train_accuracy"));
            assertEquals(e.train().get("loss"), cols.get("train_eval_loss"));
        }
        // the network learns: on rows it trains on, accuracy after the last epoch beats the first's
        assertTrue(r.epochs().get(2).train().get("loss") < r.epochs().get(0).train().get("loss"),
                "train-sample loss falls: " + r.epochs());
    }
}
