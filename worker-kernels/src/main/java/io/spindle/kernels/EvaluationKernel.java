package io.spindle.kernels;

import io.spindle.kernels.eval.MetricsAccumulator;
import io.spindle.kernels.eval.TaskKind;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** The executor's evaluation step: mergeable metrics of a partition under given parameters. */
public final class EvaluationKernel {

    private EvaluationKernel() {
    }

    /**
     * @param partition the partition index
     * @param rows the partition's rows (read only the first time this executor sees the partition)
     * @param task what to evaluate
     * @param params the parameters to evaluate
     * @return the partition's metrics, including the summed loss (without regularization terms)
     */
    public static MetricsAccumulator evaluate(int partition, Iterator<Block> rows, EvalTask task, float[] params) {
        return evaluate(partition, ExecutorCache.data(task.dataKey(), partition, () -> Batches.stack(rows)), task, params);
    }

    /**
     * Evaluates a whole split from the rows this executor caches of it, partition by partition,
     * merging in partition order (as the driver merges the partitions of an evaluation job, so
     * the metrics are the same).
     *
     * @param task what to evaluate
     * @param partitions the split's partitions
     * @param params the parameters to evaluate
     * @return the split's metrics; empty when a partition's rows are not cached here
     */
    public static Optional<MetricsAccumulator> evaluateCached(EvalTask task, int partitions, float[] params) {
        List<ExecutorCache.PartitionData> parts = new ArrayList<>(partitions);
        for (int i = 0; i < partitions; i++) {
            Optional<ExecutorCache.PartitionData> d = ExecutorCache.cachedData(task.dataKey(), i);
            if (d.isEmpty()) {
                return Optional.empty();
            }
            parts.add(d.get());
        }
        MetricsAccumulator merged = null;
        for (int i = 0; i < partitions; i++) {
            MetricsAccumulator acc = evaluate(i, parts.get(i), task, params);
            merged = merged == null ? acc : merged.merge(acc);
        }
        return Optional.ofNullable(merged);
    }

    private static MetricsAccumulator evaluate(int partition, ExecutorCache.PartitionData data, EvalTask task,
                                               float[] params) {
        MetricsAccumulator acc = MetricsAccumulator.create(task.kind(), task.outputs());
        if (data.rows() == 0) {
            return acc;
        }
        MultiLayerNetwork net = ExecutorCache.network(task.trialId(), "eval#" + partition, task.configJson());
        synchronized (net) {
            net.setParams(Nd4j.createFromArray(params).reshape(1, params.length));
            long n = data.rows();
            for (long start = 0; start < n; start += task.batchSize()) {
                long end = Math.min(n, start + task.batchSize());
                INDArray f = task.shape().features(data.features().get(NDArrayIndex.interval(start, end), NDArrayIndex.all()));
                INDArray stored = data.labels().get(NDArrayIndex.interval(start, end), NDArrayIndex.all());
                INDArray l = task.shape().labels(stored);
                INDArray out = net.output(f, false);
                double loss = net.scoreExamples(new DataSet(f, l), false).sumNumber().doubleValue();
                acc.addLoss(loss, end - start);
                INDArray pred = out;
                INDArray truth = stored;
                if (task.kind() == TaskKind.BINARY && out.size(1) == 2) {
                    pred = out.getColumn(1, true);
                }
                if (task.kind() == TaskKind.REGRESSION && task.labelScale().length > 0) {
                    INDArray scale = Nd4j.createFromArray(task.labelScale()).reshape(1, task.labelScale().length);
                    INDArray shift = Nd4j.createFromArray(task.labelShift()).reshape(1, task.labelShift().length);
                    pred = pred.mulRowVector(scale).addiRowVector(shift);
                    truth = truth.mulRowVector(scale).addiRowVector(shift);
                }
                if (task.kind() == TaskKind.REGRESSION && data.offsets() != null) {
                    // a forecast window's level, back in the data's units
                    INDArray off = data.offsets().get(NDArrayIndex.interval(start, end), NDArrayIndex.all());
                    pred = pred.add(off);
                    truth = truth.add(off);
                }
                acc.add(truth, pred);
            }
        }
        return acc;
    }

    /**
     * Every output's actual and predicted values of a partition's first rows (regression), in the
     * data's own units.
     *
     * @param partition the partition index
     * @param rows the partition's rows
     * @param task what to evaluate (a regression task)
     * @param params the parameters to evaluate
     * @param max most rows to return
     * @return per row {actual, predicted} of each output in turn: {@code [a0, p0, a1, p1, ...]}
     */
    public static java.util.List<double[]> predictions(int partition, Iterator<Block> rows, EvalTask task, float[] params,
                                                       int max) {
        ExecutorCache.PartitionData data = ExecutorCache.data(task.dataKey(), partition, () -> Batches.stack(rows));
        java.util.List<double[]> out = new java.util.ArrayList<>();
        long n = Math.min(data.rows(), max);
        if (n == 0) {
            return out;
        }
        MultiLayerNetwork net = ExecutorCache.network(task.trialId(), "eval#" + partition, task.configJson());
        synchronized (net) {
            net.setParams(Nd4j.createFromArray(params).reshape(1, params.length));
            INDArray f = task.shape().features(data.features().get(NDArrayIndex.interval(0, n), NDArrayIndex.all()));
            INDArray pred = net.output(f, false).castTo(DataType.DOUBLE);
            INDArray truth = data.labels().get(NDArrayIndex.interval(0, n), NDArrayIndex.all()).castTo(DataType.DOUBLE);
            if (task.labelScale().length > 0) {
                INDArray scale = Nd4j.createFromArray(task.labelScale()).castTo(DataType.DOUBLE);
                INDArray shift = Nd4j.createFromArray(task.labelShift()).castTo(DataType.DOUBLE);
                pred = pred.mulRowVector(scale).addiRowVector(shift);
                truth = truth.mulRowVector(scale).addiRowVector(shift);
            }
            if (data.offsets() != null) {
                INDArray off = data.offsets().get(NDArrayIndex.interval(0, n), NDArrayIndex.all()).castTo(DataType.DOUBLE);
                pred = pred.add(off);
                truth = truth.add(off);
            }
            // interleave columns: [a0, p0, a1, p1, ...] per row
            out.addAll(java.util.Arrays.asList(Nd4j.stack(2, truth, pred).reshape('c', n, 2 * truth.columns())
                    .toDoubleMatrix()));
        }
        return out;
    }
}
