package io.spindle.driver.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spindle.driver.SharedSpark;
import io.spindle.driver.data.PreparedData;
import io.spindle.driver.spec.JobSpec;
import io.spindle.kernels.ExecutorCache;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Trials on the same prepared splits share the executors' cached rows: one key, one decode. */
@ExtendWith(SharedSpark.class)
class ShardPlanKeysTest {

    @Test
    void plansOnTheSameSplitsAndWorkersShareKeysOthersDoNot(SparkSession spark) {
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        PreparedData data = TrainerControlTest.data(sc);
        PreparedData other = TrainerControlTest.data(sc);
        try (ShardPlan a = new ShardPlan(data, 2, false, 1, 0); ShardPlan b = new ShardPlan(data, 2, false, 1, 0);
             ShardPlan c = new ShardPlan(other, 2, false, 1, 0); ShardPlan d = new ShardPlan(data, 1, false, 1, 0);
             ShardPlan e = new ShardPlan(data, 2, true, 1, 0)) {
            assertEquals(a.dataKey(0), b.dataKey(3));
            assertEquals(a.validationKey(), b.validationKey());
            assertEquals(a.trainSampleKey(), b.trainSampleKey());
            assertNotEquals(a.dataKey(0), c.dataKey(0), "other splits");
            assertNotEquals(a.validationKey(), c.validationKey());
            assertNotEquals(a.dataKey(0), d.dataKey(0), "other workers, other shards");
            assertNotEquals(e.dataKey(0), e.dataKey(1), "rows dealt anew every epoch");
            assertTrue(a.dataKey(0).startsWith(a.dataPrefix() + "/"));
        }
    }

    @Test
    void aSecondTrialOnPersistedSplitsDecodesNothing(SparkSession spark) {
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        PreparedData data = TrainerControlTest.data(sc);
        data.train().persist(StorageLevel.MEMORY_AND_DISK()); // as a sweep does: the trials share the splits
        data.validation().persist(StorageLevel.MEMORY_AND_DISK());
        try {
            JobSpec spec = TrainerControlTest.spec(Map.of("training.epochs", 1));
            var conf = io.spindle.driver.model.ModelBuilder.build(spec, data.layout(), null);
            Trainer trainer = new Trainer(sc, Clock.systemUTC()).withoutTest();
            long l0 = ExecutorCache.stats().dataLoads();
            TrainResult first = trainer.train(spec, data, conf, new TrainerControlTest.Capture(), Optional.empty());
            long l1 = ExecutorCache.stats().dataLoads();
            TrainResult second = trainer.train(spec, data, conf, new TrainerControlTest.Capture(), Optional.empty());
            long l2 = ExecutorCache.stats().dataLoads();
            assertTrue(l1 - l0 >= 2, "the first trial decodes its shards, validation and train sample: " + (l1 - l0));
            assertEquals(0, l2 - l1, "the second trial reuses every cached partition");
            assertEquals(TrainerControlTest.losses(first.epochs()), TrainerControlTest.losses(second.epochs()),
                    "and trains the same");
        } finally {
            Trainer.releaseData(sc, data);
            data.train().unpersist(false);
            data.validation().unpersist(false);
        }
    }
}
