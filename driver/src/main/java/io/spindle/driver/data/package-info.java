/**
 * Data loading: reads the rows named by a job spec's {@code data} section through Spark (CSV,
 * LibSVM, Parquet; local or any Hadoop file system; gzip), reports bad rows by file, line and
 * column, splits them into train / validation / test, encodes labels and categorical columns,
 * fits the normalization on the train split and hands out ready-to-train
 * {@link io.spindle.kernels.Block}s.
 *
 * <p>The public entry point is {@link io.spindle.driver.data.DataLoader}; its results are
 * {@link io.spindle.driver.data.PreparedData} and {@link io.spindle.driver.data.DataException}.
 * Everything else here is package-private machinery. Nothing in this package collects data rows
 * to the driver, and nothing here knows about models or training.
 */
package io.spindle.driver.data;
