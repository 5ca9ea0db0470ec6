package io.spindle.driver.spec;

import static io.spindle.driver.spec.Schema.fraction;
import static io.spindle.driver.spec.Schema.integer;
import static io.spindle.driver.spec.Schema.nonNegative;
import static io.spindle.driver.spec.Schema.obj;
import static io.spindle.driver.spec.Schema.oneOf;
import static io.spindle.driver.spec.Schema.openUnit;
import static io.spindle.driver.spec.Schema.positive;
import static io.spindle.driver.spec.Schema.positiveInt;
import static io.spindle.driver.spec.Schema.string;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The job spec's schema: every key, its type, bounds, default and documentation. The README's
 * spec reference and {@code spindle schema} are generated from, or checked against, this one
 * definition.
 */
public final class SpecSchema {

    /** Activations accepted on any layer. */
    public static final List<String> ACTIVATIONS =
            List.of("relu", "leaky_relu", "prelu", "sigmoid", "tanh", "softmax", "gelu", "swish", "identity");
    /** Weight initializations. */
    public static final List<String> INITS = List.of("xavier", "he", "uniform", "normal", "zeros");
    /** Loss functions of the output layer. */
    public static final List<String> LOSSES = List.of("mse", "mae", "huber", "bce", "cce", "weighted_cce", "focal");
    /** Optimizers. */
    public static final List<String> OPTIMIZERS = List.of("sgd", "momentum", "adam", "adamw", "rmsprop", "adagrad");
    /** Presets: common configurations per kind of task. */
    public static final List<String> PRESETS =
            List.of("classification", "binary", "multilabel", "regression", "imbalanced", "timeseries", "image");
    /** Classification metrics. */
    public static final List<String> CLASSIFICATION_METRICS =
            Metric.classification().stream().map(Metric::spelling).toList();
    /** Regression metrics. */
    public static final List<String> REGRESSION_METRICS = Metric.regression().stream().map(Metric::spelling).toList();

    private static final Schema ROOT = build();

    private SpecSchema() {
    }

    /** @return the root object schema */
    public static Schema root() {
        return ROOT;
    }

    /** @return the JSON Schema document printed by {@code spindle schema} */
    public static ObjectNode jsonSchema() {
        ObjectNode s = ROOT.jsonSchema();
        ObjectNode out = Schema.F.objectNode();
        out.put("$schema", "https://json-schema.org/draft/2020-12/schema");
        out.put("$id", "https://spindle.io/schema/job-spec.json");
        out.put("title", "Spindle job spec");
        out.setAll(s);
        return out;
    }

    private static Schema build() {
        List<Metric> computable = new java.util.ArrayList<>(Metric.classification());
        computable.addAll(Metric.regression());
        // the validation split is implied: accuracy and val_accuracy name the same thing
        String metricNames = String.join(", ", computable.stream().map(Metric::spelling).toList())
                + ", or the same with val_";
        Schema strOrList = new Schema.AnyOf(List.of(string(null), new Schema.Arr(string(null), 1, null)),
                "a column name, or a list of column names");

        Schema split = obj("the split of the rows, in fractions that sum to 1: random (seeded) or in time order")
                .opt("method", oneOf("random: a seeded hash of each row; time: each series' first part trains, the next"
                        + " validates, the last tests (the default, and the only choice, with data.window)", "random", "time"))
                .def("train", fraction("fraction of rows used for training"), 0.7)
                .def("validation", fraction("fraction used for validation (early stopping, model selection)"), 0.15)
                .def("test", fraction("fraction used once, by the final model"), 0.15)
                .def("seed", integer(0, "split seed"), 42)
                .build();
        Schema image = obj("image geometry of the feature columns (row by row, channels interleaved)")
                .req("height", positiveInt("pixels"))
                .req("width", positiveInt("pixels"))
                .def("channels", positiveInt("1 grey, 3 colour"), 1)
                .build();
        Schema sequence = obj("the feature columns are `steps` consecutive time steps, step-major")
                .req("steps", positiveInt("time steps per row"))
                .build();
        Schema window = obj("supervised windows cut from a table of observations (a time series)")
                .req("size", positiveInt("past steps of the features in each window"))
                .def("horizon", positiveInt("future steps predicted of each target (more than 1: multi-output)"), 1)
                .def("stride", positiveInt("steps between the starts of consecutive windows"), 1)
                .opt("time", string("column that orders the observations: ISO dates (2024-03-15), months (2024-03),"
                        + " date-times or numbers; without it, file order"))
                .req("targets", strOrList)
                .opt("series_id", string("column naming the series: each is windowed on its own, no window crosses two"))
                .def("seasonality", positiveInt("season length in steps, for the seasonal-naive forecast and MASE"), 1)
                .def("level", oneOf("none: values as they are; last: each window relative to its last observed values"
                        + " (subtracted from inputs and targets, added back to predictions: the network learns changes and"
                        + " follows a trend beyond the levels it trained on)", "none", "last"), "none")
                .build();
        Schema classes = new Schema.AnyOf(List.of(positiveInt("number of classes; labels are 0..n-1"),
                new Schema.Arr(new Schema.AnyOf(List.of(string(null), Schema.number(null)), null), 2, null)),
                "declared classes: a count (labels 0..n-1) or the label values in index order");
        Schema data = obj("where the rows are and what to predict")
                .req("path", string("file, folder or glob; any Hadoop FS URI (file:, hdfs:, s3a:) or a local path"))
                .opt("format", oneOf("file encoding; default from the file extension (csv otherwise)", "csv", "parquet", "libsvm"))
                .def("header", new Schema.Bool("CSV: the first line names the columns"), true)
                .def("delimiter", string("CSV field separator"), ",")
                .opt("label", strOrList)
                .opt("task", oneOf("what is predicted; default from model.preset", "regression", "binary", "multiclass", "multilabel"))
                .def("features", new Schema.Arr(string(null), 0, "feature columns; empty: every non-label column"), List.of())
                .def("categorical", new Schema.Arr(string(null), 0, "feature columns to one-hot encode"), List.of())
                .opt("classes", classes)
                .def("split", split, Map.of())
                .opt("validation_path", string("explicit validation data (replaces the validation fraction)"))
                .opt("test_path", string("explicit test data (replaces the test fraction)"))
                .opt("normalize", oneOf("feature scaling fitted on the train split only (regression targets too); default from the preset",
                        "standardize", "minmax", "none"))
                .opt("image", image)
                .opt("sequence", sequence)
                .opt("window", window)
                .def("missing", oneOf("missing values of a windowed series: fail (name the first), drop (the windows"
                        + " touching a gap), ffill (carry the last value forward), interpolate (linear in time)",
                        "fail", "drop", "ffill", "interpolate"), "fail")
                .def("on_bad_record", oneOf("fail: stop at the first bad row naming file, line and column; skip: drop and count it",
                        "fail", "skip"), "fail")
                .build();

        Map<String, Schema.Obj> layers = new LinkedHashMap<>();
        Schema act = oneOf("activation", ACTIVATIONS.toArray(String[]::new));
        Schema init = oneOf("weight initialization; default: he for relu-like, xavier otherwise", INITS.toArray(String[]::new));
        Schema dropout = fraction("dropout rate applied to this layer's input");
        Schema size2 = new Schema.AnyOf(List.of(positiveInt(null), new Schema.Arr(positiveInt(null), 2, null)),
                "an integer or [height, width]");
        layers.put("dense", obj("fully connected layer")
                .req("units", positiveInt("output units"))
                .opt("activation", act).opt("init", init).opt("dropout", dropout).build());
        layers.put("dropout", obj("drops a fraction of its inputs while training")
                .req("rate", fraction("fraction of inputs dropped")).build());
        layers.put("batch_norm", obj("batch normalization").opt("dropout", dropout).build());
        layers.put("conv2d", obj("2-D convolution (needs data.image)")
                .req("filters", positiveInt("output channels"))
                .def("kernel", size2, 3).def("stride", size2, 1)
                .def("padding", oneOf("same keeps the size, valid shrinks it", "same", "valid"), "same")
                .opt("activation", act).opt("init", init).opt("dropout", dropout).build());
        layers.put("pooling", obj("2-D pooling (needs data.image)")
                .def("pool", oneOf("pooling kind", "max", "avg"), "max")
                .def("size", size2, 2).opt("stride", size2).build());
        layers.put("global_pooling", obj("pools over all spatial positions or time steps")
                .def("pool", oneOf("pooling kind", "max", "avg"), "avg").build());
        for (String rnn : List.of("lstm", "simple_rnn", "gru")) {
            layers.put(rnn, obj(rnn + " recurrent layer (needs data.sequence)")
                    .req("units", positiveInt("hidden units"))
                    .opt("activation", act).opt("init", init).opt("dropout", dropout)
                    .def("return_sequences", new Schema.Bool("pass every time step on (true) or only the last (false)"), false)
                    .def("bidirectional", new Schema.Bool("also read the sequence backwards and concatenate both"
                            + " directions (2 x units outputs)"), false)
                    .build());
        }
        layers.put("conv1d", obj("1-D convolution over time steps (needs data.window or data.sequence)")
                .req("filters", positiveInt("output channels"))
                .def("kernel", positiveInt("time steps each filter spans"), 3)
                .def("stride", positiveInt("step between filter positions"), 1)
                .def("dilation", positiveInt("gap between the time steps a filter reads (1: adjacent)"), 1)
                .def("padding", oneOf("same keeps the number of steps, valid shrinks it; causal keeps it and reads only"
                        + " past steps", "same", "valid", "causal"), "same")
                .opt("activation", act).opt("init", init).opt("dropout", dropout).build());
        layers.put("transformer", obj("transformer encoder (Vaswani et al. 2017): input projection, positional encoding,"
                + " then blocks of multi-head self-attention and feed-forward, each with residual and layer norm"
                + " (needs data.window or data.sequence)")
                .req("model_size", positiveInt("width of every position inside the encoder; a multiple of heads"))
                .def("heads", positiveInt("attention heads; must divide model_size"), 4)
                .opt("ff_size", positiveInt("hidden width of the feed-forward part; default 4 x model_size"))
                .def("blocks", positiveInt("encoder blocks"), 2)
                .def("positional", oneOf("positional encoding: fixed sin/cos table or a learned one", "sinusoidal",
                        "learned"), "sinusoidal")
                .opt("activation", oneOf("feed-forward activation", "relu", "gelu"))
                .opt("init", init)
                .def("dropout", fraction("dropout inside the blocks (attention and feed-forward outputs) while training"), 0.1)
                .def("return_sequences", new Schema.Bool("pass every time step on (true) or only the last (false), which attended to all of them"), false)
                .build());
        layers.put("self_attention", obj("multi-head dot-product self-attention over time steps (needs data.sequence)")
                .def("heads", positiveInt("attention heads"), 1)
                .opt("head_size", positiveInt("size of each head; default: input size / heads"))
                .def("projection", new Schema.Bool("project queries, keys, values and output"), true)
                .build());
        layers.put("output", obj("the output layer (last); units, activation and loss default from data.task")
                .opt("units", positiveInt("outputs; default: classes, labels or targets of the data"))
                .opt("activation", act).opt("init", init).opt("dropout", dropout)
                .opt("loss", oneOf("loss; default from the task", LOSSES.toArray(String[]::new)))
                .opt("class_weights", new Schema.AnyOf(List.of(oneOf(null, "balanced"),
                        new Schema.Arr(positive(null), 2, null)), "weighted_cce / focal: per-class weights, or balanced"))
                .def("gamma", nonNegative("focal loss focusing parameter"), 2.0)
                .def("delta", positive("huber loss threshold"), 1.0)
                .build());
        Schema layerList = new Schema.Arr(new Schema.Tagged("type", layers, "a layer"), 1,
                "layers in order; the last is the output layer");

        Schema model = obj("the network")
                .opt("preset", oneOf("fills defaults from a common configuration for the kind of task (optimizer, loss, initialization, normalization); default from data.task",
                        PRESETS.toArray(String[]::new)))
                .opt("init", oneOf("default initialization of every layer; default: he for relu-like activations, xavier otherwise",
                        INITS.toArray(String[]::new)))
                .opt("layers", layerList)
                .build();

        Schema early = obj("early stopping on a validation quantity, checked after every epoch")
                .def("enabled", new Schema.Bool("stop when the monitored value stops improving"), true)
                .def("monitor", string("val_loss or val_<metric>"), "val_loss")
                .def("mode", oneOf("auto: min for losses and errors, max for scores", "auto", "min", "max"), "auto")
                .def("patience", integer(1, "epochs without improvement before stopping"), 15)
                .def("min_delta", nonNegative("smallest change that counts as an improvement"), 0.0)
                .def("restore_best", new Schema.Bool("keep the parameters of the best epoch"), true)
                .build();
        Map<String, Schema.Obj> schedules = new LinkedHashMap<>();
        schedules.put("constant", obj("training.lr throughout").build());
        schedules.put("step", obj("multiply the rate by gamma every step_size epochs")
                .def("step_size", positiveInt("epochs between reductions"), 10)
                .def("gamma", openUnit("factor applied at each step"), 0.1).build());
        schedules.put("exponential", obj("multiply the rate by gamma after every epoch")
                .def("gamma", openUnit("factor applied after each epoch"), 0.95).build());
        schedules.put("cosine", obj("cosine decay from training.lr to min_lr over training.epochs, after an optional linear warmup")
                .def("warmup_epochs", integer(0, "epochs of linear warmup from near 0 to training.lr"), 0)
                .def("min_lr", nonNegative("rate at the end of the last epoch"), 0.0).build());
        schedules.put("one_cycle", obj("one-cycle policy (Smith 2018): cosine rise from max_lr/div_factor to max_lr over"
                + " pct_start of training, then cosine decay to max_lr/(div_factor*final_div_factor)")
                .opt("max_lr", positive("peak rate; default training.lr"))
                .def("pct_start", openUnit("fraction of training spent rising"), 0.3)
                .def("div_factor", positive("initial rate = max_lr / div_factor"), 25.0)
                .def("final_div_factor", positive("final rate = initial rate / final_div_factor"), 1e4).build());
        schedules.put("reduce_on_plateau", obj("multiply the rate by factor when the monitored value stops improving")
                .opt("monitor", string("val_loss or val_<metric>; default: training.early_stopping.monitor"))
                .def("factor", openUnit("factor applied on a plateau (0.5 halves the rate)"), 0.5)
                .def("patience", integer(1, "epochs without improvement before reducing (5-10 is usual)"), 5)
                .def("cooldown", integer(0, "epochs to wait after a reduction before counting again"), 0)
                .def("min_delta", nonNegative("smallest change that counts as an improvement"), 0.0)
                .def("min_lr", nonNegative("the rate never goes below this"), 1e-7).build());
        Schema schedule = new Schema.Tagged("type", schedules, "learning-rate schedule, applied by the driver every round");

        Schema training = obj("the optimization")
                .opt("optimizer", oneOf("optimizer; momentum is SGD with Nesterov momentum", OPTIMIZERS.toArray(String[]::new)))
                .opt("lr", new Schema.AnyOf(List.of(positive(null), oneOf(null, "auto")),
                        "learning rate, or auto: chosen by the learning-rate range test before training"))
                .def("momentum", fraction("momentum coefficient (momentum)"), 0.9)
                .def("beta1", fraction("Adam/AdamW first-moment decay"), 0.9)
                .def("beta2", fraction("Adam/AdamW second-moment decay"), 0.999)
                .def("epsilon", positive("Adam/AdamW/RMSprop/AdaGrad epsilon"), 1e-8)
                .def("rho", fraction("RMSprop decay of the squared-gradient average"), 0.9)
                .opt("batch_size", positiveInt("minibatch size"))
                .opt("epochs", positiveInt("maximum epochs"))
                .def("seed", integer(0, "seed of initialization, shuffling and dropout"), 42)
                .def("l2", nonNegative("L2 penalty added to the loss"), 0.0)
                .opt("weight_decay", nonNegative("decoupled weight decay (AdamW-style)"))
                .def("dropout", fraction("dropout rate after every hidden layer"), 0.0)
                .opt("gradient_clipping", obj("clip every minibatch's gradient before the updater step")
                        .req("type", oneOf("norm: rescale each layer's gradient to an L2 norm of at most threshold;"
                                + " value: clip every element to [-threshold, threshold]", "norm", "value"))
                        .req("threshold", positive("the largest norm or value kept"))
                        .build())
                .def("early_stopping", early, Map.of())
                .def("schedule", schedule, Map.of("type", "constant"))
                .build();
        Schema metrics = obj("what is measured")
                // checked against the task when parsed, with the task's own list in the message
                .opt("compute", new Schema.Arr(string("metric: " + metricNames), 1,
                        "metrics computed on validation (every epoch) and test (once); default from the task"))
                .opt("select", string("validation metric that ranks models (" + metricNames + "); default from the preset"))
                .build();
        Map<String, Schema.Obj> outers = new LinkedHashMap<>();
        outers.put("none", obj("the averaged parameters become the new parameters").build());
        outers.put("nesterov", obj("Nesterov momentum on the averaged change (DiLoCo, Douillard et al. 2023;"
                + " SlowMo, Wang et al. 2020)")
                .def("lr", positive("outer learning rate"), 0.7)
                .def("momentum", fraction("outer momentum"), 0.9).build());
        Schema cluster = obj("data-parallel training")
                .opt("workers", positiveInt("partitions trained in parallel; default: the executor cores available"))
                .opt("averaging_period", positiveInt("minibatches each worker trains between parameter averages;"
                        + " default: enough for about 100 ms of compute per round"))
                .def("average_updater", new Schema.Bool("average the optimizer state too (false: each worker keeps its own)"),
                        true)
                .def("outer_optimizer", new Schema.Tagged("type", outers, "applied by the driver to the averaged change"),
                        Map.of("type", "none"))
                .def("reshuffle", oneOf("within: every epoch reshuffles each shard's rows, which stay on their shard;"
                        + " across: every epoch re-deals the rows to the shards (one Spark shuffle of the train split"
                        + " per epoch)", "within", "across"), "within")
                .def("lr_scaling", oneOf("scale the learning rate with the workers: linear (x workers; Goyal et al. 2017),"
                        + " sqrt (x sqrt(workers); Malladi et al. 2022 for adaptive optimizers), none, or auto: linear for"
                        + " sgd and momentum, sqrt for adam, adamw, rmsprop and adagrad", "auto", "none", "linear", "sqrt"),
                        "auto")
                .def("lr_warmup_epochs", integer(0, "epochs over which a scaled learning rate ramps up linearly, round by"
                        + " round, from training.lr to the scaled rate (gradual warmup, Goyal et al. 2017); 0: no ramp"), 1)
                .def("eval_every_rounds", integer(0, "also evaluate and check early stopping every this many rounds;"
                        + " 0: after every epoch only"), 0)
                .def("checkpoint_every_epochs", integer(0, "write the checkpoint --resume continues from once this many"
                        + " epochs have passed since the last one (or checkpoint_every_seconds, whichever comes first;"
                        + " always at the end); 0: by time only. A one-worker run trains the epochs up to its next"
                        + " checkpoint in one Spark task, evaluating each on the rows the executor caches"), 1)
                .def("checkpoint_every_seconds", nonNegative("also write the checkpoint once this many seconds have"
                        + " passed since the last one; 0: by epochs only"), 0.0)
                .build();

        return obj("a Spindle job spec")
                .opt("name", string("run name; default: the spec file's name"))
                .req("data", data)
                .def("model", model, Map.of())
                .def("training", training, Map.of())
                .def("metrics", metrics, Map.of())
                .def("cluster", cluster, Map.of())
                .build();
    }
}
