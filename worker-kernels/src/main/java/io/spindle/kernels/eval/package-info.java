/**
 * Evaluation metrics that executors compute on their own partitions and the driver merges.
 *
 * <p>{@link io.spindle.kernels.eval.MetricsAccumulator} is the one entry point: it is
 * {@link java.io.Serializable}, holds only bounded-size counts and moments (never the rows), and
 * its {@code merge} is exact for every count, so a Spark {@code reduce}/{@code treeAggregate}
 * gives the same {@link io.spindle.kernels.eval.Metrics} however the rows were split across
 * partitions (regression moments agree up to floating-point rounding).
 *
 * <p>What may not live here: anything that knows about Spark, networks or training. This package
 * depends only on ND4J's {@code INDArray} for its input type.
 */
package io.spindle.kernels.eval;
