package io.spindle.kernels.nn;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.api.layers.LayerConstraint;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BaseRecurrentLayer;
import org.deeplearning4j.nn.conf.layers.LayerValidation;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.nn.conf.memory.MemoryReport;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationPReLU;
import org.nd4j.linalg.activations.impl.ActivationRReLU;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.activations.impl.ActivationTanH;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Configuration of a gated recurrent unit (GRU) layer after Cho et al., "Learning Phrase
 * Representations using RNN Encoder-Decoder for Statistical Machine Translation" (EMNLP 2014,
 * arXiv:1406.1078), eq. 5-8, with the reset gate applied before the recurrent product:
 *
 * <pre>
 * r   = sigmoid(x W_r + h_{t-1} U_r + b_r)
 * z   = sigmoid(x W_z + h_{t-1} U_z + b_z)
 * h~  = act(x W_h + (r * h_{t-1}) U_h + b_h)
 * h_t = z * h_{t-1} + (1 - z) * h~          (h_0 = 0)
 * </pre>
 *
 * <p>The gates use the logistic sigmoid; the candidate activation {@code act} is the layer's
 * activation, tanh unless {@link Builder#activation} says otherwise (a network-wide
 * {@code .activation(...)} does not replace it); it must be element-wise and stateless, so
 * softmax, RReLU and PReLU are refused. Parameters and their layout are described in
 * {@link GruParamInitializer}; the computation is {@link GruLayer}.
 *
 * <p>Input and output use DL4J's NCW layout {@code [minibatch, size, time]}; NWC is refused.
 * Sequences must be fixed-length windows: mask arrays and truncated BPTT are not supported.
 * The class extends DL4J's {@link BaseRecurrentLayer}, so {@code LastTimeStep} and
 * {@code Bidirectional} accept it, and it survives the JSON round trip of a
 * {@code MultiLayerConfiguration}.
 */
public class Gru extends BaseRecurrentLayer {

    private static final long serialVersionUID = 1L;

    /** An unconfigured layer with a tanh candidate activation (for JSON deserialization). */
    public Gru() {
        this.activationFn = new ActivationTanH();
    }

    /**
     * @param builder the settings
     * @throws IllegalStateException if the builder asks for the NWC data format
     * @throws IllegalArgumentException if the candidate activation is not element-wise
     */
    protected Gru(Builder builder) {
        super(builder);
        requireNcw(rnnDataFormat, getLayerName());
        requireElementwise(activationFn, getLayerName());
        // DL4J's base constructors leave this to the concrete layer (DenseLayer, LSTM do it)
        initializeConstraints(builder);
    }

    /**
     * The backward pass needs a stateless element-wise candidate activation: softmax (across
     * units), RReLU (random slopes) and PReLU (own parameters) are refused.
     */
    static void requireElementwise(IActivation activation, String layerName) {
        if (activation instanceof ActivationSoftmax || activation instanceof ActivationRReLU
                || activation instanceof ActivationPReLU) {
            throw new IllegalArgumentException("Gru layer " + (layerName == null ? "" : "'" + layerName + "' ")
                    + "needs a stateless element-wise candidate activation, got " + activation);
        }
    }

    static void requireNcw(RNNFormat format, String layerName) {
        if (format == RNNFormat.NWC) {
            throw new IllegalStateException("Gru layer " + (layerName == null ? "" : "'" + layerName + "' ")
                    + "supports only the NCW data format [minibatch, size, time], got NWC");
        }
    }

    /**
     * Sets nIn from the input type like DL4J's recurrent layers do.
     *
     * @throws IllegalStateException if the input type is recurrent data in the NWC format
     */
    @Override
    public void setNIn(InputType inputType, boolean override) {
        super.setNIn(inputType, override);
        if (inputType instanceof InputType.InputTypeRecurrent r) {
            requireNcw(r.getFormat(), getLayerName());
        }
    }

    /**
     * DL4J's constraints (all / weight / bias params) plus {@code constrainInputWeights} on "W"
     * and {@code constrainRecurrent} on "RW".
     */
    @Override
    protected void initializeConstraints(org.deeplearning4j.nn.conf.layers.Layer.Builder<?> builder) {
        super.initializeConstraints(builder);
        if (builder instanceof BaseRecurrentLayer.Builder<?> b) {
            addConstraints(b.getInputWeightConstraints(), GruParamInitializer.WEIGHT_KEY);
            addConstraints(b.getRecurrentConstraints(), GruParamInitializer.RECURRENT_WEIGHT_KEY);
        }
    }

    private void addConstraints(List<LayerConstraint> given, String param) {
        if (given == null || given.isEmpty()) {
            return;
        }
        if (constraints == null) {
            constraints = new ArrayList<>();
        }
        for (LayerConstraint c : given) {
            LayerConstraint copy = c.clone();
            copy.setParams(Collections.singleton(param));
            constraints.add(copy);
        }
    }

    /**
     * Creates the {@link GruLayer} over its slice of the network's flat parameter array.
     *
     * @throws IllegalStateException if nIn / nOut are unset or the data format is NWC
     */
    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> trainingListeners,
            int layerIndex, INDArray layerParamsView, boolean initializeParams, DataType networkDataType) {
        LayerValidation.assertNInNOutSet("Gru", getLayerName(), layerIndex, getNIn(), getNOut());
        requireNcw(rnnDataFormat, getLayerName());
        requireElementwise(activationFn, getLayerName());
        GruLayer layer = new GruLayer(conf, networkDataType);
        layer.setListeners(trainingListeners);
        layer.setIndex(layerIndex);
        layer.setParamsViewArray(layerParamsView);
        Map<String, INDArray> params = initializer().init(conf, layerParamsView, initializeParams);
        layer.setParamTable(params);
        layer.setConf(conf);
        return layer;
    }

    /** @return the shared {@link GruParamInitializer} */
    @Override
    public ParamInitializer initializer() {
        return GruParamInitializer.getInstance();
    }

    /**
     * Parameters, updater state and the per-example working arrays of {@link GruLayer}: the
     * time-major input copy, the gate array, candidate, states and reset-scaled states for every
     * step (inference and training), plus the time-major epsilon, four per-step gradient factors
     * and the input gradient when training. Nothing is cached between calls.
     */
    @Override
    public LayerMemoryReport getMemoryReport(InputType inputType) {
        InputType outputType = getOutputType(-1, inputType);
        long numParams = initializer().numParams(this);
        long updaterState = getIUpdater() == null ? 0 : (long) getIUpdater().stateSize(numParams);
        long steps = 1;
        if (inputType instanceof InputType.InputTypeRecurrent r && r.getTimeSeriesLength() > 0) {
            steps = r.getTimeSeriesLength();
        }
        long n = getNOut();
        long inferencePerEx = steps * (getNIn() + 6 * n) + n;
        long trainPerEx = inferencePerEx + steps * (5 * n + getNIn());
        return new LayerMemoryReport.Builder(getLayerName(), Gru.class, inputType, outputType)
                .standardMemory(numParams, updaterState)
                .workingMemory(0, inferencePerEx, MemoryReport.CACHE_MODE_ALL_ZEROS,
                        MemoryReport.cacheModeMapFor(trainPerEx))
                .cacheMemory(MemoryReport.CACHE_MODE_ALL_ZEROS, MemoryReport.CACHE_MODE_ALL_ZEROS)
                .build();
    }

    @Override
    public boolean equals(Object o) {
        return o == this || (o instanceof Gru g && g.canEqual(this) && super.equals(o));
    }

    @Override
    protected boolean canEqual(Object other) {
        return other instanceof Gru;
    }

    @Override
    public int hashCode() {
        return 31 * super.hashCode() + Gru.class.getName().hashCode();
    }

    @Override
    public String toString() {
        return "Gru(" + super.toString() + ")";
    }

    /**
     * Builder: {@code nIn}, {@code nOut} (the state size n), {@code activation} (candidate,
     * default tanh), {@code weightInit} / {@code weightInitRecurrent}, {@code biasInit}
     * (default 0), dropout on the input, constraints, and the rest of DL4J's layer settings.
     */
    @SuppressWarnings("unchecked") // DL4J's Layer.Builder declares a generic <E extends Layer> E build()
    public static class Builder extends BaseRecurrentLayer.Builder<Builder> {

        /** A builder with the tanh candidate activation. */
        public Builder() {
            this.activationFn = new ActivationTanH();
        }

        /** @return the layer configuration */
        @Override
        public Gru build() {
            return new Gru(this);
        }
    }
}
