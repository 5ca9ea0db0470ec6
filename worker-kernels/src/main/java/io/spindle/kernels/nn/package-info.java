/**
 * Network building blocks that DL4J 1.0.0-M2.1 lacks: the Huber and focal losses, a GRU
 * recurrent layer ({@link io.spindle.kernels.nn.Gru}) and a transformer encoder layer
 * ({@link io.spindle.kernels.nn.TransformerEncoder}). They use ND4J array operations or SameDiff
 * graphs only and survive DL4J's JSON round trip of a network configuration.
 */
package io.spindle.kernels.nn;
