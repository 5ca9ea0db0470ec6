package io.spindle.bench;

import io.spindle.kernels.Batches;
import io.spindle.kernels.ExecutorCache;
import io.spindle.kernels.InputShape;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.nd4j.linalg.dataset.DataSet;

/**
 * System (c): DL4J's own {@code ParameterAveragingTrainingMaster} (dl4j-spark 1.0.0-M2) on
 * {@code local[2]}: 2 workers, {@code RDDTrainingApproach.Direct}, the case's batch per worker,
 * parameters and updater state averaged every K minibatches; DL4J's defaults otherwise.
 *
 * <p>Every epoch it gets the same shuffled minibatches as the single-JVM run, as an RDD of
 * {@code DataSet}s in 2 partitions (built in the driver before the clock starts); what DL4J then
 * does with them (caching at its storage level, its own repartitioning and random splits per
 * averaging round) is part of its training time.
 */
final class ParameterAveragingRunner {

    private ParameterAveragingRunner() {
    }

    /**
     * @param caseName the case
     * @param system the system name for this averaging frequency
     * @param sc the Spark context ({@code local[2]})
     * @param conf the network configuration (copied, not modified)
     * @param data the benchmark data
     * @param batchSize minibatch size per worker
     * @param averagingFrequency minibatches per worker between averages
     * @param budget epochs and time budget
     * @return the run
     */
    static SystemRun run(String caseName, String system, JavaSparkContext sc, MultiLayerConfiguration conf,
                         BenchData data, int batchSize, int averagingFrequency, Budget budget) {
        ParameterAveragingTrainingMaster tm = new ParameterAveragingTrainingMaster.Builder(CaseSpec.WORKERS, batchSize)
                .batchSizePerWorker(batchSize)
                .averagingFrequency(averagingFrequency)
                .rddTrainingApproach(RDDTrainingApproach.Direct)
                .rngSeed(CaseSpec.SEED)
                .build();
        SparkDl4jMultiLayer spark = new SparkDl4jMultiLayer(sc, conf.clone(), tm);
        ExecutorCache.PartitionData train = data.train();
        List<EpochPoint> points = new ArrayList<>();
        double seconds = 0;
        long samples = 0;
        int epoch = 0;
        while (budget.allowsAnother(epoch, seconds)) {
            int[] order = Batches.epochOrder((int) train.rows(), CaseSpec.SEED, epoch, 0);
            List<DataSet> batches = new ArrayList<>();
            for (DataSet view : Batches.epoch(train, order, batchSize, InputShape.FLAT)) {
                // detach the views: serializing a view would ship the whole shuffled epoch with each minibatch
                batches.add(new DataSet(view.getFeatures().dup(), view.getLabels().dup()));
                samples += view.numExamples();
            }
            // not persisted here: the training master persists it at its own storage level
            JavaRDD<DataSet> rdd = sc.parallelize(batches, CaseSpec.WORKERS);
            long t0 = System.nanoTime();
            spark.fit(rdd);
            seconds += (System.nanoTime() - t0) / 1e9;
            epoch++;
            points.add(new EpochPoint(epoch, seconds, samples, Accuracy.of(spark.getNetwork(), data.test())));
        }
        return new SystemRun(caseName, system, points, "ParameterAveragingTrainingMaster (dl4j-spark_2.12 1.0.0-M2), "
                + CaseSpec.WORKERS + " workers on local[" + CaseSpec.WORKERS + "], RDDTrainingApproach.Direct, batch "
                + batchSize + " per worker, averaging every " + averagingFrequency + " minibatches, other settings DL4J's "
                + "defaults; " + budget.stopReason(epoch, seconds));
    }
}
