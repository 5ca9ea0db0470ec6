package io.spindle.driver.results;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.spindle.driver.SharedSpark;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Delta Lake store meets the store contract on a real local file system. */
class DeltaResultStoreTest extends ResultStoreContract {

    @TempDir
    Path dir;

    private int stores;

    @Override
    ResultStore store() {
        return new DeltaResultStore(SharedSpark.session(), dir.resolve("run" + stores++).toString());
    }

    @Test
    void writesWithSettingsOfItsOwnAndLeavesTheCallersSessionAsItWas() {
        SparkSession spark = SharedSpark.session();
        SparkSession.setActiveSession(spark);
        spark.conf().unset("spark.databricks.delta.snapshotPartitions"); // as a fresh session has them
        spark.conf().unset("spark.databricks.delta.stats.collect");
        String adaptive = spark.conf().get("spark.sql.adaptive.enabled");
        String shuffle = spark.conf().get("spark.sql.shuffle.partitions");
        String partitions = setting(spark, "spark.databricks.delta.snapshotPartitions");
        String stats = setting(spark, "spark.databricks.delta.stats.collect");

        ResultStore s = store();
        s.upsertTrials(List.of(trial("t1", "RUNNING", null)));
        s.appendEpochs(List.of(epoch("t1", 1, 0.5), epoch("t1", 2, 0.4)));
        s.replaceEpochs("s1", List.of("t1"), List.of(epoch("t1", 1, 0.45)));

        assertEquals(1, s.trials().size());
        assertEquals(List.of(0.45), s.epochs().stream().map(r -> r.get("train_loss")).toList());
        assertEquals(adaptive, spark.conf().get("spark.sql.adaptive.enabled"));
        assertEquals(shuffle, spark.conf().get("spark.sql.shuffle.partitions"));
        assertEquals(partitions, setting(spark, "spark.databricks.delta.snapshotPartitions"));
        assertEquals(stats, setting(spark, "spark.databricks.delta.stats.collect"));
        assertSame(spark, SparkSession.getActiveSession().get(), "the caller's active session is restored");
    }

    private static String setting(SparkSession spark, String key) {
        scala.Option<String> v = spark.conf().getOption(key);
        return v.isDefined() ? v.get() : "unset";
    }
}
