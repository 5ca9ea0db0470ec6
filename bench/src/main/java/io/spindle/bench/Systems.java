package io.spindle.bench;

/** Names of the benchmark cases and systems as they appear in the output tables. */
public final class Systems {

    /** MNIST-10k, MLP 784-256-128-10, batch 64. */
    public static final String MNIST = "mnist-mlp";
    /** MNIST-10k, MLP 784-1024-1024-10, batch 256. */
    public static final String LARGE = "mnist-large-mlp";
    /**
     * Weekly CO2 (conf/datasets/co2_weekly.csv), windows of 52 weeks predicting the next, LSTM of 32
     * units + regression output, batch 32: the forecasting example of conf/jobs/co2.yaml.
     */
    public static final String CO2 = "co2-lstm";
    /**
     * MNIST-10k as 28x28x1 images: conv 32 3x3 same -> max pool 2 -> conv 64 3x3 same -> max pool
     * 2 -> dense 128 -> 10, Adam 1e-3, batch 64.
     */
    public static final String CNN = "mnist-cnn";

    /** DL4J {@code MultiLayerNetwork.fit} per minibatch in the driver JVM. */
    public static final String SINGLE_JVM = "dl4j-single-jvm";
    /**
     * The same with DL4J's built-in layer path (no oneDNN helpers on convolution, pooling and batch
     * norm), as DL4J 1.0.0-M2.1 runs them by itself.
     */
    public static final String SINGLE_JVM_BUILTIN = "dl4j-single-jvm-builtin";
    /** PyTorch on the CPU in a Python process, {@value CaseSpec#WORKERS} threads (the CNN case). */
    public static final String PYTORCH = "pytorch-cpu";
    /**
     * Spindle's data-parallel trainer, 2 workers on {@code local[2]}, with Spindle's defaults
     * ({@code cluster.lr_scaling: auto}, for Adam the square root of the workers, after a one-epoch
     * warmup).
     */
    public static final String SPINDLE = "spindle-2w";
    /**
     * Spindle's {@code mnist-mlp} spec as a Spark application ({@code spindle train}) on a
     * standalone cluster of 2 workers, each executor its own JVM ({@code --cluster}).
     */
    public static final String SPINDLE_STANDALONE = "spindle-2w-standalone";
    /**
     * The same {@code spindle train} submitted the same way with {@code --master local[2]}
     * ({@code --cluster}): a fresh JVM like the cluster's, where {@value #SPINDLE} runs in the
     * benchmark's JVM after a warm-up, so that the cluster is also compared with a local run that
     * starts as cold as it does.
     */
    public static final String SPINDLE_LOCAL_SUBMIT = "spindle-2w-local-submit";
    /** The same with {@code cluster.lr_scaling: none} (the learning rate not scaled with the workers). */
    public static final String SPINDLE_UNSCALED = "spindle-2w-lr-none";
    /** DL4J {@code ParameterAveragingTrainingMaster}, 2 workers, averaging every 5 minibatches. */
    public static final String PATM_5 = "dl4j-patm-avg5";
    /** DL4J {@code ParameterAveragingTrainingMaster}, 2 workers, averaging every 20 minibatches. */
    public static final String PATM_20 = "dl4j-patm-avg20";
    /** Spark MLlib {@code MultilayerPerceptronClassifier} (L-BFGS). */
    public static final String MLLIB = "mllib-mlp-lbfgs";

    private Systems() {
    }
}
