package io.spindle.driver.predict;

import io.spindle.driver.data.Normalization;
import io.spindle.driver.data.PreparedData;
import io.spindle.driver.spec.DataSpec;
import io.spindle.driver.spec.Task;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What the data loader fitted and a prediction must repeat: which columns feed the network in
 * which order, how categorical columns are one-hot encoded, how features (and regression targets)
 * are scaled, and what the outputs mean.
 *
 * @param task what the network predicts
 * @param features the feature columns as the data names them, in encoding order (windows: the
 *     columns each window step holds)
 * @param categories per categorical feature column, its values in one-hot order
 * @param encodedFeatures the network's inputs by name (a one-hot input is {@code column=value})
 * @param labels the label columns (windows: one name per target and horizon step)
 * @param classes class labels in output-index order (binary and multiclass); empty otherwise
 * @param normalization the scaling fitted on the train split: {@code x' = (x - shift) / scale}
 *     per network input and, for regression, per output
 * @param window the window settings of a model trained on windows cut from a series, or empty
 */
public record InputPipeline(Task task, List<String> features, Map<String, List<String>> categories,
                            List<String> encodedFeatures, List<String> labels, List<String> classes,
                            Normalization normalization, Optional<DataSpec.Window> window) {

    /**
     * Copies the collections and checks that the parts fit together.
     *
     * @throws IllegalArgumentException when they do not (names the part and the sizes)
     */
    public InputPipeline {
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(normalization, "normalization");
        Objects.requireNonNull(window, "window");
        features = List.copyOf(features);
        LinkedHashMap<String, List<String>> c = new LinkedHashMap<>();
        categories.forEach((k, v) -> c.put(k, List.copyOf(v)));
        categories = Collections.unmodifiableMap(c);
        encodedFeatures = List.copyOf(encodedFeatures);
        labels = List.copyOf(labels);
        classes = List.copyOf(classes);
        if (features.isEmpty()) {
            throw new IllegalArgumentException("the input pipeline has no feature columns");
        }
        for (String k : categories.keySet()) {
            if (!features.contains(k)) {
                throw new IllegalArgumentException("categorical column '" + k + "' is not a feature column " + features);
            }
        }
        if (normalization.featureShift().length != encodedFeatures.size()
                || normalization.featureScale().length != encodedFeatures.size()) {
            throw new IllegalArgumentException("the normalization has " + normalization.featureShift().length
                    + " feature shifts and " + normalization.featureScale().length + " scales for "
                    + encodedFeatures.size() + " network inputs");
        }
        int targets = task == Task.REGRESSION ? labels.size() : 0;
        if (normalization.labelShift().length != targets || normalization.labelScale().length != targets) {
            throw new IllegalArgumentException("the normalization has " + normalization.labelShift().length
                    + " target shifts for " + targets + " regression targets");
        }
        if ((task == Task.MULTICLASS || task == Task.BINARY) && classes.size() < 2) {
            throw new IllegalArgumentException("a " + task.spelling() + " model needs at least two classes, got " + classes);
        }
    }

    /**
     * The pipeline of a run's prepared data.
     *
     * @param data the run's {@code data} section
     * @param layout what the loader found
     * @param normalization what the loader fitted
     * @return the pipeline
     */
    public static InputPipeline of(DataSpec data, PreparedData.Layout layout, Normalization normalization) {
        return new InputPipeline(data.task(), layout.columns(), layout.categories(), layout.featureNames(),
                layout.labelNames(), layout.classes(), normalization, data.window());
    }

    /** @return the number of values the network takes per row */
    public int inputWidth() {
        return encodedFeatures.size();
    }
}
