/**
 * The pure-Java core of hyperparameter sweeps: search spaces ({@link io.spindle.driver.sweep.Space}),
 * ask/tell search strategies ({@link io.spindle.driver.sweep.SearchStrategy}: grid, random, TPE,
 * and the {@link io.spindle.driver.sweep.Limited} concurrency wrapper) and trial schedulers that
 * stop unpromising trials early ({@link io.spindle.driver.sweep.TrialScheduler}: ASHA, Hyperband,
 * median stopping). Every stateful object has a JSON {@code snapshot()} and a {@code restore(...)}
 * so a resumed sweep continues identically.
 *
 * <p>Nothing here may touch Spark, DL4J, data or the file system: trial execution lives elsewhere
 * and applies a proposal with {@code JobSpec.withOverrides(config.values())}.
 */
package io.spindle.driver.sweep;
