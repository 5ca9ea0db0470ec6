package io.spindle.kernels;

import io.spindle.kernels.nn.OneDnn;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The one place Spindle builds a network from its configuration: initialized, with oneDNN's
 * layer helpers set where they apply ({@link OneDnn#attach}), so training, evaluation,
 * probing and prediction all take the same layer path.
 */
public final class Networks {

    private Networks() {
    }

    /**
     * @param conf the configuration (used as is, not copied)
     * @return a network that trains, initialized from the configuration's seed
     */
    public static MultiLayerNetwork create(MultiLayerConfiguration conf) {
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        OneDnn.attach(net, true);
        return net;
    }

    /**
     * @param conf the configuration (used as is, not copied)
     * @return a network that only evaluates or predicts (whose parameters the caller sets)
     */
    public static MultiLayerNetwork forInference(MultiLayerConfiguration conf) {
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        OneDnn.attach(net, false);
        return net;
    }

    /**
     * @param conf the configuration (used as is, not copied)
     * @param params the parameters as one row vector, used as the network's parameter view
     *     (not copied)
     * @return a network holding those parameters, to evaluate or predict with
     */
    public static MultiLayerNetwork forInference(MultiLayerConfiguration conf, INDArray params) {
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init(params, false);
        OneDnn.attach(net, false);
        return net;
    }
}
