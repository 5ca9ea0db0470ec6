package io.spindle.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spindle.kernels.Batches;
import io.spindle.kernels.Block;
import java.util.List;
import java.util.Random;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** The cores' ceiling trains for real: every measurement counts samples over its own time. */
@Tag("fast")
class CoreCeilingTest {

    @Test
    void measuresOneThreadAloneAndTwoAtOnceAndKeepsTheMedians() {
        Random r = new Random(3);
        int rows = 256;
        float[] x = new float[rows * 20];
        float[] y = new float[rows * 3];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < 20; j++) {
                x[i * 20 + j] = (float) r.nextGaussian();
            }
            y[i * 3 + r.nextInt(3)] = 1;
        }
        var train = Batches.stack(List.of(new Block(x, y, rows)).iterator());
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(1).list()
                .layer(new DenseLayer.Builder().nIn(20).nOut(16).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(16).nOut(3)
                        .activation(Activation.SOFTMAX).build())
                .build();
        int before = Threads.current();

        CoreCeiling c = CoreCeiling.measure(conf, new BenchData(null, train, train), 32, 0.2);

        assertEquals(CoreCeiling.REPEATS, c.oneThreadRuns().length);
        assertEquals(CoreCeiling.REPEATS, c.twoAtOnceRuns().length);
        for (double v : c.oneThreadRuns()) {
            assertTrue(v > 0 && Double.isFinite(v), c.describe());
        }
        double[] one = c.oneThreadRuns().clone();
        java.util.Arrays.sort(one);
        assertEquals(one[1], c.oneThread(), 0, "the median of 3");
        double[] two = c.twoAtOnceRuns().clone();
        java.util.Arrays.sort(two);
        assertEquals(two[1], c.twoAtOnce(), 0);
        assertEquals(c.twoAtOnce() / c.oneThread(), c.scaling(), 1e-12);
        assertEquals(before, Threads.current(), "ND4J's thread setting is restored");
    }
}
