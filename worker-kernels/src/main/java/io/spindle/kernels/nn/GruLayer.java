package io.spindle.kernels.nn;

import static org.nd4j.linalg.indexing.NDArrayIndex.all;
import static org.nd4j.linalg.indexing.NDArrayIndex.interval;

import java.util.Arrays;
import java.util.Map;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.recurrent.BaseRecurrentLayer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.MulOp;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.SubOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The computation of a {@link Gru} layer: the GRU of Cho et al., "Learning Phrase Representations
 * using RNN Encoder-Decoder for Statistical Machine Translation" (EMNLP 2014), eq. 5-8, reset
 * gate before the recurrent product (see {@link Gru} for the equations and
 * {@link GruParamInitializer} for the parameter layout).
 *
 * <p>Forward pass: the input {@code [minibatch, nIn, T]} (NCW) is copied once into a time-major
 * matrix X {@code [T*minibatch, nIn]} (row {@code t*minibatch + i} is example i at step t), and
 * {@code X W + b} for all steps and gates is one matrix product into the gate array
 * {@code [T*minibatch, 3n]}; each step adds only its two recurrent products
 * ({@code h_{t-1} [U_r U_z]}, then {@code (r * h_{t-1}) U_h}) to its row block.
 *
 * <p>Backward pass: backpropagation through time written out by hand. The forward pass is
 * recomputed (nothing is cached between calls, as DL4J's own LSTM does). The factors of the
 * pre-activation gradients that do not depend on dL/dh_t ({@code (h_{t-1} - h~) z (1 - z)},
 * {@code act'(a_h) (1 - z)}, {@code h_{t-1} r (1 - r)}) are computed for all steps at once; then,
 * going back over the steps, each step turns its row block of the gate array into the gradients
 * with respect to the three pre-activations and adds its three contributions to dL/dh_{t-1}
 * (two recurrent products). At the end that array holds dPre {@code [T*minibatch, 3n]} of every
 * step, and {@code dW = X^T dPre}, {@code dX = dPre W^T}, {@code dRW} (two products over all
 * steps, with the stored {@code h_{t-1}} and {@code r * h_{t-1}}) and {@code db} (a column sum)
 * need no per-step work.
 *
 * <p>Stored state for {@code rnnTimeStep} / {@code rnnActivateUsingStoredState} is the last
 * hidden state {@code [minibatch, n]} under {@value #STATE_KEY_PREV_H}. Not supported: the NWC
 * format ({@link IllegalStateException}), mask arrays (variable-length sequences) and truncated
 * BPTT ({@link UnsupportedOperationException}).
 */
public class GruLayer extends BaseRecurrentLayer<Gru> {

    /** Key of the last hidden state {@code [minibatch, n]} in the stored-state maps. */
    public static final String STATE_KEY_PREV_H = "prevH";

    /**
     * Whether the last forward pass started from a stored state (rnnActivateUsingStoredState),
     * which is how DL4J 1.0.0-M2.1 runs truncated BPTT: it then calls the ordinary
     * {@link #backpropGradient}, not {@link #tbpttBackpropGradient}, so that is where truncated
     * BPTT has to be refused.
     */
    private boolean forwardFromStoredState;

    /**
     * @param conf the configuration holding the {@link Gru} layer
     * @param dataType the network's data type (parameters, activations, gradients)
     */
    public GruLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    /** Arrays of one forward pass, all time-major (row block t holds step t). */
    private record Pass(
            long batch,
            long steps,
            INDArray x,        // [T*b, nIn] input
            INDArray gates,    // [T*b, 3n]: r, z (activated) | a_h (candidate pre-activation)
            INDArray cand,     // [T*b, n] candidate h~
            INDArray states,   // [(T+1)*b, n]: block 0 is h_0, block t+1 is h_t
            INDArray reset) {  // [T*b, n] r * h_{t-1}
    }

    /** @return {@code RECURRENT} */
    @Override
    public Type type() {
        return Type.RECURRENT;
    }

    /** @return false */
    @Override
    public boolean isPretrainLayer() {
        return false;
    }

    /**
     * Runs the sequence from a zero state.
     *
     * @return the hidden states {@code [minibatch, n, T]} in the ACTIVATIONS workspace
     */
    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        forwardFromStoredState = false;
        return toNcw(forward(null, training, false, workspaceMgr), workspaceMgr);
    }

    /**
     * Runs the input from the stored state (zero if none) and stores its last hidden state.
     *
     * @param input {@code [minibatch, nIn, T]}, T may be 1
     * @return the hidden states {@code [minibatch, n, T]}
     */
    @Override
    public INDArray rnnTimeStep(INDArray input, LayerWorkspaceMgr workspaceMgr) {
        setInput(input, workspaceMgr);
        forwardFromStoredState = false;
        Pass pass = forward(stateMap.get(STATE_KEY_PREV_H), false, false, workspaceMgr);
        INDArray out = toNcw(pass, workspaceMgr);
        storeLast(stateMap, pass);
        return out;
    }

    /**
     * Runs the input from the stored truncated-BPTT state (zero if none), optionally storing the
     * last hidden state there. Inference only: a backward pass after it (truncated BPTT) throws.
     */
    @Override
    public INDArray rnnActivateUsingStoredState(INDArray input, boolean training, boolean storeLastForTBPTT,
            LayerWorkspaceMgr workspaceMgr) {
        setInput(input, workspaceMgr);
        forwardFromStoredState = true;
        Pass pass = forward(tBpttStateMap.get(STATE_KEY_PREV_H), training, false, workspaceMgr);
        INDArray out = toNcw(pass, workspaceMgr);
        if (storeLastForTBPTT) {
            storeLast(tBpttStateMap, pass);
        }
        return out;
    }

    /**
     * Not supported.
     *
     * @throws UnsupportedOperationException always
     */
    @Override
    public Pair<Gradient, INDArray> tbpttBackpropGradient(INDArray epsilon, int tbpttBackLength,
            LayerWorkspaceMgr workspaceMgr) {
        throw truncatedBpttRefused();
    }

    private static UnsupportedOperationException truncatedBpttRefused() {
        return new UnsupportedOperationException("Gru does not support truncated BPTT "
                + "(BackpropType.TruncatedBPTT): train on fixed-length windows with standard backprop");
    }

    /**
     * Backpropagation through the whole sequence (from a zero initial state).
     *
     * @throws UnsupportedOperationException after a forward pass from a stored state (truncated BPTT)
     * @param epsilon dL/d(output) {@code [minibatch, n, T]}
     * @return the gradients of W, RW and b (written into the layer's gradient views) and
     *         dL/d(input) {@code [minibatch, nIn, T]} in the ACTIVATION_GRAD workspace
     */
    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(true);
        if (forwardFromStoredState) {
            throw truncatedBpttRefused();
        }
        Pass pass = forward(null, true, true, workspaceMgr);
        long b = pass.batch();
        long steps = pass.steps();
        long n = layerConf().getNOut();
        long nIn = layerConf().getNIn();
        if (epsilon.rank() != 3 || epsilon.size(0) != b || epsilon.size(1) != n || epsilon.size(2) != steps) {
            throw new IllegalStateException("Gru epsilon must have shape [" + b + ", " + n + ", " + steps
                    + "], got " + Arrays.toString(epsilon.shape()));
        }
        ArrayType work = ArrayType.BP_WORKING_MEM;
        INDArray w = getParamWithNoise(GruParamInitializer.WEIGHT_KEY, true, workspaceMgr);
        INDArray rw = getParamWithNoise(GruParamInitializer.RECURRENT_WEIGHT_KEY, true, workspaceMgr);
        INDArray uRz = rw.get(all(), interval(0, 2 * n));
        INDArray uH = rw.get(all(), interval(2 * n, 3 * n));
        IActivation act = layerConf().getActivationFn();

        INDArray gates = pass.gates();
        long rowsAll = steps * b;
        // dL/dh_t, time-major: starts as the epsilon of the layer above; step t adds its part of
        // dL/dh_{t-1} into row block t-1 before that block is used
        INDArray dh = workspaceMgr.dup(work, cast(epsilon).permute(2, 0, 1), 'c').reshape('c', rowsAll, n);
        // factors that do not depend on dL/dh_t, for every step at once:
        //   dL/da_z = dh * (h_{t-1} - h~) z (1 - z)             -> zFactor
        //   dL/da_h = dh * act'(a_h) (1 - z)                     -> hFactor
        //   dL/da_r = g  * h_{t-1} r (1 - r), g = dL/da_h U_h^T  -> rFactor
        INDArray rAll = gates.get(all(), interval(0, n));
        INDArray zAll = gates.get(all(), interval(n, 2 * n));
        INDArray prevAll = pass.states().get(interval(0, rowsAll), all());
        INDArray oneMinusZ = workspaceMgr.createUninitialized(work, dataType, new long[] {rowsAll, n}, 'c');
        oneMinusZ.assign(zAll).rsubi(1.0);
        INDArray zFactor = workspaceMgr.createUninitialized(work, dataType, new long[] {rowsAll, n}, 'c');
        Nd4j.exec(new SubOp(prevAll, pass.cand(), zFactor));
        zFactor.muli(zAll).muli(oneMinusZ);
        INDArray rFactor = workspaceMgr.createUninitialized(work, dataType, new long[] {rowsAll, n}, 'c');
        rFactor.assign(rAll).rsubi(1.0).muli(rAll).muli(prevAll);
        // the candidate activation is element-wise (Gru refuses others), so backprop with epsilon
        // (1 - z) gives act'(a_h) (1 - z)
        INDArray aHAll = workspaceMgr.dup(work, gates.get(all(), interval(2 * n, 3 * n)), 'c');
        INDArray hFactor = act.backprop(aHAll, oneMinusZ).getFirst();
        INDArray g = workspaceMgr.createUninitialized(work, dataType, new long[] {b, n}, 'c');
        INDArray tmp = workspaceMgr.createUninitialized(work, dataType, new long[] {b, n}, 'c');

        for (long t = steps - 1; t >= 0; t--) {
            INDArray dhT = rows(dh, t, b);
            INDArray prev = t > 0 ? rows(dh, t - 1, b) : null;
            long lo = t * b;
            long hi = lo + b;
            INDArray r = gates.get(interval(lo, hi), interval(0, n));
            INDArray z = gates.get(interval(lo, hi), interval(n, 2 * n));
            INDArray aH = gates.get(interval(lo, hi), interval(2 * n, 3 * n));
            if (prev != null) {
                // h_t = z h_{t-1} + ...: the direct path
                Nd4j.exec(new MulOp(dhT, z, tmp));
                prev.addi(tmp);
            }
            // the pre-activation gradients overwrite z, a_h, then r in the gate array
            Nd4j.exec(new MulOp(dhT, rows(zFactor, t, b), z));
            Nd4j.exec(new MulOp(dhT, rows(hFactor, t, b), aH));
            Nd4j.gemm(aH, uH, g, false, true, 1.0, 0.0);
            if (prev != null) {
                // a_h = ... + (r h_{t-1}) U_h: the path through the candidate
                Nd4j.exec(new MulOp(g, r, tmp));
                prev.addi(tmp);
            }
            Nd4j.exec(new MulOp(g, rows(rFactor, t, b), r));
            if (prev != null) {
                // a_r, a_z = ... + h_{t-1} [U_r U_z]: the paths through the gates
                Nd4j.gemm(gates.get(interval(lo, hi), interval(0, 2 * n)), uRz, prev, false, true, 1.0, 1.0);
            }
        }
        // gates now holds dL/d(pre-activation) of every step
        INDArray wGrad = gradientViews.get(GruParamInitializer.WEIGHT_KEY);
        INDArray rwGrad = gradientViews.get(GruParamInitializer.RECURRENT_WEIGHT_KEY);
        INDArray bGrad = gradientViews.get(GruParamInitializer.BIAS_KEY);
        gemmInto(pass.x(), gates, wGrad);
        gemmInto(prevAll, gates.get(all(), interval(0, 2 * n)), rwGrad.get(all(), interval(0, 2 * n)));
        gemmInto(pass.reset(), gates.get(all(), interval(2 * n, 3 * n)), rwGrad.get(all(), interval(2 * n, 3 * n)));
        bGrad.assign(gates.sum(true, 0));

        INDArray dx = workspaceMgr.createUninitialized(work, dataType, new long[] {rowsAll, nIn}, 'c');
        Nd4j.gemm(gates, w, dx, false, true, 1.0, 0.0);
        INDArray epsOut = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, dataType,
                new long[] {b, nIn, steps}, 'f');
        epsOut.assign(dx.reshape('c', steps, b, nIn).permute(1, 2, 0));
        epsOut = backpropDropOutIfPresent(epsOut);
        weightNoiseParams.clear();

        Gradient gradient = new DefaultGradient(gradientsFlattened);
        gradient.gradientForVariable().put(GruParamInitializer.WEIGHT_KEY, wGrad);
        gradient.gradientForVariable().put(GruParamInitializer.RECURRENT_WEIGHT_KEY, rwGrad);
        gradient.gradientForVariable().put(GruParamInitializer.BIAS_KEY, bGrad);
        return new Pair<>(gradient, epsOut);
    }

    /** c = a^T b, straight into c when it is contiguous, else through a temporary. */
    private static void gemmInto(INDArray a, INDArray b, INDArray c) {
        if (c.elementWiseStride() == 1) {
            Nd4j.gemm(a, b, c, true, false, 1.0, 0.0);
        } else {
            c.assign(a.transpose().mmul(b));
        }
    }

    /** Row block t (rows {@code [t*b, (t+1)*b)}) of a time-major 'c' array: a contiguous view. */
    private static INDArray rows(INDArray timeMajor, long t, long b) {
        return timeMajor.get(interval(t * b, (t + 1) * b), all());
    }

    private INDArray cast(INDArray a) {
        return a.dataType() == dataType ? a : a.castTo(dataType);
    }

    private void checkSupported() {
        Gru.requireNcw(layerConf().getRnnDataFormat(), layerConf().getLayerName());
        if (maskArray != null) {
            throw new UnsupportedOperationException("gru does not support masked (variable-length) sequences: "
                    + "got a mask array of shape " + Arrays.toString(maskArray.shape())
                    + "; use fixed-length windows without a feature mask");
        }
    }

    /**
     * The forward pass over all steps of {@link #input}.
     *
     * @param h0 the initial state {@code [minibatch, n]}, null for zeros
     * @param forBackprop whether the arrays are for the backward pass (BP_WORKING_MEM) or not
     *        (FF_WORKING_MEM)
     */
    private Pass forward(INDArray h0, boolean training, boolean forBackprop, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(forBackprop);
        checkSupported();
        long nIn = layerConf().getNIn();
        long n = layerConf().getNOut();
        if (input.rank() != 3 || input.size(1) != nIn) {
            throw new IllegalStateException("Gru expects input [minibatch, " + nIn + ", time] (NCW), got shape "
                    + Arrays.toString(input.shape()));
        }
        applyDropOutIfNecessary(training, workspaceMgr);
        INDArray in = cast(input);
        long b = in.size(0);
        long steps = in.size(2);
        ArrayType work = forBackprop ? ArrayType.BP_WORKING_MEM : ArrayType.FF_WORKING_MEM;

        INDArray w = getParamWithNoise(GruParamInitializer.WEIGHT_KEY, training, workspaceMgr);
        INDArray rw = getParamWithNoise(GruParamInitializer.RECURRENT_WEIGHT_KEY, training, workspaceMgr);
        INDArray bias = getParamWithNoise(GruParamInitializer.BIAS_KEY, training, workspaceMgr);
        INDArray uRz = rw.get(all(), interval(0, 2 * n));
        INDArray uH = rw.get(all(), interval(2 * n, 3 * n));
        IActivation act = layerConf().getActivationFn();

        INDArray x = workspaceMgr.dup(work, in.permute(2, 0, 1), 'c').reshape('c', steps * b, nIn);
        INDArray gates = workspaceMgr.createUninitialized(work, dataType, new long[] {steps * b, 3 * n}, 'c');
        Nd4j.gemm(x, w, gates, false, false, 1.0, 0.0);
        gates.addiRowVector(bias);
        INDArray cand = workspaceMgr.createUninitialized(work, dataType, new long[] {steps * b, n}, 'c');
        INDArray reset = workspaceMgr.createUninitialized(work, dataType, new long[] {steps * b, n}, 'c');
        INDArray states = workspaceMgr.createUninitialized(work, dataType, new long[] {(steps + 1) * b, n}, 'c');
        INDArray first = rows(states, 0, b);
        if (h0 == null) {
            first.assign(0);
        } else {
            if (h0.rank() != 2 || h0.size(0) != b || h0.size(1) != n) {
                throw new IllegalStateException("Gru stored state has shape " + Arrays.toString(h0.shape())
                        + " but this input needs [" + b + ", " + n + "]: clear the stored state "
                        + "(rnnClearPreviousState) when the minibatch size changes");
            }
            first.assign(h0);
        }
        INDArray recRz = workspaceMgr.createUninitialized(work, dataType, new long[] {b, 2 * n}, 'c');
        INDArray recH = workspaceMgr.createUninitialized(work, dataType, new long[] {b, n}, 'c');

        for (long t = 0; t < steps; t++) {
            INDArray hPrev = rows(states, t, b);
            long lo = t * b;
            long hi = lo + b;
            INDArray rz = gates.get(interval(lo, hi), interval(0, 2 * n));
            // [r z] = sigmoid(x [W_r W_z] + b + h_{t-1} [U_r U_z])
            Nd4j.gemm(hPrev, uRz, recRz, false, false, 1.0, 0.0);
            rz.addi(recRz);
            Transforms.sigmoid(rz, false);
            INDArray r = gates.get(interval(lo, hi), interval(0, n));
            INDArray z = gates.get(interval(lo, hi), interval(n, 2 * n));
            INDArray aH = gates.get(interval(lo, hi), interval(2 * n, 3 * n));
            // h~ = act(x W_h + b_h + (r h_{t-1}) U_h); a_h stays for the backward pass
            INDArray resetT = rows(reset, t, b);
            Nd4j.exec(new MulOp(r, hPrev, resetT));
            Nd4j.gemm(resetT, uH, recH, false, false, 1.0, 0.0);
            aH.addi(recH);
            INDArray candT = rows(cand, t, b);
            candT.assign(aH);
            INDArray activated = act.getActivation(candT, training);
            if (activated != candT) {
                candT.assign(activated);
            }
            // h_t = h~ + z (h_{t-1} - h~)
            INDArray hT = rows(states, t + 1, b);
            Nd4j.exec(new SubOp(hPrev, candT, hT));
            hT.muli(z).addi(candT);
        }
        return new Pass(b, steps, x, gates, cand, states, reset);
    }

    /** The hidden states h_1..h_T as {@code [minibatch, n, T]} in the ACTIVATIONS workspace. */
    private INDArray toNcw(Pass pass, LayerWorkspaceMgr workspaceMgr) {
        long b = pass.batch();
        long steps = pass.steps();
        long n = layerConf().getNOut();
        INDArray hs = pass.states().get(interval(b, (steps + 1) * b), all()).reshape('c', steps, b, n);
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, dataType, new long[] {b, n, steps}, 'f');
        out.assign(hs.permute(1, 2, 0));
        return out;
    }

    /** Stores h_T, detached from any workspace, under {@link #STATE_KEY_PREV_H}. */
    private static void storeLast(Map<String, INDArray> map, Pass pass) {
        INDArray last = rows(pass.states(), pass.steps(), pass.batch());
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            map.put(STATE_KEY_PREV_H, last.dup('c'));
        }
    }
}
