package io.spindle.driver.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spindle.driver.SharedSpark;
import io.spindle.driver.data.PreparedData;
import io.spindle.driver.model.ModelBuilder;
import io.spindle.driver.spec.JobSpec;
import io.spindle.driver.spec.SpecParser;
import io.spindle.driver.spec.SpecTrees;
import io.spindle.kernels.Batches;
import io.spindle.kernels.Block;
import io.spindle.kernels.ExecutorCache;
import io.spindle.kernels.InputShape;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.dataset.DataSet;

/**
 * The driver's control of data-parallel training: determinism, resuming from any epoch's
 * checkpoint, schedules reaching the workers, divergence, worker clamping and mid-epoch checks.
 */
@ExtendWith(SharedSpark.class)
class TrainerControlTest {

    static final String BASE = """
            data: {path: unused.csv, label: y, task: multiclass}
            model:
              layers:
                - {type: dense, units: 16}
                - {type: output}
            training:
              batch_size: 8
              epochs: 4
              dropout: 0.3
              early_stopping: {patience: 100}
            cluster: {workers: 2, averaging_period: 3}
            """;

    static JobSpec spec(Map<String, Object> overrides) {
        return SpecParser.resolve(SpecTrees.parse(BASE, "t"), "control", Path.of(".")).withOverrides(overrides);
    }

    static PreparedData data(JavaSparkContext sc) {
        return TrainerEquivalenceTest.prepared(sc.parallelize(TrainerEquivalenceTest.blocks(150, 40, 5), 2),
                sc.parallelize(TrainerEquivalenceTest.blocks(60, 30, 6), 2),
                sc.parallelize(TrainerEquivalenceTest.blocks(60, 30, 7), 1));
    }

    /** Captures what the trainer reports. */
    static final class Capture implements TrainListener {
        final List<Checkpoint> checkpoints = new ArrayList<>();
        final List<EpochRecord> records = new ArrayList<>();
        final List<String> warnings = new ArrayList<>();
        final List<RoundStats> rounds = new ArrayList<>();

        @Override
        public void onCheckpoint(Checkpoint c) {
            checkpoints.add(c);
        }

        @Override
        public void onEpoch(EpochRecord e) {
            records.add(e);
        }

        @Override
        public void onWarning(String message) {
            warnings.add(message);
        }

        @Override
        public void onRound(RoundStats r) {
            rounds.add(r);
        }
    }

    static TrainResult train(SparkSession spark, JobSpec spec, TrainListener l, Optional<Checkpoint> from) {
        return train(spark, spec, l, from, List.of());
    }

    static TrainResult train(SparkSession spark, JobSpec spec, TrainListener l, Optional<Checkpoint> from,
                             List<TrialCallback> callbacks) {
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        PreparedData data = data(sc);
        MultiLayerConfiguration conf = ModelBuilder.build(spec, data.layout(), null);
        return new Trainer(sc, Clock.systemUTC()).withCallbacks(callbacks).train(spec, data, conf, l, from);
    }

    static List<List<Double>> losses(List<EpochRecord> records) {
        return records.stream().map(e -> List.of(e.trainLoss(), e.valLoss(), e.learningRate())).toList();
    }

    @Test
    void sameSeedWorkersAndPeriodGiveTheSameRun(SparkSession spark) {
        JobSpec spec = spec(Map.of());
        Capture c1 = new Capture();
        TrainResult a = train(spark, spec, c1, Optional.empty());
        TrainResult b = train(spark, spec, new Capture(), Optional.empty());
        assertArrayEquals(a.params(), b.params(), 0f, "parameters");
        assertEquals(losses(a.epochs()), losses(b.epochs()), "losses per epoch");
        assertEquals(a.test().values(), b.test().values(), "test metrics");
        assertEquals(2, a.workers());
        assertEquals(3, a.averagingPeriod());
        assertEquals(4 * 4, c1.rounds.size(), "75-row shards: 10 minibatches, 4 rounds of up to 3 per epoch");
        assertTrue(c1.rounds.stream().allMatch(r -> r.workers() == 2 && r.samples() > 0 && r.stateBytes() > 0));
        TrainResult other = train(spark, spec(Map.of("training.seed", 7)), new Capture(), Optional.empty());
        assertFalse(java.util.Arrays.equals(a.params(), other.params()), "another seed, another run");
    }

    static Stream<Map<String, Object>> variants() {
        return Stream.of(
                Map.of(),
                Map.of("cluster.average_updater", false),
                Map.of("cluster.outer_optimizer", Map.of("type", "nesterov", "lr", 0.7, "momentum", 0.9)),
                Map.of("training.schedule", Map.of("type", "cosine", "warmup_epochs", 1)),
                Map.of("training.schedule", Map.of("type", "reduce_on_plateau", "patience", 1, "monitor", "val_accuracy"),
                        "cluster.eval_every_rounds", 2),
                Map.of("training.optimizer", "momentum", "cluster.workers", 1, "cluster.averaging_period", 4),
                Map.of("cluster.reshuffle", "across"));
    }

    @ParameterizedTest
    @MethodSource("variants")
    void resumingFromAnyEpochsCheckpointEndsLikeTheUninterruptedRun(Map<String, Object> overrides, SparkSession spark) {
        JobSpec spec = spec(overrides);
        Capture whole = new Capture();
        TrainResult straight = train(spark, spec, whole, Optional.empty());
        assertEquals(4, whole.checkpoints.size());
        for (int after : new int[] {1, 3}) {
            Checkpoint from = whole.checkpoints.get(after - 1);
            assertEquals(after, from.epochsDone());
            Capture rest = new Capture();
            TrainResult resumed = train(spark, spec, rest, Optional.of(from));
            assertArrayEquals(straight.params(), resumed.params(), 0f, "parameters after resuming at epoch " + after);
            assertEquals(losses(straight.epochs()), losses(resumed.epochs()), "history after resuming at epoch " + after);
            assertEquals(straight.bestEpoch(), resumed.bestEpoch());
            assertEquals(straight.test().values(), resumed.test().values());
            assertEquals(4 - after, rest.checkpoints.size());
        }
    }

    @Test
    void dealingRowsAnewKeepsEveryRowOnceAndEveryShardsSize(SparkSession spark) {
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        org.apache.spark.api.java.JavaRDD<Block> rows = sc.parallelize(TrainerEquivalenceTest.blocks(150, 40, 5), 2);
        List<List<Block>> fixed = Trainer.shard(rows, 2, java.util.OptionalLong.empty()).glom().collect();
        List<List<Block>> deal1 = Trainer.shard(rows, 2, java.util.OptionalLong.of(1)).glom().collect();
        List<List<Block>> deal2 = Trainer.shard(rows, 2, java.util.OptionalLong.of(2)).glom().collect();
        for (List<List<Block>> d : List.of(deal1, deal2)) {
            for (int w = 0; w < 2; w++) {
                assertEquals(rowCount(fixed.get(w)), rowCount(d.get(w)), "shard " + w + " keeps its size");
            }
            assertEquals(rowSet(fixed), rowSet(d), "every row once");
        }
        assertFalse(shardRows(deal1.get(0)).equals(shardRows(deal2.get(0))), "another deal, other rows per shard");
        assertEquals(shardRows(deal1.get(0)), shardRows(Trainer.shard(rows, 2, java.util.OptionalLong.of(1)).glom()
                .collect().get(0)), "the same deal twice");
    }

    private static int rowCount(List<Block> shard) {
        return shard.stream().mapToInt(Block::rows).sum();
    }

    private static List<String> shardRows(List<Block> shard) {
        List<String> out = new ArrayList<>();
        for (Block b : shard) {
            for (int r = 0; r < b.rows(); r++) {
                out.add(java.util.Arrays.toString(java.util.Arrays.copyOfRange(b.features(), r * b.featureWidth(),
                        (r + 1) * b.featureWidth())));
            }
        }
        return out;
    }

    private static List<String> rowSet(List<List<Block>> shards) {
        List<String> all = new ArrayList<>();
        shards.forEach(s -> all.addAll(shardRows(s)));
        java.util.Collections.sort(all);
        return all;
    }

    @Test
    void nesterovOuterStepChangesTheTrajectory(SparkSession spark) {
        TrainResult plain = train(spark, spec(Map.of()), new Capture(), Optional.empty());
        TrainResult outer = train(spark, spec(Map.of("cluster.outer_optimizer", Map.of("type", "nesterov"))),
                new Capture(), Optional.empty());
        assertFalse(java.util.Arrays.equals(plain.params(), outer.params()));
        assertTrue(outer.epochs().get(3).trainLoss() < outer.epochs().get(0).trainLoss(), "and still trains");
    }

    @Test
    void stepScheduleReachesTheWorkersAsDl4jWouldApplyIt(SparkSession spark) {
        JobSpec spec = spec(Map.of("cluster.workers", 1, "cluster.averaging_period", 4, "training.dropout", 0.0,
                "training.optimizer", "sgd", "training.lr", 0.2,
                "training.schedule", Map.of("type", "step", "step_size", 1, "gamma", 0.5)));
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        TrainResult r = train(spark, spec, new Capture(), Optional.empty());
        assertEquals(List.of(0.2, 0.1, 0.05, 0.025), r.epochs().stream().map(EpochRecord::learningRate).toList());

        PreparedData data = data(sc);
        MultiLayerNetwork reference = new MultiLayerNetwork(ModelBuilder.build(spec, data.layout(), null));
        reference.init();
        ExecutorCache.PartitionData all = Batches.stack(data.train().collect().iterator());
        for (int epoch = 0; epoch < 4; epoch++) {
            reference.setLearningRate(0.2 * Math.pow(0.5, epoch));
            int[] order = Batches.epochOrder((int) all.rows(), spec.training().seed(), epoch, 0);
            for (DataSet ds : Batches.epoch(all, order, 8, InputShape.FLAT)) {
                reference.fit(ds);
            }
        }
        assertArrayEquals(reference.params().toFloatVector(), r.params(), 0f, "single-JVM DL4J with the same rates");
    }

    @Test
    void divergenceStopsTheRunWithSeed001sAdvice(SparkSession spark) {
        JobSpec spec = spec(Map.of("training.optimizer", "sgd", "training.lr", 1e12, "training.dropout", 0.0));
        Capture c = new Capture();
        TrainResult r = train(spark, spec, c, Optional.empty());
        assertEquals(Status.DIVERGED, r.status());
        assertTrue(r.diagnosis().contains("learning rate too high") && r.diagnosis().contains("divide it by 10"),
                r.diagnosis());
        assertEquals(Status.DIVERGED, c.checkpoints.get(c.checkpoints.size() - 1).status());
    }

    @Test
    void moreWorkersThanLocalCoresAreClampedWithAWarning(SparkSession spark) {
        Capture c = new Capture();
        TrainResult r = train(spark, spec(Map.of("cluster.workers", 5, "training.epochs", 1)), c, Optional.empty());
        assertEquals(2, r.workers());
        assertEquals(1, c.warnings.size());
        assertTrue(c.warnings.get(0).contains("cluster.workers 5 is more than the 2 cores of local[2]"), c.warnings.get(0));
    }

    @Test
    void evalEveryRoundsAddsChecksWithinEpochs(SparkSession spark) {
        Capture c = new Capture();
        TrainResult r = train(spark, spec(Map.of("cluster.eval_every_rounds", 3, "training.epochs", 2)), c,
                Optional.empty());
        // 4 rounds per epoch, 8 in all: checks after global rounds 3 and 6 (mid-epoch) plus each epoch's end
        assertEquals(List.of(true, false, true, false), c.records.stream().map(EpochRecord::partial).toList());
        assertEquals(List.of(3, 4, 2, 4), c.records.stream().map(EpochRecord::rounds).toList());
        assertEquals(2, r.epochsRun());
    }

    @Test
    void lrScalingMultipliesEveryRateByTheWorkers(SparkSession spark) {
        TrainResult linear = train(spark, spec(Map.of("cluster.lr_scaling", "linear", "cluster.lr_warmup_epochs", 0,
                "training.epochs", 2, "training.schedule", Map.of("type", "exponential", "gamma", 0.5))), new Capture(),
                Optional.empty());
        assertEquals(List.of(0.002, 0.001), linear.epochs().stream().map(EpochRecord::learningRate).toList());
        TrainResult sqrt = train(spark, spec(Map.of("cluster.lr_scaling", "sqrt", "cluster.lr_warmup_epochs", 0,
                "training.epochs", 1)), new Capture(), Optional.empty());
        assertEquals(0.001 * Math.sqrt(2), sqrt.epochs().get(0).learningRate(), 1e-15);
        TrainResult plain = train(spark, spec(Map.of("cluster.lr_scaling", "none", "training.epochs", 1)), new Capture(),
                Optional.empty());
        assertFalse(java.util.Arrays.equals(plain.params(), sqrt.params()), "the scaled rate reached the workers");
    }

    @Test
    void byDefaultTwoWorkersScaleTheRateAfterAOneEpochWarmupBySqrtForAdamAndLinearlyForSgd(SparkSession spark) {
        List<Double> rates = new ArrayList<>();
        TrialCallback hear = new TrialCallback() {
            @Override
            public Decision afterRound(Round round) {
                rates.add(round.lr());
                return Decision.CONTINUE;
            }

            @Override
            public Decision afterEvaluation(Evaluation e) {
                return Decision.CONTINUE;
            }
        };
        JobSpec adam = spec(Map.of("training.epochs", 2));
        assertEquals("adam", adam.training().optimizer());
        TrainResult r = train(spark, adam, new Capture(), Optional.empty(), List.of(hear));
        int perEpoch = rates.size() / 2;
        double sqrt2 = Math.sqrt(2);
        for (int k = 0; k < perEpoch; k++) {
            assertEquals(0.001 * (1 + (sqrt2 - 1) * (k + 1.0) / (perEpoch + 1)), rates.get(k), 1e-12, "warmup round " + k);
        }
        assertEquals(0.001 * sqrt2, rates.get(perEpoch), 1e-12, "the full factor (sqrt of 2 workers) after the first epoch");
        assertEquals(0.001 * sqrt2, r.epochs().get(1).learningRate(), 1e-12);
        // plain SGD: the linear scaling rule
        TrainResult sgd = train(spark, spec(Map.of("training.epochs", 2, "training.optimizer", "sgd", "training.lr", 0.01)),
                new Capture(), Optional.empty());
        assertEquals(0.02, sgd.epochs().get(1).learningRate(), 1e-12);
    }
}
