package io.spindle.driver.results;

import com.fasterxml.jackson.databind.JsonNode;
import io.spindle.driver.spec.JobSpec;
import io.spindle.driver.train.EpochRecord;
import io.spindle.kernels.eval.Metrics;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The columns of the result tables, built from a spec, its epochs and its outcome.
 *
 * <p>{@code trials}: {@code sweep_id}, {@code trial_id}, {@code status}, {@code task}, every
 * hyperparameter of the resolved spec as its own column ({@code training_lr},
 * {@code training_batch_size}, {@code model_layers_0_units}, {@code cluster_workers}, a forecast's
 * {@code data_window_size}, ...),
 * {@code epochs_run}, {@code best_epoch}, {@code select_metric}, {@code best_val} (the selected
 * validation metric at the best epoch), {@code test_<metric>} ({@code test_accuracy},
 * {@code test_f1}, {@code test_rmse}, ...), {@code diagnosis}, {@code wall_seconds},
 * {@code samples_per_s}, {@code model_path}, {@code seed}, {@code spindle_version},
 * {@code updated_at}.
 *
 * <p>{@code epochs}: {@code sweep_id}, {@code trial_id}, {@code epoch}, {@code rounds},
 * {@code partial}, {@code train_loss}, {@code val_loss}, {@code val_<metric>}, {@code lr},
 * {@code samples_per_s}, {@code seconds}.
 */
public final class ResultRows {

    private ResultRows() {
    }

    /**
     * The outcome part of a trial row.
     *
     * @param status RUNNING, COMPLETED, EARLY_STOPPED, PRUNED, DIVERGED or FAILED
     * @param epochsRun epochs trained to the end
     * @param bestEpoch 1-based epoch of the kept parameters (0: none)
     * @param bestValidation validation metrics of the kept parameters
     * @param test test metrics (evaluated once, at the end)
     * @param diagnosis advice when the run went wrong
     * @param wallSeconds wall seconds so far
     * @param samplesPerSecond mean training throughput
     * @param modelPath where the model was written (empty while running)
     */
    public record Outcome(io.spindle.driver.train.Status status, int epochsRun, int bestEpoch, Optional<Metrics> bestValidation,
                          Optional<Metrics> test, String diagnosis, double wallSeconds, double samplesPerSecond,
                          String modelPath) { }

    /**
     * @param sweepId the run or sweep
     * @param trialId the trial
     * @param spec the trial's resolved spec
     * @param o its outcome so far
     * @return the trial's row
     */
    public static Map<String, Object> trial(String sweepId, String trialId, JobSpec spec, Outcome o) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("sweep_id", sweepId);
        r.put("trial_id", trialId);
        r.put("status", o.status().name());
        r.put("task", spec.data().task().spelling());
        r.putAll(hyperparameters(spec));
        r.put("epochs_run", o.epochsRun());
        r.put("best_epoch", o.bestEpoch());
        String select = spec.metrics().select();
        r.put("select_metric", select);
        r.put("best_val", o.bestValidation().map(m -> m.values().get(select)).orElse(null));
        o.test().ifPresent(m -> new TreeMap<>(m.values()).forEach((k, v) -> r.put("test_" + k, v)));
        r.put("diagnosis", o.diagnosis());
        r.put("wall_seconds", o.wallSeconds());
        r.put("samples_per_s", o.samplesPerSecond());
        r.put("model_path", o.modelPath());
        r.put("seed", spec.training().seed());
        r.put("spindle_version", BuildInfo.spindle());
        r.put("updated_at", Instant.now().toString());
        return r;
    }

    /**
     * @param sweepId the run or sweep
     * @param trialId the trial
     * @param e a validation check
     * @return its epochs row
     */
    public static Map<String, Object> epoch(String sweepId, String trialId, EpochRecord e) {
        return epochRow(sweepId, trialId, e);
    }

    /**
     * @param e a check
     * @return its metrics on the fixed train sample as columns: {@code train_<metric>}, and
     *     {@code train_eval_loss} (the loss evaluated like {@code val_loss}, without dropout;
     *     {@code train_loss} is the mean minibatch loss during training)
     */
    public static Map<String, Double> trainSample(EpochRecord e) {
        Map<String, Double> out = new LinkedHashMap<>();
        new TreeMap<>(e.train()).forEach((k, v) -> out.put(k.equals("loss") ? "train_eval_loss" : "train_" + k, v));
        return out;
    }

    private static Map<String, Object> epochRow(String sweepId, String trialId, EpochRecord e) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("sweep_id", sweepId);
        r.put("trial_id", trialId);
        r.put("epoch", e.epoch());
        r.put("rounds", e.rounds());
        r.put("partial", e.partial());
        r.put("train_loss", e.trainLoss());
        r.put("val_loss", e.valLoss());
        new TreeMap<>(e.validation()).forEach((k, v) -> {
            if (!k.equals("loss")) {
                r.put("val_" + k, v);
            }
        });
        trainSample(e).forEach(r::put);
        r.put("lr", e.learningRate());
        r.put("samples_per_s", e.samplesPerSecond());
        r.put("seconds", e.seconds());
        return r;
    }

    /**
     * @param spec a resolved spec
     * @return its {@code model}, {@code training} and {@code cluster} settings flattened to columns
     *     ({@code training.early_stopping.patience} becomes {@code training_early_stopping_patience})
     */
    public static Map<String, Object> hyperparameters(JobSpec spec) {
        Map<String, Object> out = new LinkedHashMap<>();
        JsonNode tree = spec.resolved();
        for (String section : List.of("model", "training", "cluster")) {
            flatten(section, tree.get(section), out);
        }
        // a forecast's window is tuned like a hyperparameter (data_window_size, data_window_horizon, ...)
        if (tree.at("/data/window").isObject()) {
            flatten("data_window", tree.at("/data/window"), out);
        }
        return out;
    }

    /**
     * @param column a trials-table column
     * @return whether it holds a setting of the spec's model, training or cluster section or of
     *     {@code data.window}
     *     ({@link #hyperparameters}), as opposed to an outcome such as {@code model_path}
     */
    public static boolean isHyperparameter(String column) {
        return (column.startsWith("model_") && !column.equals("model_path")) || column.startsWith("training_")
                || column.startsWith("cluster_") || column.startsWith("data_window_");
    }

    private static void flatten(String prefix, JsonNode n, Map<String, Object> out) {
        if (n == null || n.isNull()) {
            return;
        }
        if (n.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                flatten(prefix + "_" + f.getKey(), f.getValue(), out);
            }
        } else if (n.isArray()) {
            for (int i = 0; i < n.size(); i++) {
                flatten(prefix + "_" + i, n.get(i), out);
            }
        } else if (n.isIntegralNumber()) {
            out.put(column(prefix), n.asLong());
        } else if (n.isNumber()) {
            out.put(column(prefix), n.asDouble());
        } else if (n.isBoolean()) {
            out.put(column(prefix), n.asBoolean());
        } else {
            out.put(column(prefix), n.asText());
        }
    }

    private static String column(String path) {
        return path.replaceAll("[^A-Za-z0-9_]", "_").toLowerCase(java.util.Locale.ROOT);
    }
}
