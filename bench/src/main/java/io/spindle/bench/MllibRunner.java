package io.spindle.bench;

import io.spindle.kernels.Block;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.classification.MultilayerPerceptronClassificationModel;
import org.apache.spark.ml.classification.MultilayerPerceptronClassifier;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

/**
 * System (d): Spark MLlib's {@code MultilayerPerceptronClassifier} with the case's layer sizes
 * and its defaults (L-BFGS, block size 128, tolerance 1e-6), features already min-max scaled
 * (pixels / 255, the same inputs every system gets).
 *
 * <p>L-BFGS has no epochs and MLlib exposes no per-iteration hook, so the benchmark trains
 * independent fits of increasing {@code maxIter} (each from scratch, the same seed) and evaluates
 * each on the test rows: a fit's training seconds are its own, not cumulative. The ladder stops at
 * the budget's iteration cap or once the fits together have used its time budget. An untimed
 * 1-iteration fit runs first, so that one-off JVM warm-up does not land on the smallest fit.
 */
final class MllibRunner {

    /** maxIter of the successive fits, cut at the budget's cap. */
    static final int[] LADDER = {5, 10, 20, 40, 70, 100, 150, 200};

    private MllibRunner() {
    }

    /**
     * @param caseName the case
     * @param spark the session ({@code local[2]})
     * @param data the benchmark data
     * @param layers layer sizes, input and output included
     * @param budget iteration cap and time budget for all fits together
     * @return the run
     */
    static SystemRun run(String caseName, SparkSession spark, BenchData data, int[] layers, Budget budget) {
        Dataset<Row> train = frame(spark, data.prepared().train()).repartition(CaseSpec.WORKERS)
                .persist(StorageLevel.MEMORY_ONLY());
        Dataset<Row> test = frame(spark, data.prepared().validation()).persist(StorageLevel.MEMORY_ONLY());
        long rows = train.count();
        test.count();
        // one untimed 1-iteration fit first: the first fit in a JVM pays one-off costs (class loading, JIT, BLAS
        // lookup) that would otherwise land on the smallest fit of the ladder
        new MultilayerPerceptronClassifier().setLayers(layers).setMaxIter(1).setSeed(CaseSpec.SEED).fit(train);
        MulticlassClassificationEvaluator evaluator = new MulticlassClassificationEvaluator().setMetricName("accuracy");
        List<EpochPoint> points = new ArrayList<>();
        List<Integer> fits = new ArrayList<>();
        double spent = 0;
        String stop = "stopped at the iteration cap (" + budget.maxEpochs() + ")";
        try {
            for (int maxIter : LADDER) {
                if (maxIter > budget.maxEpochs()) {
                    break;
                }
                if (spent >= budget.maxSeconds()) {
                    stop = String.format(Locale.ROOT, "stopped by the time budget (%.1f s spent, budget %.0f s)",
                            spent, budget.maxSeconds());
                    break;
                }
                MultilayerPerceptronClassifier mlp = new MultilayerPerceptronClassifier().setLayers(layers)
                        .setMaxIter(maxIter).setSeed(CaseSpec.SEED);
                long t0 = System.nanoTime();
                MultilayerPerceptronClassificationModel model = mlp.fit(train);
                double seconds = (System.nanoTime() - t0) / 1e9;
                spent += seconds;
                int iterations = Math.max(1, model.summary().totalIterations());
                double accuracy = evaluator.evaluate(model.transform(test));
                points.add(new EpochPoint(iterations, seconds, rows * iterations, accuracy));
                fits.add(maxIter);
            }
        } finally {
            train.unpersist(false);
            test.unpersist(false);
        }
        if (points.isEmpty()) {
            throw new IllegalStateException(caseName + ": the MLlib budget allows no fit (cap " + budget.maxEpochs()
                    + " iterations; the smallest fit has " + LADDER[0] + ")");
        }
        return new SystemRun(caseName, Systems.MLLIB, points, "MultilayerPerceptronClassifier layers "
                + Arrays.toString(layers) + ", L-BFGS with MLlib's defaults, " + CaseSpec.WORKERS
                + " partitions on local[" + CaseSpec.WORKERS + "]; after an untimed 1-iteration warm-up fit, independent fits"
                + " of maxIter " + fits + "; BLAS " + dev.ludovic.netlib.blas.BLAS.getInstance().getClass().getSimpleName()
                + String.format(Locale.ROOT, " (%.1f s in all); ", spent) + stop);
    }

    /** @return the blocks as a (label, features) frame, labels the class index */
    private static Dataset<Row> frame(SparkSession spark, JavaRDD<Block> blocks) {
        JavaRDD<Row> rows = blocks.flatMap(b -> {
            List<Row> out = new ArrayList<>(b.rows());
            int fw = b.featureWidth();
            int lw = b.labelWidth();
            float[] f = b.features();
            float[] l = b.labels();
            for (int r = 0; r < b.rows(); r++) {
                double[] x = new double[fw];
                for (int j = 0; j < fw; j++) {
                    x[j] = f[r * fw + j];
                }
                int label = 0;
                for (int c = 1; c < lw; c++) {
                    if (l[r * lw + c] > l[r * lw + label]) {
                        label = c;
                    }
                }
                out.add(RowFactory.create((double) label, Vectors.dense(x)));
            }
            return out.iterator();
        });
        StructType schema = new StructType(new StructField[] {
            DataTypes.createStructField("label", DataTypes.DoubleType, false),
            DataTypes.createStructField("features", SQLDataTypes.VectorType(), false)});
        return spark.createDataFrame(rows, schema);
    }
}
