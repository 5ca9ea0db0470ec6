/**
 * The driver side of Spindle: specs ({@code spec}), data loading ({@code data}), network
 * building ({@code model}), the training loop ({@code train}), saved models and prediction
 * ({@code predict}) and whole jobs ({@code job}).
 * Depends on worker-kernels and Spark SQL; never on the CLI.
 */
package io.spindle.driver;
