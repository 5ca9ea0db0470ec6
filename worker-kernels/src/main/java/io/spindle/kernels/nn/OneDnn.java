package io.spindle.kernels.nn;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.layers.LayerHelper;
import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;
import org.deeplearning4j.nn.layers.convolution.subsampling.SubsamplingLayer;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNBatchNormHelper;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNConvHelper;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNSubsamplingHelper;
import org.deeplearning4j.nn.layers.normalization.BatchNormalization;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;

/**
 * Switches on DL4J's oneDNN layer helpers for 2-D convolution, 2-D pooling and batch
 * normalization, which run those layers through oneDNN's kernels instead of DL4J's im2col and
 * GEMM path (about 4-6x faster convolutions on a CPU core).
 *
 * <p>DL4J 1.0.0-M2.1 never creates these helpers itself on nd4j-native: a layer asks its helper
 * factory, which returns none unless a system property re-enables helpers, and the helpers'
 * availability check looks the native environment up under a class name that nd4j-native
 * 1.0.0-M2.1 no longer has, so it reports oneDNN as missing. Spindle therefore builds the helpers
 * itself ({@code MKLDNNConvHelper}, {@code MKLDNNSubsamplingHelper}, {@code MKLDNNBatchNormHelper},
 * the classes DL4J's own factory would create; in networks that train, the convolution one wrapped in a
 * {@link ReusingConvHelper}, which saves the second, identical forward convolution DL4J runs at the
 * start of every backward pass) and sets them on the layers right after
 * {@code init}, through the layers' {@code helper} field, when:
 * <ul>
 *   <li>the loaded native library was built with oneDNN ({@code HAVE_ONEDNN} in its build
 *       information; the {@code linux-x86_64-onednn} build of nd4j-native, which picks its
 *       kernels for the CPU at run time, so it runs on any x86-64 CPU);</li>
 *   <li>the backend is the CPU and ND4J allows helpers ({@code Nd4j.getEnvironment().helpersAllowed()});</li>
 *   <li>the network computes in 32-bit floats;</li>
 *   <li>the system property {@value #PROPERTY} is not {@code false} (the switch that keeps
 *       DL4J's built-in path, e.g. to compare the two).</li>
 * </ul>
 * Batch normalization with locked gamma and beta is left to the built-in path (the helper does
 * not support it). Helpers hold no parameters: a network's configuration, parameters, updater
 * state and saved files are the same on either path, and tests check that outputs and gradients
 * agree within 1e-4 relative.
 */
public final class OneDnn {

    /** System property: {@code false} keeps DL4J's built-in layer path. */
    public static final String PROPERTY = "spindle.onednn";

    /** Why the helpers are unavailable in this JVM (empty: available); computed once. */
    private static volatile Optional<String> unavailable;

    private OneDnn() {
    }

    /** @return whether {@link #attach} sets helpers in this JVM */
    public static boolean available() {
        return unavailableReason().isEmpty();
    }

    /** @return why {@link #attach} sets no helpers in this JVM, or empty when it does */
    public static Optional<String> unavailableReason() {
        if ("false".equalsIgnoreCase(System.getProperty(PROPERTY, "").trim())) {
            return Optional.of("switched off with -D" + PROPERTY + "=false");
        }
        Optional<String> u = unavailable;
        if (u == null) {
            u = Optional.ofNullable(probe());
            unavailable = u;
        }
        return u;
    }

    private static String probe() {
        String backend = String.valueOf(Nd4j.getExecutioner().getEnvironmentInformation().getProperty("backend"));
        if (!"CPU".equalsIgnoreCase(backend)) {
            return "the ND4J backend is " + backend + ", not the CPU";
        }
        if (!Nd4j.getEnvironment().helpersAllowed()) {
            return "ND4J's helpers are disallowed (Nd4j.getEnvironment().allowHelpers(false))";
        }
        String info;
        try {
            info = NativeOpsHolder.getInstance().getDeviceNativeOps().buildInfo();
        } catch (RuntimeException | LinkageError ex) {
            return "the native library's build information is unreadable (" + ex + ")";
        }
        if (info == null || !info.contains("HAVE_ONEDNN")) {
            return "the loaded nd4j-native was built without oneDNN (use its linux-x86_64-onednn build)";
        }
        return null;
    }

    /**
     * Sets oneDNN helpers on the network's 2-D convolution, 2-D pooling and batch-normalization
     * layers, when {@link #available()} and the network computes in floats; call after
     * {@code init}. Does nothing otherwise.
     *
     * @param net an initialized network
     * @param training whether the network will train: its convolutions then get a
     *     {@link ReusingConvHelper} (which saves the backward pass's second forward convolution,
     *     at the cost of copying each forward call's arrays); a network that only predicts gets
     *     oneDNN's helper alone
     * @return the number of layers that got a helper
     */
    public static int attach(MultiLayerNetwork net, boolean training) {
        Layer[] layers = net.getLayers();
        if (layers == null || !available() || net.getLayerWiseConfigurations().getDataType() != DataType.FLOAT) {
            return 0;
        }
        int n = 0;
        for (Layer l : layers) {
            LayerHelper helper = helperFor(l, training);
            if (helper != null) {
                set(l, helper);
                n++;
            }
        }
        return n;
    }

    /** @return a new helper for the layer, or null when oneDNN does not take it */
    private static LayerHelper helperFor(Layer l, boolean training) {
        // exact classes: the 1-D subclasses reshape around their own ops or the 2-D ones
        if (l.getClass() == ConvolutionLayer.class) {
            // DL4J convolves twice per step (forward, then again when its backward pass starts): reuse the first
            MKLDNNConvHelper conv = new MKLDNNConvHelper(DataType.FLOAT);
            return training ? new ReusingConvHelper(conv) : conv;
        } else if (l.getClass() == SubsamplingLayer.class) {
            return new MKLDNNSubsamplingHelper(DataType.FLOAT);
        } else if (l.getClass() == BatchNormalization.class
                && !((org.deeplearning4j.nn.conf.layers.BatchNormalization) l.conf().getLayer()).isLockGammaBeta()) {
            return new MKLDNNBatchNormHelper(DataType.FLOAT);
        }
        return null;
    }

    private static void set(Layer l, LayerHelper helper) {
        try {
            Field f = l.getClass().getDeclaredField("helper");
            f.setAccessible(true);
            f.set(l, helper);
        } catch (ReflectiveOperationException | RuntimeException ex) {
            throw new IllegalStateException("could not set the oneDNN helper of " + l.getClass().getSimpleName()
                    + " (DL4J version mismatch?): " + ex, ex);
        }
    }

    /**
     * @param net a network
     * @return the layers of the network that run on oneDNN helpers, as their 0-based indices
     */
    public static List<Integer> helperLayers(MultiLayerNetwork net) {
        List<Integer> out = new ArrayList<>();
        Layer[] layers = net.getLayers();
        for (int i = 0; layers != null && i < layers.length; i++) {
            LayerHelper h = layers[i].getHelper();
            if (h instanceof ReusingConvHelper || h != null && h.getClass().getPackageName().endsWith(".mkldnn")) {
                out.add(i);
            }
        }
        return out;
    }

    /**
     * Which path the network's convolution, pooling and batch-normalization layers take, for
     * {@code --verbose} and provenance.
     *
     * @param net an initialized network, after {@link #attach}
     * @return e.g. {@code oneDNN (4 of 4 convolution, pooling and batch-norm layers)},
     *     {@code built-in (switched off ...)}, or {@code none} when the network has no such layer
     */
    public static String describe(MultiLayerNetwork net) {
        int candidates = 0;
        for (Layer l : net.getLayers()) {
            if (l.getClass() == ConvolutionLayer.class || l.getClass() == SubsamplingLayer.class
                    || l.getClass() == BatchNormalization.class) {
                candidates++;
            }
        }
        return describe(candidates, helperLayers(net).size(), net.getLayerWiseConfigurations().getDataType());
    }

    /**
     * What {@link #describe(MultiLayerNetwork)} will say of a network built from the
     * configuration in this JVM, without building it.
     *
     * @param conf a network configuration
     * @return as {@link #describe(MultiLayerNetwork)}
     */
    public static String describe(MultiLayerConfiguration conf) {
        int candidates = 0;
        int helped = 0;
        boolean on = available() && conf.getDataType() == DataType.FLOAT;
        for (NeuralNetConfiguration c : conf.getConfs()) {
            org.deeplearning4j.nn.conf.layers.Layer l = c.getLayer();
            Class<?> k = l.getClass();
            if (k == org.deeplearning4j.nn.conf.layers.ConvolutionLayer.class
                    || k == org.deeplearning4j.nn.conf.layers.SubsamplingLayer.class
                    || k == org.deeplearning4j.nn.conf.layers.BatchNormalization.class) {
                candidates++;
                if (on && !(l instanceof org.deeplearning4j.nn.conf.layers.BatchNormalization b && b.isLockGammaBeta())) {
                    helped++;
                }
            }
        }
        return describe(candidates, helped, conf.getDataType());
    }

    private static String describe(int candidates, int helped, DataType type) {
        if (candidates == 0) {
            return "none";
        }
        if (helped > 0) {
            return String.format(Locale.ROOT, "oneDNN (%d of %d convolution, pooling and batch-norm layers)", helped,
                    candidates);
        }
        return "built-in (" + unavailableReason().orElse("the network computes in " + type) + ")";
    }

    /** @return this JVM's path for convolution, pooling and batch norm, for provenance */
    public static String jvmPath() {
        return unavailableReason().map(r -> "DL4J built-in (" + r + ")")
                .orElse("oneDNN helpers for float32 convolution, pooling and batch norm");
    }
}
