package io.spindle.kernels.nn;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.samediff.SameDiffLayer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.array.SingleThreadArrayHolder;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.random.impl.BernoulliDistribution;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The runtime side of {@link TransformerEncoder}. It keeps DL4J's SameDiff layer for parameter and
 * gradient bookkeeping but runs its own graph, for three reasons found in DL4J 1.0.0-M2.1:
 * <ul>
 *   <li>the stock layer returns parameter gradients and input gradients that are exactly twice the
 *       true ones (its external-errors hook is counted twice; DL4J's own {@code SelfAttentionLayer}
 *       shows the same against finite differences). Here the backward pass differentiates
 *       {@code sum(output * epsilon)} instead, whose gradient is exactly the vector-Jacobian
 *       product DL4J asks for;
 *   <li>the stock layer never tells the graph whether it trains. Here every training forward pass
 *       draws a fresh inverted-dropout mask per dropout site ({@code [batch*T, modelSize]}, values 0
 *       or {@code 1/(1-p)}, from ND4J's global random generator) and feeds it as a placeholder; the
 *       backward pass that follows reuses those masks, so gradients belong to the forward pass that
 *       was scored. At inference the masks are ones. The layer's DL4J {@code IDropout} (if any) drops
 *       its input while training, as for DL4J's built-in layers (the stock SameDiff layer ignores it);
 *   <li>the stock layer fixes the sequence length at its first call; here a new length rebuilds the
 *       graph (the learned positional encoding refuses other lengths before that).
 * </ul>
 */
class TransformerEncoderLayer extends SameDiffLayer {

    private static final long serialVersionUID = 1L;
    private static final String EPSILON = "epsilon";
    private static final String LOSS = "vjp";

    private long graphTimeSteps = -1;
    private INDArray[] dropoutMasks = new INDArray[0];

    TransformerEncoderLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    private TransformerEncoder encoder() {
        return (TransformerEncoder) layerConf();
    }

    @Override
    protected void doInit() {
        TransformerEncoder enc = encoder();
        try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            SameDiff sd = SameDiff.create();
            // hold the parameter views themselves (the default holder copies them per thread), so
            // in-place updates by DL4J reach the graph
            sd.setArrayHolders(new SingleThreadArrayHolder(), new SingleThreadArrayHolder(), false);
            long t = input.size(2);
            SDVariable in = sd.placeHolder(INPUT_KEY, dataType, -1, enc.getNIn(), t);
            SDVariable mask = sd.placeHolder(MASK_KEY, dataType, -1, t);
            Map<String, SDVariable> params = new LinkedHashMap<>();
            for (Map.Entry<String, long[]> e : enc.getLayerParams().getParamShapes().entrySet()) {
                SDVariable v = sd.var(e.getKey(), dataType, e.getValue());
                sd.associateArrayWithVariable(paramTable.get(e.getKey()), v);
                params.put(e.getKey(), v);
            }
            SDVariable out = enc.defineLayer(sd, in, params, mask);
            SDVariable eps = enc.isLastStep() ? sd.placeHolder(EPSILON, dataType, -1, enc.getModelSize())
                    : sd.placeHolder(EPSILON, dataType, -1, enc.getModelSize(), t);
            sd.setLossVariables(out.mul(eps).sum(LOSS));
            sd.createGradFunction(INPUT_KEY); // placeholders get gradients only when named here
            sameDiff = sd;
            outputVar = out;
            outputKey = out.name();
            graphTimeSteps = t;
        }
    }

    private Map<String, INDArray> placeholders() {
        Map<String, INDArray> ph = new HashMap<>();
        ph.put(INPUT_KEY, input.castTo(dataType));
        ph.put(MASK_KEY, maskArray != null ? maskArray.castTo(dataType)
                : Nd4j.ones(dataType, input.size(0), input.size(2)));
        for (int site = 0; site < dropoutMasks.length; site++) {
            ph.put(TransformerEncoder.dropoutMaskName(site), dropoutMasks[site]);
        }
        return ph;
    }

    private void drawDropoutMasks(boolean training) {
        TransformerEncoder enc = encoder();
        int sites = enc.dropoutSites();
        dropoutMasks = new INDArray[sites];
        long rows = input.size(0) * input.size(2);
        double keep = 1.0 - enc.getDropoutRate();
        for (int site = 0; site < sites; site++) {
            if (training) {
                INDArray m = Nd4j.createUninitialized(dataType, rows, enc.getModelSize());
                Nd4j.getExecutioner().exec(new BernoulliDistribution(m, keep));
                dropoutMasks[site] = m.divi(keep);
            } else {
                dropoutMasks[site] = Nd4j.ones(dataType, 1, enc.getModelSize());
            }
        }
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(false);
        encoder().validateInput(input);
        if (encoder().isLastStep() && maskArray != null) {
            throw new UnsupportedOperationException("a transformer that outputs its last step does not take masked"
                    + " (variable-length) sequences; output every step and pool them instead");
        }
        applyDropOutIfNecessary(training, workspaceMgr);
        try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            if (sameDiff == null || input.size(2) != graphTimeSteps) {
                doInit();
            }
            drawDropoutMasks(training);
            INDArray out = sameDiff.output(placeholders(), outputKey).get(outputKey);
            INDArray result = workspaceMgr.dup(ArrayType.ACTIVATIONS, out);
            release();
            return result;
        }
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(true);
        Gradient g = new DefaultGradient();
        INDArray dLdIn;
        try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            if (sameDiff == null || input.size(2) != graphTimeSteps) {
                throw new IllegalStateException("backpropGradient before a forward pass on this input");
            }
            Map<String, INDArray> ph = placeholders();
            ph.put(EPSILON, epsilon.castTo(dataType));
            List<String> wrt = new ArrayList<>(paramTable.keySet());
            wrt.add(INPUT_KEY);
            Map<String, INDArray> grads = sameDiff.calculateGradients(ph, wrt);
            for (String key : paramTable.keySet()) {
                INDArray view = gradTable.get(key);
                view.assign(grads.get(key));
                g.gradientForVariable().put(key, view);
            }
            dLdIn = backpropDropOutIfPresent(grads.get(INPUT_KEY));
            release();
        }
        return new Pair<>(g, workspaceMgr.dup(ArrayType.ACTIVATION_GRAD, dLdIn));
    }

    @Override
    public Pair<INDArray, org.deeplearning4j.nn.api.MaskState> feedForwardMaskArray(INDArray maskArray,
            org.deeplearning4j.nn.api.MaskState currentMaskState, int minibatchSize) {
        if (encoder().isLastStep()) {
            this.maskArray = maskArray;
            return new Pair<>(null, currentMaskState); // one row per example: nothing left to mask
        }
        return super.feedForwardMaskArray(maskArray, currentMaskState, minibatchSize);
    }

    /** Drops the graph's references to this call's inputs (they may live in DL4J workspaces). */
    private void release() {
        sameDiff.clearPlaceholders(true);
        sameDiff.clearOpInputs();
    }
}
