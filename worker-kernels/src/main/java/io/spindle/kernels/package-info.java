/**
 * The executor side: partition rows to minibatches ({@link io.spindle.kernels.Batches}), the
 * training kernel ({@link io.spindle.kernels.TrainingKernel}), the evaluation kernel, and the
 * per-executor cache of data and networks. Receives immutable task descriptions; knows nothing of
 * specs, sweeps or result tables.
 */
package io.spindle.kernels;
