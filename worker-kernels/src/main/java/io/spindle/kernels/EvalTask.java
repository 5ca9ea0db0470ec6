package io.spindle.kernels;

import io.spindle.kernels.eval.TaskKind;
import java.io.Serializable;
import java.util.Objects;

/**
 * What a partition evaluates: the network, how to shape rows, and how to read its outputs.
 *
 * @param trialId the trial (keys the executor's evaluation network)
 * @param dataKey the cached data set (validation or test)
 * @param configJson the DL4J configuration as JSON
 * @param shape how rows become input and labels
 * @param kind the task, which decides the metrics
 * @param outputs classes, labels or targets the metrics see
 * @param labelShift regression: per-target shift undone before metrics (empty: none)
 * @param labelScale regression: per-target scale undone before metrics (empty: none)
 * @param batchSize rows per forward pass
 */
public record EvalTask(String trialId, String dataKey, String configJson, InputShape shape, TaskKind kind, int outputs,
                       float[] labelShift, float[] labelScale, int batchSize) implements Serializable {
    public EvalTask {
        Objects.requireNonNull(trialId);
        Objects.requireNonNull(dataKey);
        Objects.requireNonNull(configJson);
        Objects.requireNonNull(kind);
    }
}
