package io.spindle.driver.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Turns a YAML spec into a {@link JobSpec}: reads it, applies {@code --set} overrides, layers it
 * over its preset, validates it against {@link SpecSchema}, resolves derived defaults, checks
 * cross-field rules and collects the training guidance's advice as warnings. Parsing happens once, at the
 * edge; nothing downstream re-validates.
 */
public final class SpecParser {

    private static final Set<String> CLASS_LOSSES = Set.of("bce", "cce", "weighted_cce", "focal");
    private static final Set<String> REGRESSION_LOSSES = Set.of("mse", "mae", "huber");

    private SpecParser() {
    }

    /**
     * @param file the YAML spec
     * @param overrides {@code key=value} assignments applied over the file, in order
     * @return the resolved spec
     * @throws SpecException for any problem, naming the spec path and value
     */
    public static JobSpec parse(Path file, List<String> overrides) {
        ObjectNode user = SpecTrees.read(file);
        for (String o : overrides) {
            SpecTrees.set(user, o);
        }
        String base = file.getFileName().toString().replaceFirst("\\.(ya?ml|json)$", "");
        Path dir = file.toAbsolutePath().getParent();
        return resolve(user, base, dir == null ? Path.of(".") : dir);
    }

    /**
     * Resolves a user tree (file plus overrides).
     *
     * @param user the user's tree (not modified)
     * @param defaultName run name when the spec has none
     * @param specDir folder of the spec file (reserved for spec-relative paths)
     * @return the resolved spec
     */
    public static JobSpec resolve(ObjectNode user, String defaultName, Path specDir) {
        for (String section : List.of("data", "model", "training", "metrics", "cluster")) {
            if (user.has(section) && !user.get(section).isObject()) {
                SpecSchema.root().resolve(user, ""); // reports the misshapen section with its path
            }
        }
        String preset = text(user, "model", "preset").map(p -> check(SpecSchema.root(), "model.preset", p,
                Schema.oneOf(null, SpecSchema.PRESETS.toArray(String[]::new)))).orElse(null);
        String task = text(user, "data", "task").map(t -> check(SpecSchema.root(), "data.task", t,
                Schema.oneOf(null, "regression", "binary", "multiclass", "multilabel"))).orElse(null);
        if (preset == null) {
            if (task == null) {
                throw new SpecException("data.task is required: one of regression, binary, multiclass, multilabel"
                        + " (or set model.preset to one of " + String.join(", ", SpecSchema.PRESETS) + ")");
            }
            preset = Presets.forTask(task);
        }
        ObjectNode merged = SpecTrees.merge(Presets.tree(preset), user);
        ((ObjectNode) merged.with("model")).put("preset", preset);
        ObjectNode tree = (ObjectNode) SpecSchema.root().resolve(merged, "");
        List<String> warnings = new ArrayList<>();

        String name = tree.has("name") ? tree.get("name").asText() : defaultName;
        tree.put("name", name);
        DataSpec data = data((ObjectNode) tree.get("data"));
        List<LayerSpec> layers = layers((ObjectNode) tree.get("model"), data, warnings);
        JobSpec.Training training = training((ObjectNode) tree.get("training"), warnings);
        JobSpec.Metrics metrics = metrics((ObjectNode) tree.get("metrics"), data.task(), data.window().isPresent());
        JobSpec.EarlyStopping early = earlyStopping((ObjectNode) tree.at("/training/early_stopping"), metrics, warnings);
        JobSpec.Schedule schedule = schedule((ObjectNode) tree.at("/training/schedule"), training, early, metrics);
        training = new JobSpec.Training(training.optimizer(), training.lr(), training.momentum(), training.beta1(),
                training.beta2(), training.epsilon(), training.rho(), training.batchSize(), training.epochs(),
                training.seed(), training.l2(), training.weightDecay(), training.dropout(), early, schedule,
                training.lrAuto(), training.clipping());
        JobSpec.Cluster cluster = cluster((ObjectNode) tree.get("cluster"));

        writeBack(tree, data, layers, training, metrics);
        return new JobSpec(name, data, new JobSpec.Model(preset, layers), training, metrics, cluster, warnings, user, tree);
    }

    // ------------------------------------------------------------------ data

    private static DataSpec data(ObjectNode d) {
        String path = d.get("path").asText();
        if (path.isBlank()) {
            throw new SpecException("data.path must name a file, folder or glob, got ''");
        }
        DataSpec.Format format = d.has("format")
                ? DataSpec.Format.valueOf(d.get("format").asText().toUpperCase(Locale.ROOT))
                : formatOf(path);
        Optional<DataSpec.Window> window = window(d, format);
        List<String> label = strings(d.get("label"));
        if (window.isPresent()) {
            if (!label.isEmpty()) {
                throw new SpecException("data.label " + d.get("label") + " does not apply with data.window: "
                        + "data.window.targets names the columns to predict; remove data.label");
            }
            label = window.get().targets();
        } else if (label.isEmpty()) {
            if (format != DataSpec.Format.LIBSVM) {
                throw new SpecException("data.label is required: the column (or list of columns) to predict");
            }
            label = List.of("label");
        }
        Task task = Task.valueOf(d.get("task").asText().toUpperCase(Locale.ROOT));
        List<String> classes = new ArrayList<>();
        JsonNode cl = d.get("classes");
        if (cl != null) {
            if (!task.isClassification() || task == Task.MULTILABEL) {
                throw new SpecException("data.classes applies to binary and multiclass tasks, not " + task.spelling());
            }
            if (cl.isNumber()) {
                for (int i = 0; i < cl.asInt(); i++) {
                    classes.add(Integer.toString(i));
                }
            } else {
                for (JsonNode v : cl) {
                    classes.add(v.isNumber() && v.asDouble() == Math.rint(v.asDouble())
                            ? Long.toString(v.asLong()) : v.asText());
                }
            }
        }
        ObjectNode s = (ObjectNode) d.get("split");
        DataSpec.SplitMethod method = splitMethod(s, window);
        DataSpec.Split split = new DataSpec.Split(s.get("train").asDouble(), s.get("validation").asDouble(),
                s.get("test").asDouble(), s.get("seed").asLong(), method);
        Optional<String> valPath = optText(d, "validation_path");
        Optional<String> testPath = optText(d, "test_path");
        DataSpec.Missing missing = DataSpec.Missing.valueOf(d.get("missing").asText().toUpperCase(Locale.ROOT));
        if (window.isPresent()) {
            checkWindowed(d, task, valPath, testPath);
        } else if (missing != DataSpec.Missing.FAIL) {
            throw new SpecException("data.missing " + d.get("missing").asText() + " applies to a series cut into windows"
                    + " (data.window); rows of a table have no neighbours in time: remove data.missing, or set"
                    + " data.on_bad_record: skip to drop rows with missing values");
        }
        double sum = split.train() + (valPath.isEmpty() ? split.validation() : 0) + (testPath.isEmpty() ? split.test() : 0);
        if (split.train() <= 0) {
            throw new SpecException("data.split.train must be > 0, got " + split.train());
        }
        if (valPath.isEmpty() && split.validation() <= 0) {
            throw new SpecException("data.split.validation must be > 0 (early stopping and model selection need it), got "
                    + split.validation() + "; or give data.validation_path");
        }
        if (testPath.isEmpty() && split.test() <= 0) {
            throw new SpecException("data.split.test must be > 0, got " + split.test() + "; or give data.test_path");
        }
        if (valPath.isEmpty() && testPath.isEmpty() && Math.abs(sum - 1.0) > 1e-6) {
            throw new SpecException("data.split fractions must sum to 1, got train " + split.train() + " + validation "
                    + split.validation() + " + test " + split.test() + " = " + round(sum));
        }
        Optional<DataSpec.Image> image = Optional.ofNullable(d.get("image")).map(i -> new DataSpec.Image(
                i.get("height").asInt(), i.get("width").asInt(), i.get("channels").asInt()));
        Optional<DataSpec.Sequence> sequence = Optional.ofNullable(d.get("sequence"))
                .map(q -> new DataSpec.Sequence(q.get("steps").asInt()));
        if (window.isPresent()) {
            // a window is a sequence of window.size steps
            sequence = Optional.of(new DataSpec.Sequence(window.get().size()));
        }
        if (image.isPresent() && sequence.isPresent()) {
            throw new SpecException("data.image and data.sequence exclude each other: rows are either images or sequences");
        }
        List<String> features = strings(d.get("features"));
        List<String> categorical = strings(d.get("categorical"));
        for (String l : window.isPresent() ? List.<String>of() : label) {
            if (features.contains(l)) {
                throw new SpecException("data.features must not contain the label column '" + l + "'");
            }
            if (categorical.contains(l)) {
                throw new SpecException("data.categorical must not contain the label column '" + l + "'");
            }
        }
        if (!features.isEmpty()) {
            for (String cat : categorical) {
                if (!features.contains(cat)) {
                    throw new SpecException("data.categorical column '" + cat + "' is not in data.features " + features);
                }
            }
        }
        String delim = d.get("delimiter").asText();
        DataSpec.Normalize normalize = DataSpec.Normalize.valueOf(d.get("normalize").asText().toUpperCase(Locale.ROOT));
        if (window.isPresent()) {
            DataSpec.Window w = window.get();
            for (String c : java.util.stream.Stream.concat(w.time().stream(), w.seriesId().stream()).toList()) {
                if (features.contains(c)) {
                    throw new SpecException("data.features must not contain '" + c + "': it is the window's "
                            + (w.time().equals(Optional.of(c)) ? "time" : "series_id") + " column, not a value");
                }
            }
        }
        return new DataSpec(path, format, d.get("header").asBoolean(), delim, label, task, features, categorical,
                classes, split, valPath, testPath, normalize, image, sequence,
                DataSpec.OnBadRecord.valueOf(d.get("on_bad_record").asText().toUpperCase(Locale.ROOT)), window, missing);
    }

    private static Optional<DataSpec.Window> window(ObjectNode d, DataSpec.Format format) {
        if (!d.has("window")) {
            return Optional.empty();
        }
        ObjectNode w = (ObjectNode) d.get("window");
        List<String> targets = strings(w.get("targets"));
        if (targets.isEmpty()) {
            throw new SpecException("data.window.targets must name at least one column to predict");
        }
        if (new LinkedHashSet<>(targets).size() != targets.size()) {
            throw new SpecException("data.window.targets must not repeat a column, got " + targets);
        }
        Optional<String> time = optText(w, "time");
        Optional<String> series = optText(w, "series_id");
        for (String t : targets) {
            if (time.equals(Optional.of(t)) || series.equals(Optional.of(t))) {
                throw new SpecException("data.window.targets must not contain '" + t + "': it is the window's "
                        + (time.equals(Optional.of(t)) ? "time" : "series_id") + " column");
            }
        }
        if (time.isPresent() && time.equals(series)) {
            throw new SpecException("data.window.time and data.window.series_id name the same column '" + time.get()
                    + "'; the series column names which series a row belongs to, the time column when it was observed");
        }
        if (w.get("seasonality").asInt() > w.get("size").asInt()) {
            throw new SpecException("data.window.seasonality " + w.get("seasonality").asInt() + " is longer than"
                    + " data.window.size " + w.get("size").asInt() + ": the seasonal-naive forecast repeats the last season"
                    + " of each window; raise window.size to at least the season, or lower seasonality");
        }
        if (format == DataSpec.Format.LIBSVM) {
            throw new SpecException("data.window needs named columns: use CSV or Parquet data, not LibSVM");
        }
        return Optional.of(new DataSpec.Window(w.get("size").asInt(), w.get("horizon").asInt(), w.get("stride").asInt(),
                time, targets, series, w.get("seasonality").asInt(),
                DataSpec.Level.valueOf(w.get("level").asText().toUpperCase(Locale.ROOT))));
    }

    private static DataSpec.SplitMethod splitMethod(ObjectNode split, Optional<DataSpec.Window> window) {
        if (!split.has("method")) {
            DataSpec.SplitMethod m = window.isPresent() ? DataSpec.SplitMethod.TIME : DataSpec.SplitMethod.RANDOM;
            split.put("method", m.name().toLowerCase(Locale.ROOT)); // the resolved spec shows it
            return m;
        }
        DataSpec.SplitMethod m = DataSpec.SplitMethod.valueOf(split.get("method").asText().toUpperCase(Locale.ROOT));
        if (m == DataSpec.SplitMethod.RANDOM && window.isPresent()) {
            throw new SpecException("data.split.method random does not apply with data.window: windows overlap in time, so a"
                    + " random split puts the future of validation and test windows into training (it leaks); remove"
                    + " data.split.method (time is the default with a window)");
        }
        if (m == DataSpec.SplitMethod.TIME && window.isEmpty()) {
            throw new SpecException("data.split.method time needs data.window (the time column and series to order by);"
                    + " set data.window, or remove data.split.method");
        }
        return m;
    }

    private static void checkWindowed(ObjectNode d, Task task, Optional<String> valPath, Optional<String> testPath) {
        if (task != Task.REGRESSION) {
            throw new SpecException("data.window forecasts values: data.task must be regression, got " + task.spelling());
        }
        for (String key : List.of("sequence", "image")) {
            if (d.has(key)) {
                throw new SpecException("data." + key + " does not apply with data.window: a window is a sequence of"
                        + " window.size steps; remove data." + key);
            }
        }
        if (!strings(d.get("categorical")).isEmpty()) {
            throw new SpecException("data.categorical is not supported with data.window yet: windows take numeric columns;"
                    + " remove data.categorical (or encode the column as numbers)");
        }
        if (valPath.isPresent() || testPath.isPresent()) {
            throw new SpecException("data." + (valPath.isPresent() ? "validation_path" : "test_path") + " does not apply"
                    + " with data.window: the series is split in time order by data.split; remove it");
        }
    }

    /**
     * @param path a data path
     * @return the format its name says: Parquet, LibSVM, else CSV
     */
    public static DataSpec.Format formatOf(String path) {
        String p = path.toLowerCase(Locale.ROOT).replaceFirst("\\.(gz|bz2|deflate)$", "");
        if (p.endsWith(".parquet")) {
            return DataSpec.Format.PARQUET;
        }
        if (p.endsWith(".libsvm") || p.endsWith(".svm")) {
            return DataSpec.Format.LIBSVM;
        }
        return DataSpec.Format.CSV;
    }

    // ------------------------------------------------------------------ model

    private static List<LayerSpec> layers(ObjectNode model, DataSpec data, List<String> warnings) {
        ArrayNode raw = (ArrayNode) model.get("layers");
        if (raw == null || raw.isEmpty()) {
            throw new SpecException("model.layers must list at least the output layer");
        }
        String defaultInit = model.has("init") ? model.get("init").asText() : null;
        Task task = data.task();
        List<LayerSpec> out = new ArrayList<>();
        for (int i = 0; i < raw.size(); i++) {
            ObjectNode l = (ObjectNode) raw.get(i);
            String path = "model.layers[" + i + "]";
            String type = l.get("type").asText();
            boolean last = i == raw.size() - 1;
            if (type.equals("output") != last) {
                throw new SpecException(last
                        ? path + ".type must be output: the last layer is the output layer, got '" + type + "'"
                        : path + " is an output layer but is not last: the output layer must be the last of model.layers");
            }
            if ((type.equals("conv2d") || type.equals("pooling")) && data.image().isEmpty()) {
                throw new SpecException(path + ".type '" + type + "' needs image rows: set data.image {height, width, channels}");
            }
            if (LayerSpec.SEQUENCE_TYPES.contains(type) && data.sequence().isEmpty()) {
                throw new SpecException(path + ".type '" + type + "' needs sequence input: set data.window (a raw series)"
                        + " or data.sequence.steps (rows already cut into step-major windows)");
            }
            String loss = "";
            String activation;
            if (type.equals("output")) {
                loss = l.has("loss") ? l.get("loss").asText() : SpecDefaults.loss(task);
                activation = l.has("activation") ? l.get("activation").asText() : SpecDefaults.outputActivation(task, loss);
            } else if (l.has("activation")) {
                activation = l.get("activation").asText();
            } else {
                activation = SpecDefaults.activation(type);
            }
            String init = l.has("init") ? l.get("init").asText()
                    : defaultInit != null ? defaultInit
                    : SpecDefaults.init(type, activation);
            double dropout = l.has("dropout") ? l.get("dropout").asDouble() : 0.0;
            boolean sequences = l.has("return_sequences") && l.get("return_sequences").asBoolean();
            LayerSpec layer = switch (type) {
                case "dense" -> new LayerSpec.Dense(l.get("units").asInt(), activation, init, dropout, path);
                case "dropout" -> new LayerSpec.DropoutLayer(l.get("rate").asDouble(), path);
                case "batch_norm" -> new LayerSpec.BatchNorm(dropout, path);
                case "conv2d" -> new LayerSpec.Conv2d(l.get("filters").asInt(), pair(l.get("kernel")),
                        pair(l.get("stride")), l.get("padding").asText(), activation, init, dropout, path);
                case "conv1d" -> new LayerSpec.Conv1d(l.get("filters").asInt(), l.get("kernel").asInt(),
                        l.get("stride").asInt(), l.get("dilation").asInt(), l.get("padding").asText(), activation, init,
                        dropout, path);
                case "pooling" -> new LayerSpec.Pooling(l.get("pool").asText(), pair(l.get("size")),
                        pair(l.get("stride") != null ? l.get("stride") : l.get("size")), path);
                case "global_pooling" -> new LayerSpec.GlobalPooling(l.get("pool").asText(), path);
                case "lstm", "gru", "simple_rnn" -> new LayerSpec.Recurrent(type, l.get("units").asInt(), activation, init,
                        dropout, sequences, l.path("bidirectional").asBoolean(false), path);
                case "self_attention" -> new LayerSpec.SelfAttention(l.get("heads").asInt(),
                        l.has("head_size") ? l.get("head_size").asInt() : 0, l.get("projection").asBoolean(), path);
                case "transformer" -> new LayerSpec.Transformer(l.get("model_size").asInt(), l.get("heads").asInt(),
                        l.has("ff_size") ? l.get("ff_size").asInt() : SpecDefaults.ffSize(l.get("model_size").asInt()),
                        l.get("blocks").asInt(), l.get("positional").asText(), activation, init, dropout, sequences, path);
                case "output" -> {
                    int units = l.has("units") ? l.get("units").asInt() : SpecDefaults.outputUnits(task, loss, activation);
                    List<Double> weights = new ArrayList<>();
                    boolean balanced = false;
                    JsonNode cw = l.get("class_weights");
                    if (cw != null) {
                        if (cw.isTextual()) {
                            balanced = true;
                        } else {
                            cw.forEach(w -> weights.add(w.asDouble()));
                        }
                    } else if (loss.equals("weighted_cce")) {
                        balanced = true;
                    }
                    yield new LayerSpec.Output(units, activation, init, dropout, loss, weights, balanced,
                            l.get("gamma").asDouble(), l.get("delta").asDouble(), path);
                }
                default -> throw new SpecException(path + ".type '" + type + "' is not a layer type; use one of "
                        + String.join(", ", LayerSpec.TYPES));
            };
            checkLayer(layer, l, task, i, warnings);
            out.add(layer);
        }
        return out;
    }

    private static void checkLayer(LayerSpec l, ObjectNode raw, Task task, int index, List<String> warnings) {
        String p = l.path();
        if (index == 0 && (l.type().equals("dropout") || l.dropout() > 0 && !(l instanceof LayerSpec.Transformer))) {
            warnings.add(p + ": dropout on the input layer; dropping raw features discards information before any layer can use it: put dropout between hidden layers, or keep it at 0.2 or less on inputs (Srivastava et al. 2014)");
        }
        if (l.init().equals("zeros")) {
            warnings.add(p + ".init: zeros makes every unit of the layer learn the same thing (identical updates);"
                    + " use he with relu (He et al. 2015), xavier with tanh (Glorot and Bengio 2010)");
        }
        if (!l.type().equals("output") && l.activation().equals("sigmoid")) {
            warnings.add(p + ".activation: sigmoid in a hidden layer saturates and slows learning;"
                    + " keep sigmoid for outputs and use relu in hidden layers (Glorot, Bordes and Bengio 2011)");
        }
        if (!l.type().equals("output") && l.activation().equals("softmax")) {
            warnings.add(p + ".activation: softmax belongs on a multi-class output layer, not a hidden layer");
        }
        if (!(l instanceof LayerSpec.Output o)) {
            return;
        }
        String loss = o.loss();
        if (!o.classWeights().isEmpty() || raw.has("class_weights")) {
            if (!(loss.equals("weighted_cce") || loss.equals("focal"))) {
                throw new SpecException(p + ".class_weights applies to loss weighted_cce or focal, got loss '" + loss + "'");
            }
        }
        String act = l.activation();
        if (l.dropout() > 0) {
            warnings.add(p + ".dropout: dropout on the output layer; it perturbs the predictions themselves"
                    + " (use training.dropout or a dropout layer between hidden layers)");
        }
        if (task == Task.REGRESSION) {
            if (CLASS_LOSSES.contains(loss)) {
                throw new SpecException(p + ".loss '" + loss + "' is a classification loss but data.task is regression;"
                        + " use mse, mae or huber");
            }
            if (act.equals("softmax")) {
                throw new SpecException(p + ".activation softmax makes outputs sum to 1, which cannot fit regression targets;"
                        + " use identity");
            }
            if (act.equals("sigmoid") || act.equals("tanh")) {
                warnings.add(p + ".activation: " + act + " bounds the outputs, while regression targets are unbounded;"
                        + " use identity outputs for regression");
            }
            if (!raw.has("class_weights") && o.balancedWeights()) {
                throw new SpecException(p + ".class_weights applies to classification");
            }
            return;
        }
        if (REGRESSION_LOSSES.contains(loss)) {
            warnings.add(p + ".loss: " + loss + " on a " + task.spelling() + " task; classification trains better with cross-entropy"
                    + " (Goodfellow et al. 2016, section 6.2.2): use " + SpecDefaults.loss(task));
        }
        if ((loss.equals("cce") || loss.equals("weighted_cce")) && !act.equals("softmax")) {
            throw new SpecException(p + ".activation must be softmax with loss " + loss + ", got '" + act
                    + "'; or use loss bce with sigmoid");
        }
        if ((loss.equals("bce") || loss.equals("focal")) && !(act.equals("sigmoid") || act.equals("softmax"))) {
            throw new SpecException(p + ".activation must be sigmoid (or softmax) with loss " + loss + ", got '" + act
                    + "': the loss needs probabilities in (0, 1)");
        }
        if (CLASS_LOSSES.contains(loss) && !(act.equals("sigmoid") || act.equals("softmax"))) {
            throw new SpecException(p + ".activation '" + act + "' does not produce probabilities for loss " + loss);
        }
        if (task == Task.MULTILABEL && act.equals("softmax")) {
            warnings.add(p + ".activation: softmax on a multilabel task forces the labels to compete (they sum to 1);"
                    + " use sigmoid outputs with bce");
        }
        if (task == Task.MULTILABEL && (loss.equals("cce") || loss.equals("weighted_cce"))) {
            warnings.add(p + ".loss: " + loss + " assumes exactly one label per row; use bce (one sigmoid per label) for multilabel");
        }
        if (task == Task.BINARY && l.units() == 1 && (loss.equals("cce") || loss.equals("weighted_cce") || act.equals("softmax"))) {
            warnings.add(p + ": " + loss + " with " + act + " on a one-output binary model always outputs 1 and never learns;"
                    + " use loss bce with sigmoid, or units: 2");
        }
        if (task == Task.BINARY && l.units() > 2) {
            throw new SpecException(p + ".units must be 1 (sigmoid) or 2 (softmax) for a binary task, got " + l.units());
        }
        if (task == Task.BINARY && l.units() == 2 && act.equals("sigmoid")) {
            throw new SpecException(p + ": a binary model with 2 outputs needs activation softmax, got sigmoid;"
                    + " or use units: 1");
        }
    }

    // ------------------------------------------------------------------ training and metrics

    private static JobSpec.Training training(ObjectNode t, List<String> warnings) {
        String optimizer = t.get("optimizer").asText(); // every preset sets optimizer, batch_size and epochs
        boolean auto = t.path("lr").isTextual();
        double lr = t.has("lr") && !auto ? t.get("lr").asDouble() : SpecDefaults.lr(optimizer);
        double wd = t.has("weight_decay") ? t.get("weight_decay").asDouble() : SpecDefaults.weightDecay(optimizer);
        if (lr > 0.1) {
            warnings.add("training.lr: " + lr + " is very high and risks divergence (0.1 is already very high for SGD;"
                    + " Adam's published default is 0.001, Kingma and Ba 2015)");
        } else if ((optimizer.startsWith("adam") || optimizer.equals("rmsprop")) && lr > 0.01) {
            warnings.add("training.lr: " + lr + " is high for " + optimizer + " (its published default is 0.001, Kingma and Ba 2015)");
        }
        if (t.get("l2").asDouble() > 0 && wd > 0) {
            warnings.add("training: both l2 and weight_decay regularize the weights; add one regularizer at a"
                    + " time and keep it only if validation improves");
        }
        return new JobSpec.Training(optimizer, lr, t.get("momentum").asDouble(), t.get("beta1").asDouble(),
                t.get("beta2").asDouble(), t.get("epsilon").asDouble(), t.get("rho").asDouble(),
                t.get("batch_size").asInt(), t.get("epochs").asInt(),
                t.get("seed").asLong(), t.get("l2").asDouble(), wd, t.get("dropout").asDouble(), null, null, auto,
                Optional.ofNullable(t.get("gradient_clipping")).map(c -> new JobSpec.Clipping(
                        c.get("type").asText().equals("norm"), c.get("threshold").asDouble())));
    }

    private static JobSpec.Metrics metrics(ObjectNode m, Task task, boolean windowed) {
        List<Metric> valid = new ArrayList<>(task == Task.REGRESSION ? Metric.regression() : Metric.classification());
        String why = "computed for a " + task.spelling() + " task";
        if (!windowed && valid.remove(Metric.MASE)) {
            why = why + " without data.window (mase scales by the seasonal-naive error of a series)";
        }
        List<String> given = m.has("compute") ? strings(m.get("compute")) : SpecDefaults.metrics(task);
        List<String> compute = new ArrayList<>();
        for (int i = 0; i < given.size(); i++) {
            compute.add(Metric.parse(given.get(i), "metrics.compute[" + i + "]", valid, why).spelling());
        }
        String select = m.has("select") ? Metric.parse(m.get("select").asText(), "metrics.select", valid, why).spelling()
                : compute.get(0);
        LinkedHashSet<String> all = new LinkedHashSet<>(compute);
        all.add(select);
        return new JobSpec.Metrics(List.copyOf(all), select);
    }

    private static JobSpec.EarlyStopping earlyStopping(ObjectNode e, JobSpec.Metrics metrics, List<String> warnings) {
        Metric metric = monitorable(e.get("monitor").asText(), "training.early_stopping.monitor", metrics);
        String monitor = metric.validationName();
        String mode = e.get("mode").asText();
        boolean maximize = mode.equals("auto") ? metric.higherIsBetter() : mode.equals("max");
        boolean enabled = e.get("enabled").asBoolean();
        if (!enabled) {
            warnings.add("training.early_stopping.enabled: false; without it a run trains past its best epoch, wasting"
                    + " time and overfitting (Prechelt 1998, 'Early stopping - but when?')");
        }
        return new JobSpec.EarlyStopping(enabled, monitor, maximize, e.get("patience").asInt(),
                e.get("min_delta").asDouble(), e.get("restore_best").asBoolean());
    }

    /** A monitored validation metric: the loss or one the spec computes, either spelling. */
    private static Metric monitorable(String given, String where, JobSpec.Metrics metrics) {
        List<Metric> allowed = new ArrayList<>();
        allowed.add(Metric.LOSS);
        metrics.compute().forEach(m -> allowed.add(Metric.find(m).orElseThrow()));
        return Metric.parse(given, where, allowed, "computed by this spec (add it to metrics.compute)");
    }

    private static JobSpec.Schedule schedule(ObjectNode s, JobSpec.Training t, JobSpec.EarlyStopping early,
                                             JobSpec.Metrics metrics) {
        String type = s.get("type").asText();
        String at = "training.schedule.";
        double lr = t.lr();
        switch (type) {
            case "constant":
                return JobSpec.Schedule.constant();
            case "step":
            case "exponential":
                return type.equals("step") ? new JobSpec.Schedule.Step(s.get("step_size").asInt(), s.get("gamma").asDouble())
                        : new JobSpec.Schedule.Exponential(s.get("gamma").asDouble());
            case "cosine": {
                int warmup = s.get("warmup_epochs").asInt();
                double minLr = s.get("min_lr").asDouble();
                if (warmup >= t.epochs()) {
                    throw new SpecException(at + "warmup_epochs must be < training.epochs (" + t.epochs() + "), got "
                            + warmup + "; shorten the warmup or train longer");
                }
                if (minLr >= lr && !t.lrAuto()) { // an automatic rate is checked once it is chosen
                    throw new SpecException(at + "min_lr must be < training.lr (" + lr + "), got " + minLr);
                }
                return new JobSpec.Schedule.Cosine(warmup, minLr);
            }
            case "one_cycle": {
                if (t.lrAuto()) {
                    throw new SpecException("training.lr: auto does not combine with training.schedule.type: one_cycle,"
                            + " whose rate follows schedule.max_lr and never a base rate; set training.lr to a number, or"
                            + " run spindle lr-find and set schedule.max_lr near the rate where the loss is lowest");
                }
                double maxLr = s.has("max_lr") ? s.get("max_lr").asDouble() : lr;
                return new JobSpec.Schedule.OneCycle(maxLr, s.get("pct_start").asDouble(), s.get("div_factor").asDouble(),
                        s.get("final_div_factor").asDouble());
            }
            case "reduce_on_plateau": {
                Metric metric = monitorable(s.has("monitor") ? s.get("monitor").asText() : early.monitor(), at + "monitor",
                        metrics);
                String monitor = metric.validationName();
                double minLr = s.get("min_lr").asDouble();
                if (minLr >= lr && !t.lrAuto()) { // an automatic rate is checked once it is chosen
                    throw new SpecException(at + "min_lr must be < training.lr (" + lr + "), got " + minLr);
                }
                boolean maximize = metric.higherIsBetter();
                return new JobSpec.Schedule.ReduceOnPlateau(s.get("factor").asDouble(), s.get("patience").asInt(),
                        s.get("cooldown").asInt(), s.get("min_delta").asDouble(), minLr, monitor, maximize);
            }
            default:
                throw new IllegalStateException("schema admitted unknown schedule " + type);
        }
    }

    private static JobSpec.Cluster cluster(ObjectNode c) {
        ObjectNode o = (ObjectNode) c.get("outer_optimizer");
        JobSpec.OuterOptimizer outer = o.get("type").asText().equals("nesterov")
                ? new JobSpec.OuterOptimizer("nesterov", o.get("lr").asDouble(), o.get("momentum").asDouble())
                : JobSpec.OuterOptimizer.NONE;
        JobSpec.Cluster cluster = new JobSpec.Cluster(c.has("workers") ? Optional.of(c.get("workers").asInt()) : Optional.empty(),
                c.has("averaging_period") ? Optional.of(c.get("averaging_period").asInt()) : Optional.empty(),
                c.get("average_updater").asBoolean(), outer, c.get("lr_scaling").asText(),
                c.get("lr_warmup_epochs").asInt(), c.get("reshuffle").asText().equals("across"),
                c.get("eval_every_rounds").asInt(), c.get("checkpoint_every_epochs").asInt(),
                c.get("checkpoint_every_seconds").asDouble());
        if (cluster.checkpointEveryEpochs() == 0 && cluster.checkpointEverySeconds() == 0) {
            throw new SpecException("cluster.checkpoint_every_epochs and cluster.checkpoint_every_seconds are both 0, so"
                    + " no checkpoint would be written until the run ends; set one of them above 0 (the default is a"
                    + " checkpoint after every epoch)");
        }
        return cluster;
    }

    /** Writes the derived defaults into the resolved tree so that {@code validate} shows them. */
    private static void writeBack(ObjectNode tree, DataSpec data, List<LayerSpec> layers, JobSpec.Training t,
                                  JobSpec.Metrics m) {
        ObjectNode d = (ObjectNode) tree.get("data");
        d.put("format", data.format().name().toLowerCase(Locale.ROOT));
        ArrayNode label = d.putArray("label");
        data.label().forEach(label::add);
        ArrayNode raw = (ArrayNode) tree.at("/model/layers");
        for (int i = 0; i < layers.size(); i++) {
            LayerSpec l = layers.get(i);
            ObjectNode n = (ObjectNode) raw.get(i);
            if (!l.activation().isEmpty()) {
                n.put("activation", l.activation());
            }
            if (!l.init().isEmpty()) {
                n.put("init", l.init());
            }
            if (l instanceof LayerSpec.Transformer tf) {
                n.put("ff_size", tf.ffSize());
            }
            if (l instanceof LayerSpec.Output o) {
                n.put("loss", o.loss());
                if (o.units() > 0) {
                    n.put("units", o.units());
                }
                if (o.balancedWeights()) {
                    n.put("class_weights", "balanced");
                }
            }
        }
        ObjectNode tr = (ObjectNode) tree.get("training");
        tr.put("optimizer", t.optimizer());
        if (t.lrAuto()) {
            tr.put("lr", "auto");
        } else {
            tr.put("lr", t.lr());
        }
        tr.put("batch_size", t.batchSize());
        tr.put("epochs", t.epochs());
        tr.put("weight_decay", t.weightDecay());
        ObjectNode es = (ObjectNode) tr.get("early_stopping");
        es.put("mode", t.earlyStopping().maximize() ? "max" : "min");
        es.put("monitor", t.earlyStopping().monitor());
        if (tr.path("schedule").has("monitor")) {
            ((ObjectNode) tr.get("schedule")).put("monitor", ((JobSpec.Schedule.ReduceOnPlateau) t.schedule()).monitor());
        }
        ObjectNode mt = (ObjectNode) tree.get("metrics");
        ArrayNode compute = mt.putArray("compute");
        m.compute().forEach(compute::add);
        mt.put("select", m.select());
    }

    // ------------------------------------------------------------------ helpers

    private static String check(Schema root, String path, String value, Schema.Str s) {
        return s.resolve(Schema.F.textNode(value), path).asText();
    }

    private static Optional<String> text(ObjectNode root, String section, String key) {
        JsonNode s = root.get(section);
        if (s == null || !s.isObject()) {
            return Optional.empty();
        }
        JsonNode v = s.get(key);
        if (v == null || v.isNull()) {
            return Optional.empty();
        }
        if (!v.isTextual()) {
            throw new SpecException(section + "." + key + " must be a string, got " + Schema.show(v));
        }
        return Optional.of(v.asText());
    }

    private static Optional<String> optText(ObjectNode n, String key) {
        return n.has(key) ? Optional.of(n.get(key).asText()) : Optional.empty();
    }

    private static List<String> strings(JsonNode n) {
        List<String> out = new ArrayList<>();
        if (n == null) {
            return out;
        }
        if (n.isArray()) {
            n.forEach(v -> out.add(v.asText()));
        } else {
            out.add(n.asText());
        }
        return out;
    }

    private static List<Integer> pair(JsonNode n) {
        if (n == null) {
            return List.of();
        }
        if (n.isArray()) {
            return List.of(n.get(0).asInt(), n.get(1).asInt());
        }
        return List.of(n.asInt(), n.asInt());
    }

    private static String round(double d) {
        return String.format(Locale.ROOT, "%.4g", d);
    }
}
