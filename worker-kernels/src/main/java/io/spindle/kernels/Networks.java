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
     * @return a network initialized from the configuration's seed
     */
    public static MultiLayerNetwork create(MultiLayerConfiguration conf) {
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        OneDnn.attach(net);
        return net;
    }

    /**
     * @param conf the configuration (used as is, not copied)
     * @param params the parameters as one row vector, used as the network's parameter view
     *     (not copied)
     * @return a network holding those parameters
     */
    public static MultiLayerNetwork create(MultiLayerConfiguration conf, INDArray params) {
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init(params, false);
        OneDnn.attach(net);
        return net;
    }
}
