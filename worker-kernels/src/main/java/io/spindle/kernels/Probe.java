package io.spindle.kernels;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Looks inside a trained network on one minibatch of rows: per layer, the share of units that
 * never activate (ReLU layers) and the L2 norm of the loss's gradient with respect to its weights.
 * Runs on an executor, on the first rows of one partition; a fresh network (not the trial's cached
 * ones) so nothing the trainer keeps is touched.
 */
public final class Probe {

    private Probe() {
    }

    /**
     * What the probe saw in one layer.
     *
     * @param index 0-based layer of the network
     * @param relu whether its activation is ReLU
     * @param units its units (channels for convolutions)
     * @param dead share of its units never above zero on the probe rows (NaN when not ReLU)
     * @param gradientNorm L2 norm of the gradient of its weights (NaN when it has none)
     */
    public record LayerProbe(int index, boolean relu, long units, double dead, double gradientNorm) implements Serializable {
        private static final long serialVersionUID = 1L;
    }

    /**
     * @param partition the partition index (only partition 0 probes)
     * @param rows its rows
     * @param task the network, input shape and data key (a validation evaluation's task)
     * @param params the parameters to probe
     * @param maxRows most rows to probe on
     * @return one entry per layer; empty for other partitions or no rows
     */
    public static List<LayerProbe> run(int partition, Iterator<Block> rows, EvalTask task, float[] params, int maxRows) {
        if (partition != 0) {
            return List.of();
        }
        ExecutorCache.PartitionData data = ExecutorCache.data(task.dataKey(), partition, () -> Batches.stack(rows));
        long n = Math.min(maxRows, data.rows());
        if (n == 0) {
            return List.of();
        }
        MultiLayerNetwork net = Networks.create(MultiLayerConfiguration.fromJson(task.configJson()));
        net.setParams(Nd4j.createFromArray(params).reshape(1, params.length));
        INDArray f = task.shape().features(data.features().get(NDArrayIndex.interval(0, n), NDArrayIndex.all()));
        INDArray l = task.shape().labels(data.labels().get(NDArrayIndex.interval(0, n), NDArrayIndex.all()));
        List<INDArray> acts = net.feedForward(f, false);
        net.setInput(f);
        net.setLabels(l);
        net.computeGradientAndScore();
        Gradient g = net.gradient();
        Map<String, INDArray> grads = g.gradientForVariable();
        List<LayerProbe> out = new ArrayList<>();
        Layer[] layers = net.getLayers();
        for (int i = 0; i < layers.length; i++) {
            boolean relu = layers[i].conf().getLayer() instanceof BaseLayer b && b.getActivationFn() instanceof ActivationReLU;
            INDArray a = acts.get(i + 1);
            long units = a.rank() >= 2 ? a.size(1) : a.length();
            double dead = Double.NaN;
            if (relu && a.rank() >= 2) {
                int[] others = new int[a.rank() - 1];
                others[0] = 0;
                for (int d = 2; d < a.rank(); d++) {
                    others[d - 1] = d;
                }
                INDArray max = a.max(others);
                dead = max.lte(0).castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE).meanNumber().doubleValue();
            }
            INDArray w = grads.get(i + "_W");
            double norm = w == null ? Double.NaN : w.norm2Number().doubleValue();
            out.add(new LayerProbe(i, relu, units, dead, norm));
        }
        return out;
    }
}
