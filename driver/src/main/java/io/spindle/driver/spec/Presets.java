package io.spindle.driver.spec;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * Presets: common defaults per kind of task (metric, loss, initialization, optimizer) and a
 * recommended starting network (2-3 hidden
 * ReLU layers of 128-256 units, Adam at 1e-3, batch 32, up to 100-200 epochs, early stopping
 * with patience 15, dropout 0.3-0.5). A spec's own values override a preset's.
 */
public final class Presets {

    private static final String CLASSIFIER_LAYERS = """
            model:
              layers:
                - {type: dense, units: 256, activation: relu}
                - {type: dense, units: 128, activation: relu}
                - {type: output}
            """;

    private static final Map<String, String> PRESETS = Map.of(
            "classification", """
                    data: {task: multiclass, normalize: standardize}
                    training: {optimizer: adam, batch_size: 32, epochs: 100, dropout: 0.3}
                    metrics: {select: accuracy}
                    """ + CLASSIFIER_LAYERS,
            "binary", """
                    data: {task: binary, normalize: standardize}
                    training: {optimizer: adam, batch_size: 32, epochs: 100, dropout: 0.3}
                    metrics: {select: auc}
                    """ + CLASSIFIER_LAYERS,
            "multilabel", """
                    data: {task: multilabel, normalize: standardize}
                    training: {optimizer: adam, batch_size: 32, epochs: 100, dropout: 0.3}
                    metrics: {select: f1}
                    """ + CLASSIFIER_LAYERS,
            "imbalanced", """
                    data: {task: binary, normalize: standardize}
                    training: {optimizer: adamw, batch_size: 32, epochs: 100, dropout: 0.3, weight_decay: 0.01}
                    metrics: {select: f1, compute: [accuracy, precision, recall, f1, auc]}
                    model:
                      init: xavier
                      layers:
                        - {type: dense, units: 256, activation: relu}
                        - {type: dense, units: 128, activation: relu}
                        - {type: output, units: 2, activation: softmax, loss: weighted_cce, class_weights: balanced}
                    """,
            "regression", """
                    data: {task: regression, normalize: standardize}
                    training: {optimizer: adam, batch_size: 32, epochs: 200}
                    metrics: {select: rmse}
                    model:
                      layers:
                        - {type: dense, units: 128, activation: relu}
                        - {type: dense, units: 64, activation: relu}
                        - {type: output}
                    """,
            "timeseries", """
                    data: {task: regression, normalize: standardize}
                    training: {optimizer: rmsprop, batch_size: 32, epochs: 200}
                    metrics: {select: rmse, compute: [rmse, mae, mse, r2]}
                    model:
                      init: he
                      layers:
                        - {type: lstm, units: 64}
                        - {type: output}
                    """,
            "image", """
                    data: {task: multiclass, normalize: minmax}
                    training: {optimizer: momentum, batch_size: 64, epochs: 30}
                    metrics: {select: accuracy}
                    model:
                      layers:
                        - {type: conv2d, filters: 32, kernel: 3, activation: relu}
                        - {type: pooling, pool: max, size: 2}
                        - {type: conv2d, filters: 64, kernel: 3, activation: relu}
                        - {type: pooling, pool: max, size: 2}
                        - {type: dense, units: 128, activation: relu}
                        - {type: output}
                    """);

    private Presets() {
    }

    /**
     * @param name a preset name from {@link SpecSchema#PRESETS}
     * @return the preset's partial spec tree (a fresh copy)
     */
    public static ObjectNode tree(String name) {
        String yaml = PRESETS.get(name);
        if (yaml == null) {
            throw new SpecException("model.preset must be one of " + String.join(", ", SpecSchema.PRESETS) + ", got '" + name + "'");
        }
        return SpecTrees.parse(yaml, "preset " + name);
    }

    /**
     * @param task a task spelling
     * @return the preset used when a spec names a task but no preset
     */
    public static String forTask(String task) {
        return switch (task) {
            case "binary" -> "binary";
            case "multilabel" -> "multilabel";
            case "regression" -> "regression";
            default -> "classification";
        };
    }
}
