package io.spindle.bench;

import io.spindle.kernels.ExecutorCache;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Test accuracy of a DL4J network, computed by ND4J in the driver. */
final class Accuracy {

    private Accuracy() {
    }

    /**
     * @param net the network
     * @param test test rows with one-hot labels
     * @return the fraction of rows whose highest output is the labelled class
     */
    static double of(MultiLayerNetwork net, ExecutorCache.PartitionData test) {
        INDArray predicted = net.output(test.features(), false).argMax(1);
        INDArray truth = test.labels().argMax(1);
        return predicted.eq(truth).castTo(DataType.INT).sumNumber().doubleValue() / test.rows();
    }
}
