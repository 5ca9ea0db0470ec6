package io.spindle.kernels.nn;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.weights.IWeightInit;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Parameters of a {@link Gru} layer with nIn inputs and state size n, as views into the layer's
 * slice of the network's flat parameter (or gradient) array, in this order:
 * <ul>
 * <li>{@value #WEIGHT_KEY}: input weights {@code [nIn, 3n]},</li>
 * <li>{@value #RECURRENT_WEIGHT_KEY}: recurrent weights {@code [n, 3n]},</li>
 * <li>{@value #BIAS_KEY}: biases {@code [1, 3n]}.</li>
 * </ul>
 * The 3n columns hold three gate blocks of n columns each, in the order reset r (columns
 * {@code [0, n)}), update z ({@code [n, 2n)}), candidate h~ ({@code [2n, 3n)}); so
 * {@code W[:, 0:n]} is W_r of Cho et al. (2014), eq. 5, and so on. The weight views are in
 * 'f' (column-major) order, so each gate block is one contiguous piece of the flat array.
 *
 * <p>Initialization: W from the layer's weight init with fan-in nIn and fan-out n, RW from the
 * recurrent weight init (the layer's weight init if none is set) with fan-in and fan-out n, both
 * per gate block, since each block is one nIn-by-n (n-by-n) map; the biases are set to the
 * layer's {@code biasInit} (0 unless configured). W and RW are weight parameters (l1/l2/weight
 * decay apply), b is a bias parameter.
 */
public final class GruParamInitializer implements ParamInitializer {

    /** Key of the input weights {@code [nIn, 3n]}. */
    public static final String WEIGHT_KEY = "W";
    /** Key of the recurrent weights {@code [n, 3n]}. */
    public static final String RECURRENT_WEIGHT_KEY = "RW";
    /** Key of the biases {@code [1, 3n]}. */
    public static final String BIAS_KEY = "b";

    private static final List<String> PARAM_KEYS = List.of(WEIGHT_KEY, RECURRENT_WEIGHT_KEY, BIAS_KEY);
    private static final List<String> WEIGHT_KEYS = List.of(WEIGHT_KEY, RECURRENT_WEIGHT_KEY);
    private static final List<String> BIAS_KEYS = List.of(BIAS_KEY);

    private static final GruParamInitializer INSTANCE = new GruParamInitializer();

    private GruParamInitializer() {
    }

    /** @return the (stateless) shared instance */
    public static GruParamInitializer getInstance() {
        return INSTANCE;
    }

    private static Gru gru(Layer layer) {
        if (!(layer instanceof Gru g)) {
            throw new IllegalArgumentException("GruParamInitializer needs a Gru layer configuration, got "
                    + (layer == null ? "null" : layer.getClass().getName()));
        }
        return g;
    }

    /** @return the parameter count of the configuration's (Gru) layer */
    @Override
    public long numParams(NeuralNetConfiguration conf) {
        return numParams(conf.getLayer());
    }

    /** @return {@code 3n (nIn + n + 1)} */
    @Override
    public long numParams(Layer layer) {
        Gru g = gru(layer);
        long n = g.getNOut();
        return 3 * n * (g.getNIn() + n + 1);
    }

    /** @return W, RW, b */
    @Override
    public List<String> paramKeys(Layer layer) {
        return PARAM_KEYS;
    }

    /** @return W, RW */
    @Override
    public List<String> weightKeys(Layer layer) {
        return WEIGHT_KEYS;
    }

    /** @return b */
    @Override
    public List<String> biasKeys(Layer layer) {
        return BIAS_KEYS;
    }

    /** @return whether {@code key} is W or RW */
    @Override
    public boolean isWeightParam(Layer layer, String key) {
        return WEIGHT_KEY.equals(key) || RECURRENT_WEIGHT_KEY.equals(key);
    }

    /** @return whether {@code key} is b */
    @Override
    public boolean isBiasParam(Layer layer, String key) {
        return BIAS_KEY.equals(key);
    }

    /**
     * Splits the parameter slice into the W, RW and b views and, if asked, initializes them.
     *
     * @param conf the configuration holding the {@link Gru} layer
     * @param paramsView the layer's slice of the flat parameter array, length {@link #numParams}
     * @param initializeParams whether to fill the views (false when parameters are loaded)
     * @return the views keyed W, RW, b
     */
    @Override
    public Map<String, INDArray> init(NeuralNetConfiguration conf, INDArray paramsView, boolean initializeParams) {
        Gru g = gru(conf.getLayer());
        Map<String, INDArray> views = views(g, paramsView);
        if (initializeParams) {
            long nIn = g.getNIn();
            long n = g.getNOut();
            IWeightInit input = g.getWeightInitFn();
            IWeightInit recurrent = g.getWeightInitFnRecurrent() != null ? g.getWeightInitFnRecurrent() : input;
            if (input == null) {
                throw new IllegalStateException("Gru layer has no weight initialization set");
            }
            fill(input, nIn, n, views.get(WEIGHT_KEY));
            fill(recurrent, n, n, views.get(RECURRENT_WEIGHT_KEY));
            views.get(BIAS_KEY).assign(g.getBiasInit());
        }
        return views;
    }

    private static void fill(IWeightInit init, long fanIn, long fanOut, INDArray view) {
        INDArray filled = init.init(fanIn, fanOut, view.shape(), IWeightInit.DEFAULT_WEIGHT_INIT_ORDER, view);
        if (filled != view) {
            // most initializers fill the view and return a reshape of it; copy in case one does not
            view.assign(filled.reshape(IWeightInit.DEFAULT_WEIGHT_INIT_ORDER, view.shape()));
        }
    }

    /**
     * @param conf the configuration holding the {@link Gru} layer
     * @param gradientView the layer's slice of the flat gradient array
     * @return views of the gradients with the same keys, shapes and layout as the parameters
     */
    @Override
    public Map<String, INDArray> getGradientsFromFlattened(NeuralNetConfiguration conf, INDArray gradientView) {
        return views(gru(conf.getLayer()), gradientView);
    }

    private Map<String, INDArray> views(Gru g, INDArray flat) {
        long nIn = g.getNIn();
        long n = g.getNOut();
        long total = numParams(g);
        if (flat.length() != total) {
            throw new IllegalStateException("Gru parameter view has length " + flat.length() + ", expected "
                    + total + " (nIn=" + nIn + ", nOut=" + n + ")");
        }
        INDArray vector = flat.reshape(flat.length());
        long w = nIn * 3 * n;
        long rw = n * 3 * n;
        Map<String, INDArray> out = new LinkedHashMap<>();
        out.put(WEIGHT_KEY, vector.get(NDArrayIndex.interval(0, w)).reshape('f', nIn, 3 * n));
        out.put(RECURRENT_WEIGHT_KEY, vector.get(NDArrayIndex.interval(w, w + rw)).reshape('f', n, 3 * n));
        out.put(BIAS_KEY, vector.get(NDArrayIndex.interval(w + rw, total)).reshape('f', 1, 3 * n));
        return out;
    }
}
