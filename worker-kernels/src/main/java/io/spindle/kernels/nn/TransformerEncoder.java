package io.spindle.kernels.nn;

import java.util.Arrays;
import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.samediff.SDLayerParams;
import org.deeplearning4j.nn.conf.layers.samediff.SameDiffLayer;
import org.deeplearning4j.nn.weights.IWeightInit;
import org.deeplearning4j.nn.weights.WeightInitXavier;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A stack of transformer encoder blocks after Vaswani et al., "Attention Is All You Need"
 * (NeurIPS 2017, arXiv:1706.03762), section 3.1 and 3.5, in the paper's post-norm arrangement, as
 * one DL4J layer for {@code MultiLayerConfiguration}s.
 *
 * <p>Input is DL4J's recurrent layout NCW {@code [batch, nIn, T]}, output
 * {@code [batch, modelSize, T]}. The layer computes
 * <ol>
 *   <li>an input projection {@code h = x W_in + b_in} ({@code nIn -> modelSize}) at every time step;
 *   <li>{@code h += PE}: the paper's fixed sinusoidal table ({@link PositionalEncoding#SINUSOIDAL},
 *       a constant, see {@link #sinusoidalTable}) or a learned {@code [modelSize, T]} parameter
 *       ({@link PositionalEncoding#LEARNED}, which needs T known from the input type). The paper's
 *       {@code sqrt(modelSize)} scaling of token embeddings is not applied: the input projection is
 *       learned and absorbs any scale;
 *   <li>{@code blocks} times: {@code h = LayerNorm(h + Dropout(MultiHead(h, h, h)))} then
 *       {@code h = LayerNorm(h + Dropout(W_2 act(h W_1 + b_1) + b_2))}, with {@code heads} heads of
 *       size {@code modelSize / heads}, scaled dot-product attention
 *       {@code softmax(Q K^T / sqrt(modelSize/heads)) V} per head (section 3.2), projections
 *       {@code W_q, W_k, W_v, W_o} without biases as in the paper's equations, ND4J's layer norm
 *       over the {@code modelSize} features of each step, and {@code act} ReLU (the paper) or GELU
 *       (tanh form, Hendrycks and Gimpel 2016, arXiv:1606.08415);
 *   <li>outputs at time steps whose mask is 0 are set to 0.
 * </ol>
 *
 * <p><b>Parameters</b> ({@link #parameterCount()}), with {@code C = modelSize}, {@code F = ffSize}:
 * {@code nIn*C + C} (input projection) {@code + C*T} (learned positional encoding only)
 * {@code + blocks * (4*C*C + 2*C*F + F + 5*C)}: per block {@code W_q, W_k, W_v, W_o} ({@code [C, C]}
 * each; head {@code j} uses columns {@code j*C/heads} to {@code (j+1)*C/heads - 1} of W_q, W_k, W_v),
 * two layer norms (gain and shift, {@code C} each), {@code W_1 [C, F], b_1 [F], W_2 [F, C], b_2 [C]}.
 *
 * <p><b>Dropout</b> ({@code dropoutRate}, the paper's P_drop): the output of every attention
 * sub-layer and every feed-forward sub-layer is dropped (inverted dropout, kept values scaled by
 * {@code 1/(1-p)}) before it is added to the residual, only while training. DL4J's stock SameDiff
 * layer never tells the graph whether it trains, so {@link TransformerEncoderLayer} draws the masks
 * itself on every training forward pass, feeds them to the graph as placeholders, reuses them in the
 * backward pass (so gradients belong to the forward pass that was scored) and feeds ones at
 * inference. DL4J's own {@code dropOut(...)} setting (retain probability, an {@code IDropout}) is
 * honoured too: as for DL4J's built-in layers it drops this layer's input while training.
 *
 * <p><b>Masks</b>: DL4J's per-time-step feature mask {@code [batch, T]} (1 = real step) is the key
 * mask of every attention sub-layer, so no position attends to a padded step; the output at padded
 * steps is zeroed, and the mask passes on unchanged to the next layer (e.g. {@code GlobalPoolingLayer}
 * then ignores padded steps).
 *
 * <p>DL4J 1.0.0-M2.1 quirks handled by {@link TransformerEncoderLayer}: the stock SameDiff layer
 * doubles every gradient it returns, ignores training mode and fixes T at its first call; this
 * layer runs its own graph instead (a new T rebuilds it; the learned encoding refuses other T).
 * DL4J's {@code LastTimeStep} wrapper only accepts its own recurrent layer types and rejects this
 * layer; use {@code GlobalPoolingLayer}.
 */
public class TransformerEncoder extends SameDiffLayer {

    private static final long serialVersionUID = 1L;

    /** How the position of a time step enters the model. */
    public enum PositionalEncoding {
        /** The paper's fixed sin/cos table; works for any sequence length. */
        SINUSOIDAL,
        /** A trained {@code [modelSize, T]} table; needs a known, fixed T. */
        LEARNED;

        /**
         * @param name {@code sinusoidal} or {@code learned}, any case
         * @return the matching value
         */
        public static PositionalEncoding parse(String name) {
            for (PositionalEncoding p : values()) {
                if (p.name().equalsIgnoreCase(name.trim())) {
                    return p;
                }
            }
            throw new IllegalArgumentException("positional encoding must be sinusoidal or learned, got " + name);
        }
    }

    /** The activation between the two position-wise feed-forward layers. */
    public enum FeedForwardActivation {
        /** max(0, x), as in the paper. */
        RELU,
        /** 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))), Hendrycks and Gimpel 2016. */
        GELU;

        /**
         * @param name {@code relu} or {@code gelu}, any case
         * @return the matching value
         */
        public static FeedForwardActivation parse(String name) {
            for (FeedForwardActivation a : values()) {
                if (a.name().equalsIgnoreCase(name.trim())) {
                    return a;
                }
            }
            throw new IllegalArgumentException("feed-forward activation must be relu or gelu, got " + name);
        }
    }

    static final String W_IN = "Win";
    static final String B_IN = "bin";
    static final String POS = "pos";

    private long nIn;
    private long timeSteps = -1;
    private int modelSize;
    private int heads;
    private int ffSize;
    private int blocks;
    private double dropoutRate;
    private PositionalEncoding positionalEncoding = PositionalEncoding.SINUSOIDAL;
    private FeedForwardActivation ffActivation = FeedForwardActivation.RELU;
    private boolean lastStep;

    /** For JSON deserialization only. */
    public TransformerEncoder() {
    }

    private TransformerEncoder(Builder b) {
        super(b);
        validate(b.modelSize, b.heads, b.ffSize, b.blocks, b.dropoutRate);
        this.nIn = b.nIn;
        this.timeSteps = b.timeSteps;
        this.modelSize = b.modelSize;
        this.heads = b.heads;
        this.ffSize = b.ffSize;
        this.blocks = b.blocks;
        this.dropoutRate = b.dropoutRate;
        this.positionalEncoding = Objects.requireNonNull(b.positionalEncoding, "positionalEncoding");
        this.ffActivation = Objects.requireNonNull(b.ffActivation, "ffActivation");
        this.lastStep = b.lastStep;
    }

    /**
     * Checks the sizes of an encoder.
     *
     * @param modelSize width of every time step inside the encoder (d_model)
     * @param heads number of attention heads, dividing modelSize
     * @param ffSize inner width of the feed-forward sub-layers (d_ff)
     * @param blocks number of encoder blocks (N)
     * @param dropoutRate drop probability, in [0, 1)
     * @throws IllegalArgumentException naming the first value out of range
     */
    public static void validate(int modelSize, int heads, int ffSize, int blocks, double dropoutRate) {
        if (heads < 1) {
            throw new IllegalArgumentException("heads must be >= 1, got " + heads);
        }
        if (modelSize < 1) {
            throw new IllegalArgumentException("model_size must be >= 1, got " + modelSize);
        }
        if (modelSize % heads != 0) {
            throw new IllegalArgumentException("model_size " + modelSize + " is not divisible by heads " + heads);
        }
        if (ffSize < 1) {
            throw new IllegalArgumentException("ff_size must be >= 1, got " + ffSize);
        }
        if (blocks < 1) {
            throw new IllegalArgumentException("blocks must be >= 1, got " + blocks);
        }
        if (!(dropoutRate >= 0 && dropoutRate < 1)) {
            throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropoutRate);
        }
    }

    /**
     * The paper's sinusoidal positional encoding (section 3.5): row {@code 2i} is
     * {@code sin(pos / 10000^(2i/modelSize))}, row {@code 2i+1} is {@code cos} of the same angle.
     *
     * @param modelSize number of rows (d_model)
     * @param timeSteps number of positions, 0 to T-1
     * @param dataType type of the returned array
     * @return a {@code [modelSize, timeSteps]} array
     */
    public static INDArray sinusoidalTable(int modelSize, long timeSteps, DataType dataType) {
        double[][] table = new double[modelSize][(int) timeSteps];
        for (int row = 0; row < modelSize; row++) {
            int pair = row / 2;
            double rate = Math.pow(10000.0, -2.0 * pair / modelSize);
            for (int pos = 0; pos < timeSteps; pos++) {
                double angle = pos * rate;
                table[row][pos] = row % 2 == 0 ? Math.sin(angle) : Math.cos(angle);
            }
        }
        return Nd4j.createFromArray(table).castTo(dataType);
    }

    /**
     * Parameter count, from the formula in the class comment.
     *
     * @return the number of trainable values of this layer
     * @throws IllegalStateException if nIn is not known yet
     * @throws IllegalArgumentException if the encoding is learned and T is not known
     */
    public long parameterCount() {
        if (nIn <= 0) {
            throw new IllegalStateException("nIn is not known yet");
        }
        long c = modelSize;
        long perBlock = 4 * c * c + 2 * c * ffSize + ffSize + 5 * c;
        return nIn * c + c + (positionalEncoding == PositionalEncoding.LEARNED ? c * requireTimeSteps() : 0)
                + blocks * perBlock;
    }

    /**
     * @param block block index, 0 to blocks-1
     * @param name parameter name inside a block (Wq, Wk, Wv, Wo, W1, b1, W2, b2, ln1g, ln1b, ln2g, ln2b)
     * @return the key of that parameter in this layer's parameter table
     */
    public static String blockParam(int block, String name) {
        return "e" + block + name;
    }

    /**
     * @param index dropout site, {@code 2*block} (attention) or {@code 2*block+1} (feed-forward)
     * @return the name of the graph placeholder that takes that site's dropout mask
     */
    static String dropoutMaskName(int index) {
        return "dropmask" + index;
    }

    /** @return the number of dropout sites (two per block), 0 when dropout is off */
    int dropoutSites() {
        return dropoutRate > 0 ? 2 * blocks : 0;
    }

    private long requireTimeSteps() {
        if (timeSteps <= 0) {
            throw new IllegalArgumentException("learned positional encoding needs a known sequence length: give the "
                    + "network InputType.recurrent(nIn, T) with T > 0 (or Builder.timeSteps), or use sinusoidal");
        }
        return timeSteps;
    }

    @Override
    public void setNIn(InputType inputType, boolean override) {
        InputType.InputTypeRecurrent r = recurrent(inputType, -1);
        if (override || nIn <= 0) {
            nIn = r.getSize();
        }
        if (override || timeSteps <= 0) {
            timeSteps = r.getTimeSeriesLength();
        }
        if (positionalEncoding == PositionalEncoding.LEARNED) {
            requireTimeSteps();
        }
        setLayerParams(null); // redefine the parameter shapes with the new sizes
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType inputType) {
        InputType.InputTypeRecurrent r = recurrent(inputType, layerIndex);
        return lastStep ? InputType.feedForward(modelSize)
                : InputType.recurrent(modelSize, r.getTimeSeriesLength(), RNNFormat.NCW);
    }

    private InputType.InputTypeRecurrent recurrent(InputType inputType, int layerIndex) {
        if (!(inputType instanceof InputType.InputTypeRecurrent r)) {
            throw new IllegalStateException("TransformerEncoder (layer " + (layerIndex >= 0 ? layerIndex : getLayerName())
                    + ") needs recurrent input [batch, features, time], got " + inputType);
        }
        if (r.getFormat() != RNNFormat.NCW) {
            throw new IllegalArgumentException("TransformerEncoder takes NCW input [batch, features, time], got " + r);
        }
        return r;
    }

    @Override
    public void validateInput(INDArray input) {
        if (input.rank() != 3 || input.size(1) != nIn) {
            throw new IllegalArgumentException("TransformerEncoder expects input [batch, " + nIn + ", T], got "
                    + Arrays.toString(input.shape()));
        }
        if (positionalEncoding == PositionalEncoding.LEARNED && input.size(2) != timeSteps) {
            throw new IllegalArgumentException("TransformerEncoder with learned positional encoding was built for T = "
                    + timeSteps + ", got input with T = " + input.size(2));
        }
    }

    @Override
    public void defineParameters(SDLayerParams params) {
        params.clear();
        long c = modelSize;
        params.addWeightParam(W_IN, nIn, c);
        params.addBiasParam(B_IN, 1, c);
        if (positionalEncoding == PositionalEncoding.LEARNED) {
            params.addWeightParam(POS, c, requireTimeSteps());
        }
        for (int i = 0; i < blocks; i++) {
            params.addWeightParam(blockParam(i, "Wq"), c, c);
            params.addWeightParam(blockParam(i, "Wk"), c, c);
            params.addWeightParam(blockParam(i, "Wv"), c, c);
            params.addWeightParam(blockParam(i, "Wo"), c, c);
            params.addBiasParam(blockParam(i, "ln1g"), c);
            params.addBiasParam(blockParam(i, "ln1b"), c);
            params.addWeightParam(blockParam(i, "W1"), c, ffSize);
            params.addBiasParam(blockParam(i, "b1"), 1, ffSize);
            params.addWeightParam(blockParam(i, "W2"), ffSize, c);
            params.addBiasParam(blockParam(i, "b2"), 1, c);
            params.addBiasParam(blockParam(i, "ln2g"), c);
            params.addBiasParam(blockParam(i, "ln2b"), c);
        }
    }

    /**
     * Weights with the layer's weight init (per parameter if given, else the layer's, else Xavier;
     * fan-in and fan-out of the projection each weight performs), biases and layer-norm shifts 0,
     * layer-norm gains 1, the learned positional table N(0, 0.02^2).
     */
    @Override
    public void initializeParameters(Map<String, INDArray> params) {
        IWeightInit layerInit = weightInit != null ? weightInit.getWeightInitFunction() : new WeightInitXavier();
        long c = modelSize;
        for (Map.Entry<String, INDArray> e : params.entrySet()) {
            String key = e.getKey();
            INDArray view = e.getValue();
            IWeightInit init = paramWeightInit != null && paramWeightInit.containsKey(key)
                    ? paramWeightInit.get(key) : layerInit;
            if (key.equals(W_IN)) {
                init.init(nIn, c, view.shape(), 'c', view);
            } else if (key.equals(POS)) {
                view.assign(Nd4j.randn(view.dataType(), view.shape()).muli(0.02));
            } else if (key.endsWith("Wq") || key.endsWith("Wk") || key.endsWith("Wv") || key.endsWith("Wo")) {
                init.init(c, c, view.shape(), 'c', view);
            } else if (key.endsWith("W1")) {
                init.init(c, ffSize, view.shape(), 'c', view);
            } else if (key.endsWith("W2")) {
                init.init(ffSize, c, view.shape(), 'c', view);
            } else if (key.endsWith("ln1g") || key.endsWith("ln2g")) {
                view.assign(1.0);
            } else {
                view.assign(0.0);
            }
        }
    }

    @Override
    public SDVariable defineLayer(SameDiff sd, SDVariable layerInput, Map<String, SDVariable> p, SDVariable mask) {
        long c = modelSize;
        long t = layerInput.getShape()[2];
        DataType dt = layerInput.dataType();
        // position-wise work runs on [batch*T, C] rows (row b*T + t), attention on [batch, heads, T, C/heads]
        SDVariable rows = layerInput.permute(0, 2, 1).reshape(-1, nIn);
        SDVariable h = rows.mmul(p.get(W_IN)).add(p.get(B_IN));
        SDVariable pos = positionalEncoding == PositionalEncoding.LEARNED
                ? p.get(POS).permute(1, 0)
                : sd.constant("sinusoid", sinusoidalTable(modelSize, t, dt).transpose().dup('c'));
        h = h.reshape(-1, t, c).add(pos).reshape(-1, c);
        // additive key mask: 0 for real steps, -1e9 for padded ones, [batch, 1, 1, T]
        SDVariable keyBias = mask.rsub(1.0).mul(-1e9).reshape(-1, 1, 1, t);
        for (int i = 0; i < blocks; i++) {
            SDVariable attRows = selfAttention(sd, h, p, i, keyBias, t);
            attRows = dropout(sd, attRows, 2 * i, dt);
            h = sd.nn.layerNorm(h.add(attRows), p.get(blockParam(i, "ln1g")), p.get(blockParam(i, "ln1b")), true, 1);
            SDVariable inner = h.mmul(p.get(blockParam(i, "W1"))).add(p.get(blockParam(i, "b1")));
            inner = ffActivation == FeedForwardActivation.RELU ? sd.nn.relu(inner, 0.0) : gelu(inner);
            SDVariable ff = inner.mmul(p.get(blockParam(i, "W2"))).add(p.get(blockParam(i, "b2")));
            ff = dropout(sd, ff, 2 * i + 1, dt);
            h = sd.nn.layerNorm(h.add(ff), p.get(blockParam(i, "ln2g")), p.get(blockParam(i, "ln2b")), true, 1);
        }
        if (lastStep) {
            // the last position, which attended to every step: [batch, C] (a one-hot weighted sum over
            // the steps; ND4J 1.0.0-M2.1's strided_slice_bp refuses this slice's gradient)
            INDArray pick = Nd4j.zeros(dt, 1, t, 1);
            pick.putScalar(new long[] {0, t - 1, 0}, 1.0);
            return h.reshape(-1, t, c).mul(sd.constant("last_step", pick)).sum(1);
        }
        SDVariable out = h.reshape(-1, t, c).permute(0, 2, 1);
        return out.mul(sd.expandDims(mask, 1));
    }

    /**
     * Multi-head scaled dot-product self-attention on {@code [batch*T, C]} rows (paper section
     * 3.2): per head {@code softmax(Q K^T / sqrt(d) + keyBias) V}, heads concatenated, times W_o.
     */
    private SDVariable selfAttention(SameDiff sd, SDVariable rows, Map<String, SDVariable> p, int block,
            SDVariable keyBias, long t) {
        long c = modelSize;
        long d = c / heads;
        SDVariable q = heads(rows.mmul(p.get(blockParam(block, "Wq"))), t, d);
        SDVariable k = heads(rows.mmul(p.get(blockParam(block, "Wk"))), t, d);
        SDVariable v = heads(rows.mmul(p.get(blockParam(block, "Wv"))), t, d);
        SDVariable scores = sd.mmul(q, k, false, true, false).mul(1.0 / Math.sqrt(d)).add(keyBias);
        SDVariable weights = sd.nn.softmax(scores, 3);
        SDVariable context = sd.mmul(weights, v).permute(0, 2, 1, 3).reshape(-1, c);
        return context.mmul(p.get(blockParam(block, "Wo")));
    }

    /** {@code [batch*T, C]} to {@code [batch, heads, T, C/heads]}. */
    private SDVariable heads(SDVariable rows, long t, long d) {
        return rows.reshape(-1, t, heads, d).permute(0, 2, 1, 3);
    }

    /**
     * Multiplies by the mask placeholder of one dropout site: {@code [batch*T, modelSize]} while
     * training, {@code [1, modelSize]} ones at inference (fed by {@link TransformerEncoderLayer}).
     */
    private SDVariable dropout(SameDiff sd, SDVariable x, int site, DataType dt) {
        if (dropoutRate <= 0) {
            return x;
        }
        return x.mul(sd.placeHolder(dropoutMaskName(site), dt, -1, modelSize));
    }

    /** GELU's tanh form from elementary ops, so its gradient is exact. */
    private static SDVariable gelu(SDVariable x) {
        SameDiff sd = x.getSameDiff();
        SDVariable cube = x.mul(x).mul(x);
        SDVariable arg = x.add(cube.mul(0.044715)).mul(Math.sqrt(2.0 / Math.PI));
        return x.mul(sd.math.tanh(arg).add(1.0)).mul(0.5);
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners, int layerIndex,
            INDArray layerParamsView, boolean initializeParams, DataType networkDataType) {
        TransformerEncoderLayer layer = new TransformerEncoderLayer(conf, networkDataType);
        layer.setIndex(layerIndex);
        layer.setParamsViewArray(layerParamsView);
        layer.setParamTable(initializer().init(conf, layerParamsView, initializeParams));
        layer.setConf(conf);
        if (listeners != null) {
            layer.setListeners(listeners);
        }
        return layer;
    }

    /** @return input width per time step */
    public long getNIn() {
        return nIn;
    }

    /** @param nIn input width per time step (JSON; normally set from the input type) */
    public void setNIn(long nIn) {
        this.nIn = nIn;
    }

    /** @return the sequence length from the input type, or -1/0 when unknown */
    public long getTimeSteps() {
        return timeSteps;
    }

    /** @param timeSteps the sequence length (JSON; normally set from the input type) */
    public void setTimeSteps(long timeSteps) {
        this.timeSteps = timeSteps;
    }

    /** @return d_model, the width inside the encoder and of its output */
    public int getModelSize() {
        return modelSize;
    }

    /** @param modelSize d_model (JSON) */
    public void setModelSize(int modelSize) {
        this.modelSize = modelSize;
    }

    /** @return number of attention heads */
    public int getHeads() {
        return heads;
    }

    /** @param heads number of attention heads (JSON) */
    public void setHeads(int heads) {
        this.heads = heads;
    }

    /** @return d_ff, inner width of the feed-forward sub-layers */
    public int getFfSize() {
        return ffSize;
    }

    /** @param ffSize d_ff (JSON) */
    public void setFfSize(int ffSize) {
        this.ffSize = ffSize;
    }

    /** @return number of encoder blocks */
    public int getBlocks() {
        return blocks;
    }

    /** @param blocks number of encoder blocks (JSON) */
    public void setBlocks(int blocks) {
        this.blocks = blocks;
    }

    /** @return drop probability of the sub-layer outputs while training */
    public double getDropoutRate() {
        return dropoutRate;
    }

    /** @param dropoutRate drop probability (JSON) */
    public void setDropoutRate(double dropoutRate) {
        this.dropoutRate = dropoutRate;
    }

    /** @return the positional encoding */
    public PositionalEncoding getPositionalEncoding() {
        return positionalEncoding;
    }

    /** @param positionalEncoding the positional encoding (JSON) */
    public void setPositionalEncoding(PositionalEncoding positionalEncoding) {
        this.positionalEncoding = positionalEncoding;
    }

    /** @return the feed-forward activation */
    public FeedForwardActivation getFfActivation() {
        return ffActivation;
    }

    /** @param ffActivation the feed-forward activation (JSON) */
    public void setFfActivation(FeedForwardActivation ffActivation) {
        this.ffActivation = ffActivation;
    }

    /** @return whether the layer outputs only the last time step ({@code [batch, modelSize]}) */
    public boolean isLastStep() {
        return lastStep;
    }

    /** @param lastStep whether only the last time step is output (JSON) */
    public void setLastStep(boolean lastStep) {
        this.lastStep = lastStep;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof TransformerEncoder e) || !e.canEqual(this) || !super.equals(o)) {
            return false;
        }
        return nIn == e.nIn && timeSteps == e.timeSteps && modelSize == e.modelSize && heads == e.heads
                && ffSize == e.ffSize && blocks == e.blocks && dropoutRate == e.dropoutRate
                && positionalEncoding == e.positionalEncoding && ffActivation == e.ffActivation && lastStep == e.lastStep;
    }

    @Override
    protected boolean canEqual(Object other) {
        return other instanceof TransformerEncoder;
    }

    @Override
    public int hashCode() {
        return Objects.hash(super.hashCode(), nIn, timeSteps, modelSize, heads, ffSize, blocks, dropoutRate,
                positionalEncoding, ffActivation, lastStep);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "TransformerEncoder(nIn=%d, T=%d, modelSize=%d, heads=%d, ffSize=%d, "
                + "blocks=%d, dropout=%s, positional=%s, activation=%s, lastStep=%s)", nIn, timeSteps, modelSize, heads,
                ffSize, blocks, dropoutRate, positionalEncoding, ffActivation, lastStep);
    }

    /** Builder: {@code new TransformerEncoder.Builder().modelSize(32).heads(4).ffSize(64).blocks(2).build()}. */
    @SuppressWarnings("unchecked") // build() narrows DL4J's generic <E extends Layer> E build()
    public static class Builder extends SameDiffLayer.Builder<Builder> {
        private long nIn;
        private long timeSteps = -1;
        private int modelSize = 32;
        private int heads = 4;
        private int ffSize = 64;
        private int blocks = 1;
        private double dropoutRate;
        private PositionalEncoding positionalEncoding = PositionalEncoding.SINUSOIDAL;
        private FeedForwardActivation ffActivation = FeedForwardActivation.RELU;
        private boolean lastStep;

        /** A builder with modelSize 32, heads 4, ffSize 64, one block, no dropout, sinusoidal, ReLU. */
        public Builder() {
        }

        /**
         * @param nIn input width; normally taken from the network's input type
         * @return this
         */
        public Builder nIn(long nIn) {
            this.nIn = nIn;
            return this;
        }

        /**
         * @param timeSteps the sequence length; normally taken from the network's input type
         * @return this
         */
        public Builder timeSteps(long timeSteps) {
            this.timeSteps = timeSteps;
            return this;
        }

        /**
         * @param modelSize d_model, divisible by heads
         * @return this
         */
        public Builder modelSize(int modelSize) {
            this.modelSize = modelSize;
            return this;
        }

        /**
         * @param heads number of attention heads (>= 1)
         * @return this
         */
        public Builder heads(int heads) {
            this.heads = heads;
            return this;
        }

        /**
         * @param ffSize d_ff (>= 1)
         * @return this
         */
        public Builder ffSize(int ffSize) {
            this.ffSize = ffSize;
            return this;
        }

        /**
         * @param blocks number of encoder blocks (>= 1)
         * @return this
         */
        public Builder blocks(int blocks) {
            this.blocks = blocks;
            return this;
        }

        /**
         * The paper's residual dropout. Not DL4J's inherited {@code dropOut(double)}, which takes a
         * retain probability and drops this layer's input.
         *
         * @param dropoutRate probability of dropping a sub-layer output value while training, in [0, 1)
         * @return this
         */
        public Builder dropoutRate(double dropoutRate) {
            this.dropoutRate = dropoutRate;
            return this;
        }

        /**
         * @param positionalEncoding sinusoidal (default) or learned
         * @return this
         */
        public Builder positionalEncoding(PositionalEncoding positionalEncoding) {
            this.positionalEncoding = positionalEncoding;
            return this;
        }

        /**
         * @param ffActivation relu (default) or gelu
         * @return this
         */
        public Builder ffActivation(FeedForwardActivation ffActivation) {
            this.ffActivation = ffActivation;
            return this;
        }

        /**
         * @param lastStep output only the last time step, {@code [batch, modelSize]} (default: every
         *     step, {@code [batch, modelSize, T]}); refuses masked input
         * @return this
         */
        public Builder lastStep(boolean lastStep) {
            this.lastStep = lastStep;
            return this;
        }

        /**
         * @return the layer configuration
         * @throws IllegalArgumentException when a size or the dropout rate is out of range
         */
        @Override
        public TransformerEncoder build() {
            return new TransformerEncoder(this);
        }
    }
}
