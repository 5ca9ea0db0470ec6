/**
 * Evaluation metrics that executors compute on their own partitions and the driver merges
 * ({@link io.spindle.kernels.eval.MetricsAccumulator}).
 */
package io.spindle.kernels.eval;
