package io.spindle.driver.model;

import io.spindle.driver.data.PreparedData;
import io.spindle.driver.spec.DataSpec;
import io.spindle.driver.spec.JobSpec;
import io.spindle.driver.spec.LayerSpec;
import io.spindle.driver.spec.SpecException;
import io.spindle.driver.spec.Task;
import io.spindle.kernels.nn.Gru;
import io.spindle.kernels.nn.LossFocal;
import io.spindle.kernels.nn.LossHuber;
import io.spindle.kernels.nn.TransformerEncoder;
import java.util.List;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.dropout.Dropout;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.Convolution1DLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PReLULayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SelfAttentionLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.Bidirectional;
import org.deeplearning4j.nn.conf.layers.recurrent.LastTimeStep;
import org.deeplearning4j.nn.conf.layers.recurrent.SimpleRnn;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.AdaGrad;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.RmsProp;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.lossfunctions.impl.LossBinaryXENT;
import org.nd4j.linalg.lossfunctions.impl.LossMAE;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;
import org.nd4j.linalg.lossfunctions.impl.LossMSE;

/**
 * Builds the DL4J network configuration of a job spec, with input shapes inferred from the
 * data's layout. Pure: the same spec and layout give the same configuration JSON.
 */
public final class ModelBuilder {

    private ModelBuilder() {
    }

    /**
     * @param spec the resolved spec
     * @param layout the encoded data's layout
     * @param classCounts train rows per class (for balanced class weights); may be null when
     *     no layer asks for them
     * @return the network configuration
     * @throws SpecException when the layers do not fit the data (output units, class weights,
     *     shapes)
     */
    public static MultiLayerConfiguration build(JobSpec spec, PreparedData.Layout layout, long[] classCounts) {
        JobSpec.Training t = spec.training();
        NeuralNetConfiguration.Builder base = new NeuralNetConfiguration.Builder()
                .seed(t.seed())
                .dataType(org.nd4j.linalg.api.buffer.DataType.FLOAT)
                .updater(updater(t));
        if (t.l2() > 0) {
            base.l2(t.l2());
        }
        if (t.weightDecay() > 0) {
            base.weightDecay(t.weightDecay(), true);
        }
        t.clipping().ifPresent(c -> base
                .gradientNormalization(c.norm() ? org.deeplearning4j.nn.conf.GradientNormalization.ClipL2PerLayer
                        : org.deeplearning4j.nn.conf.GradientNormalization.ClipElementWiseAbsoluteValue)
                .gradientNormalizationThreshold(c.threshold()));
        NeuralNetConfiguration.ListBuilder list = base.list();
        List<LayerSpec> layers = spec.model().layers();
        DataSpec data = spec.data();
        int width;
        int steps = 0;
        boolean sequence = false;
        InputType input;
        if (data.image().isPresent()) {
            DataSpec.Image im = data.image().get();
            input = InputType.convolutionalFlat(im.height(), im.width(), im.channels());
            width = im.channels();
        } else if (data.sequence().isPresent()) {
            steps = data.sequence().get().steps();
            width = layout.featureWidth() / steps;
            input = InputType.recurrent(width, steps);
            sequence = true;
        } else {
            width = layout.featureWidth();
            input = InputType.feedForward(width);
        }
        int index = 0;
        for (int i = 0; i < layers.size(); i++) {
            LayerSpec l = layers.get(i);
            boolean hidden = !(l instanceof LayerSpec.Output);
            double rate = l.dropout() > 0 && !(l instanceof LayerSpec.Transformer) ? l.dropout()
                    : hidden && i > 0 && t.dropout() > 0 && (l instanceof LayerSpec.Dense || l instanceof LayerSpec.Conv2d)
                            ? t.dropout() : 0.0;
            Layer layer = layer(spec, l, layout, classCounts, width, steps);
            if (rate > 0) {
                if (!(layer instanceof BaseLayer) && !(layer instanceof LastTimeStep) && !(layer instanceof Bidirectional)) {
                    throw new SpecException(l.path() + ".dropout does not apply to a " + l.type() + " layer");
                }
                if (layer instanceof BaseLayer b) {
                    b.setIDropout(new Dropout(1.0 - rate));
                }
            }
            list.layer(index++, layer);
            if (l.activation().equals("prelu") && hidden) {
                if (!(l instanceof LayerSpec.Dense)) {
                    throw new SpecException(l.path() + ".activation prelu is supported on dense layers; use leaky_relu"
                            + " on " + l.type() + " layers");
                }
                list.layer(index++, new PReLULayer.Builder().inputShape(l.units()).build());
            }
            // track the width a following attention layer sees, and whether steps still flow
            if (l.width() > 0) {
                width = l.width();
            }
            if (l.isSequential()) {
                if (!l.keepsSteps()) {
                    sequence = false;
                }
            } else if (l instanceof LayerSpec.GlobalPooling) {
                sequence = false;
            }
            if (sequence && i + 1 < layers.size()) {
                LayerSpec next = layers.get(i + 1);
                if (next instanceof LayerSpec.Dense || next instanceof LayerSpec.Output) {
                    throw new SpecException(next.path() + " (" + next.type() + ") follows a layer that passes every"
                            + " time step on; add {type: global_pooling} before it, or set return_sequences: false on the"
                            + " recurrent or transformer layer");
                }
            }
        }
        list.setInputType(input);
        try {
            return list.build();
        } catch (RuntimeException e) {
            throw new SpecException("model.layers do not fit the data's shape " + input + ": " + e.getMessage(), e);
        }
    }

    private static Layer layer(JobSpec spec, LayerSpec l, PreparedData.Layout layout, long[] classCounts, int width,
                               int steps) {
        if (l instanceof LayerSpec.Dense d) {
            return new DenseLayer.Builder().nOut(d.units()).activation(activation(l, true)).weightInit(init(l.init()))
                    .build();
        } else if (l instanceof LayerSpec.DropoutLayer d) {
            return new DropoutLayer.Builder(new Dropout(1.0 - d.rate())).build();
        } else if (l instanceof LayerSpec.BatchNorm) {
            return new BatchNormalization.Builder().build();
        } else if (l instanceof LayerSpec.Conv2d c) {
            return new ConvolutionLayer.Builder(c.kernel().get(0), c.kernel().get(1))
                    .stride(c.stride().get(0), c.stride().get(1)).nOut(c.filters())
                    .convolutionMode(c.padding().equals("same") ? ConvolutionMode.Same : ConvolutionMode.Truncate)
                    .activation(activation(l, true)).weightInit(init(l.init())).build();
        } else if (l instanceof LayerSpec.Conv1d c) {
            ConvolutionMode mode = switch (c.padding()) {
                case "same" -> ConvolutionMode.Same;
                case "causal" -> ConvolutionMode.Causal;
                default -> ConvolutionMode.Truncate;
            };
            return new Convolution1DLayer.Builder().kernelSize(c.kernel()).stride(c.stride()).dilation(c.dilation())
                    .nOut(c.filters()).convolutionMode(mode).activation(activation(l, true)).weightInit(init(l.init()))
                    .build();
        } else if (l instanceof LayerSpec.Pooling p) {
            return new SubsamplingLayer.Builder(pooling(p.pool())).kernelSize(p.size().get(0), p.size().get(1))
                    .stride(p.stride().get(0), p.stride().get(1)).build();
        } else if (l instanceof LayerSpec.GlobalPooling g) {
            return new GlobalPoolingLayer.Builder(pooling(g.pool())).build();
        } else if (l instanceof LayerSpec.Recurrent r) {
            return recurrent(r);
        } else if (l instanceof LayerSpec.SelfAttention a) {
            return attention(a, width);
        } else if (l instanceof LayerSpec.Transformer tf) {
            return transformer(tf, steps);
        } else if (l instanceof LayerSpec.Output o) {
            return output(spec, o, layout, classCounts);
        }
        throw new IllegalStateException("no builder for layer type " + l.type());
    }

    private static Layer recurrent(LayerSpec.Recurrent r) {
        Layer rnn = switch (r.type()) {
            case "lstm" -> new LSTM.Builder().nOut(r.units()).activation(activation(r, false))
                    .weightInit(init(r.init())).build();
            case "simple_rnn" -> new SimpleRnn.Builder().nOut(r.units()).activation(activation(r, false))
                    .weightInit(init(r.init())).build();
            case "gru" -> new Gru.Builder().nOut(r.units()).activation(activation(r, false))
                    .weightInit(init(r.init())).build();
            default -> throw new IllegalStateException("not a recurrent type: " + r.type());
        };
        if (r.bidirectional()) {
            rnn = new Bidirectional(Bidirectional.Mode.CONCAT, rnn);
        }
        return r.returnSequences() ? rnn : new LastTimeStep(rnn);
    }

    private static Layer transformer(LayerSpec.Transformer tf, int steps) {
        return new TransformerEncoder.Builder().modelSize(tf.modelSize()).heads(tf.heads()).ffSize(tf.ffSize())
                .blocks(tf.blocks()).dropoutRate(tf.dropout())
                .positionalEncoding(TransformerEncoder.PositionalEncoding.parse(tf.positional()))
                .ffActivation(TransformerEncoder.FeedForwardActivation.parse(tf.activation()))
                .lastStep(!tf.returnSequences()).weightInit(init(tf.init())).build();
    }

    private static Layer attention(LayerSpec.SelfAttention l, int width) {
        int heads = Math.max(1, l.heads());
        if (!l.projection() && heads != 1) {
            throw new SpecException(l.path() + ".heads must be 1 when projection is false, got " + heads);
        }
        int headSize = l.headSize() > 0 ? l.headSize() : Math.max(1, width / heads);
        SelfAttentionLayer.Builder b = new SelfAttentionLayer.Builder().nHeads(heads).headSize(headSize)
                .projectInput(l.projection());
        if (l.projection()) {
            b.nOut(width);
        }
        return b.build();
    }

    private static Layer output(JobSpec spec, LayerSpec.Output l, PreparedData.Layout layout, long[] classCounts) {
        Task task = spec.data().task();
        int inferred = switch (task) {
            case MULTICLASS -> layout.classes().size();
            case BINARY -> l.units() > 0 ? l.units() : 1;
            case MULTILABEL, REGRESSION -> layout.labelWidth();
        };
        int units = l.units() > 0 ? l.units() : inferred;
        if (units != inferred) {
            String what = task == Task.MULTICLASS ? layout.classes().size() + " classes"
                    : layout.labelWidth() + " label column(s)";
            throw new SpecException(l.path() + ".units must be " + inferred + " for this data (" + what + "), got "
                    + l.units() + "; or leave units out to infer it");
        }
        if (task == Task.MULTICLASS && units < 2) {
            throw new SpecException("data has " + units + " class(es) in data." + "label; a multiclass task needs at least 2");
        }
        double[] weights = classWeights(l, units, classCounts);
        ILossFunction loss = switch (l.loss()) {
            case "mse" -> new LossMSE();
            case "mae" -> new LossMAE();
            case "huber" -> new LossHuber(l.delta());
            case "bce" -> new LossBinaryXENT();
            case "cce" -> new LossMCXENT();
            case "weighted_cce" -> new LossMCXENT(Nd4j.createFromArray(toFloat(weights)).reshape(1, units));
            case "focal" -> new LossFocal(l.gamma(), weights == null ? null : toFloat(weights));
            default -> throw new SpecException(l.path() + ".loss '" + l.loss() + "' is not supported");
        };
        if (l.activation().equals("prelu")) {
            throw new SpecException(l.path() + ".activation prelu is for hidden layers; the output layer needs an"
                    + " activation matched to the task");
        }
        return new OutputLayer.Builder(loss).nOut(units).activation(activation(l, false)).weightInit(init(l.init())).build();
    }

    private static double[] classWeights(LayerSpec.Output l, int units, long[] counts) {
        if (!l.classWeights().isEmpty()) {
            if (l.classWeights().size() != units) {
                throw new SpecException(l.path() + ".class_weights must have one weight per output (" + units + "), got "
                        + l.classWeights().size());
            }
            return l.classWeights().stream().mapToDouble(Double::doubleValue).toArray();
        }
        if (!l.balancedWeights()) {
            return null;
        }
        if (counts == null || counts.length != units) {
            throw new SpecException(l.path() + ".class_weights: balanced needs one class per output (" + units + ")");
        }
        long total = java.util.Arrays.stream(counts).sum();
        double[] w = new double[units];
        for (int c = 0; c < units; c++) {
            // n / (k * n_c), as scikit-learn's "balanced"; an absent class gets weight 1
            w[c] = counts[c] == 0 ? 1.0 : (double) total / (units * (double) counts[c]);
        }
        return w;
    }

    private static float[] toFloat(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }

    private static PoolingType pooling(String pool) {
        return pool.equals("avg") ? PoolingType.AVG : PoolingType.MAX;
    }

    private static Activation activation(LayerSpec l, boolean preluAsIdentity) {
        return switch (l.activation()) {
            case "relu" -> Activation.RELU;
            case "leaky_relu" -> Activation.LEAKYRELU;
            case "prelu" -> {
                if (!preluAsIdentity) {
                    throw new SpecException(l.path() + ".activation prelu is supported on dense layers");
                }
                yield Activation.IDENTITY;
            }
            case "sigmoid" -> Activation.SIGMOID;
            case "tanh" -> Activation.TANH;
            case "softmax" -> Activation.SOFTMAX;
            case "gelu" -> Activation.GELU;
            case "swish" -> Activation.SWISH;
            case "identity" -> Activation.IDENTITY;
            default -> throw new SpecException(l.path() + ".activation '" + l.activation() + "' is not supported");
        };
    }

    private static WeightInit init(String name) {
        return switch (name) {
            case "xavier" -> WeightInit.XAVIER;
            case "he" -> WeightInit.RELU;
            case "uniform" -> WeightInit.UNIFORM;
            case "normal" -> WeightInit.NORMAL;
            case "zeros" -> WeightInit.ZERO;
            default -> throw new SpecException("unknown init '" + name + "'");
        };
    }

    private static IUpdater updater(JobSpec.Training t) {
        return switch (t.optimizer()) {
            case "sgd" -> new Sgd(t.lr());
            case "momentum" -> new Nesterovs(t.lr(), t.momentum());
            case "adam", "adamw" -> new Adam(t.lr(), t.beta1(), t.beta2(), t.epsilon());
            case "rmsprop" -> new RmsProp(t.lr(), t.rho(), t.epsilon());
            case "adagrad" -> new AdaGrad(t.lr(), t.epsilon());
            default -> throw new SpecException("training.optimizer '" + t.optimizer() + "' is not supported");
        };
    }
}
