package io.spindle.driver.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.spindle.driver.SharedSpark;
import io.spindle.driver.data.Normalization;
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
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.dataset.DataSet;

/**
 * Training on one Spark task is bit-for-bit plain single-JVM DL4J training on the same
 * minibatches and seed, for every optimizer: the round trip of parameters and updater state
 * through broadcast and result loses nothing.
 */
@ExtendWith(SharedSpark.class)
class TrainerEquivalenceTest {

    static final int FEATURES = 6;
    static final int CLASSES = 3;

    static Stream<String> optimizers() {
        return Stream.of("sgd", "momentum", "adam", "adamw", "rmsprop", "adagrad");
    }

    static List<Block> blocks(int n, int perBlock, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        List<Block> out = new ArrayList<>();
        for (int start = 0; start < n; start += perBlock) {
            int rows = Math.min(perBlock, n - start);
            float[] f = new float[rows * FEATURES];
            float[] l = new float[rows * CLASSES];
            for (int r = 0; r < rows; r++) {
                double s = 0;
                for (int c = 0; c < FEATURES; c++) {
                    f[r * FEATURES + c] = (float) rng.nextGaussian();
                    s += f[r * FEATURES + c] * (c % 3 - 1);
                }
                l[r * CLASSES + (s < -0.5 ? 0 : s < 0.5 ? 1 : 2)] = 1f;
            }
            out.add(new Block(f, l, rows));
        }
        return out;
    }

    /** Synthetic splits with the test layout (six features, three classes, no normalization). */
    static PreparedData prepared(JavaRDD<Block> train, JavaRDD<Block> validation, JavaRDD<Block> test) {
        PreparedData.Layout layout = new PreparedData.Layout(List.of("a", "b", "c", "d", "e", "f"), List.of("y"),
                List.of("0", "1", "2"), FEATURES, CLASSES);
        Normalization none = new Normalization("none", new float[0], new float[0], new float[0], new float[0]);
        return new PreparedData(train, validation, test, layout, none, new PreparedData.LoadReport(
                train.map(Block::rows).reduce(Integer::sum), validation.map(Block::rows).reduce(Integer::sum),
                test.map(Block::rows).reduce(Integer::sum), Map.of()));
    }

    @ParameterizedTest
    @MethodSource("optimizers")
    void oneTaskEqualsSingleJvmDl4j(String optimizer, SparkSession spark) throws Exception {
        ObjectNode tree = SpecTrees.parse("""
                data: {path: unused.csv, label: y, task: multiclass}
                model:
                  layers:
                    - {type: dense, units: 12}
                    - {type: dense, units: 8, activation: tanh}
                    - {type: output}
                training:
                  batch_size: 16
                  epochs: 3
                  dropout: 0.0
                  l2: 0.0001
                  early_stopping: {enabled: false, restore_best: false}
                cluster: {workers: 1}
                """, "test");
        JobSpec spec = SpecParser.resolve(tree, "equivalence", Path.of("."))
                .withOverrides(Map.of("training.optimizer", optimizer));
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        List<Block> train = blocks(203, 40, 1);
        JavaRDD<Block> trainRdd = sc.parallelize(train, 3);
        JavaRDD<Block> val = sc.parallelize(blocks(50, 25, 2), 2);
        PreparedData data = prepared(trainRdd, val, val);
        MultiLayerConfiguration conf = ModelBuilder.build(spec, data.layout(), null);

        TrainResult result = new Trainer(sc, Clock.systemUTC()).train(spec, data, conf, e -> { });
        assertEquals(3, result.epochs().size());

        MultiLayerNetwork reference = new MultiLayerNetwork(conf);
        reference.init();
        ExecutorCache.PartitionData all = Batches.stack(train.iterator());
        for (int epoch = 0; epoch < 3; epoch++) {
            int[] order = Batches.epochOrder((int) all.rows(), spec.training().seed(), epoch, 0);
            for (DataSet ds : Batches.epoch(all, order, 16, InputShape.FLAT)) {
                reference.fit(ds);
            }
        }
        assertArrayEquals(reference.params().toFloatVector(), result.params(), 0f,
                optimizer + ": parameters after 3 epochs");
    }

    /** The same for the GRU (its own backward pass) and a bidirectional GRU over 3 steps of 2 features. */
    @org.junit.jupiter.api.Test
    void oneTaskGruEqualsSingleJvmDl4j(SparkSession spark) throws Exception {
        ObjectNode tree = SpecTrees.parse("""
                data: {path: unused.csv, label: y, task: multiclass, sequence: {steps: 3}}
                model:
                  layers:
                    - {type: gru, units: 5, return_sequences: true}
                    - {type: gru, units: 4, bidirectional: true}
                    - {type: output}
                training:
                  optimizer: adam
                  batch_size: 16
                  epochs: 2
                  early_stopping: {enabled: false, restore_best: false}
                cluster: {workers: 1}
                """, "test");
        JobSpec spec = SpecParser.resolve(tree, "gru-equivalence", Path.of("."));
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        List<Block> train = blocks(150, 40, 3);
        JavaRDD<Block> val = sc.parallelize(blocks(40, 20, 4), 2);
        PreparedData data = prepared(sc.parallelize(train, 2), val, val);
        MultiLayerConfiguration conf = ModelBuilder.build(spec, data.layout(), null);

        TrainResult result = new Trainer(sc, Clock.systemUTC()).train(spec, data, conf, e -> { });

        MultiLayerNetwork reference = new MultiLayerNetwork(conf);
        reference.init();
        ExecutorCache.PartitionData all = Batches.stack(train.iterator());
        InputShape steps = new InputShape(3, false);
        for (int epoch = 0; epoch < 2; epoch++) {
            int[] order = Batches.epochOrder((int) all.rows(), spec.training().seed(), epoch, 0);
            for (DataSet ds : Batches.epoch(all, order, 16, steps)) {
                reference.fit(ds);
            }
        }
        assertArrayEquals(reference.params().toFloatVector(), result.params(), 0f, "GRU parameters after 2 epochs");
    }

    @org.junit.jupiter.api.Test
    void workersAveragingEveryStepWithSgdEqualGlobalBatchTraining(SparkSession spark) {
        ObjectNode tree = SpecTrees.parse("""
                data: {path: unused.csv, label: y, task: multiclass}
                model:
                  layers:
                    - {type: dense, units: 10}
                    - {type: output}
                training:
                  optimizer: sgd
                  lr: 0.1
                  batch_size: 8
                  epochs: 2
                  dropout: 0.0
                  early_stopping: {enabled: false, restore_best: false}
                cluster: {workers: 2, averaging_period: 1, lr_scaling: none}
                """, "test");
        JobSpec spec = SpecParser.resolve(tree, "averaging", Path.of("."));
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        List<Block> blocks = List.of(blocks(48, 48, 11).get(0), blocks(48, 48, 12).get(0), blocks(48, 48, 13).get(0));
        JavaRDD<Block> trainRdd = sc.parallelize(blocks, 3);
        JavaRDD<Block> val = sc.parallelize(blocks(30, 30, 2), 1);
        PreparedData data = prepared(trainRdd, val, val);
        MultiLayerConfiguration conf = ModelBuilder.build(spec, data.layout(), null);
        TrainResult result = new Trainer(sc, Clock.systemUTC()).train(spec, data, conf, e -> { });
        assertEquals(2, result.workers());
        assertArrayEquals(globalBatchSgd(conf, trainRdd, spec.training().seed()), result.params(), 1e-5f,
                "2 workers averaging after every SGD step = SGD on the 16-row global batch");

        // the linear scaling rule (no warmup): the same as SGD on the 16-row global batch at twice the rate
        JobSpec linear = spec.withOverrides(java.util.Map.of("cluster.lr_scaling", "linear", "cluster.lr_warmup_epochs", 0));
        TrainResult scaled = new Trainer(sc, Clock.systemUTC()).train(linear, data, conf, e -> { });
        MultiLayerConfiguration doubled = ModelBuilder.build(spec.withOverrides(java.util.Map.of("training.lr", 0.2)),
                data.layout(), null);
        assertArrayEquals(globalBatchSgd(doubled, trainRdd, spec.training().seed()), scaled.params(), 1e-5f,
                "2 workers at lr x 2 averaging after every SGD step = SGD on the 16-row global batch at lr x 2");
    }

    /** Plain DL4J SGD for 2 epochs, each step on the 2 shards' minibatches of that step merged. */
    private static float[] globalBatchSgd(MultiLayerConfiguration conf, JavaRDD<Block> trainRdd, long seed) {
        MultiLayerNetwork reference = new MultiLayerNetwork(conf.clone());
        reference.init();
        List<List<Block>> sharded = Trainer.shard(trainRdd, 2, java.util.OptionalLong.empty()).glom().collect();
        for (int epoch = 0; epoch < 2; epoch++) {
            List<List<DataSet>> perShard = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                ExecutorCache.PartitionData shard = Batches.stack(sharded.get(i).iterator());
                assertEquals(72, shard.rows(), "every block is split evenly across the shards");
                perShard.add(Batches.epoch(shard, Batches.epochOrder(72, seed, epoch, i), 8, InputShape.FLAT));
            }
            for (int step = 0; step < 9; step++) {
                List<DataSet> global = new ArrayList<>();
                for (List<DataSet> shard : perShard) {
                    global.add(shard.get(step));
                }
                reference.fit(DataSet.merge(global));
            }
        }
        return reference.params().toFloatVector();
    }
}
