/**
 * The driver's training loop: rounds of broadcast, executor training and averaging, validation
 * with mergeable metrics after every epoch, early stopping and divergence detection.
 */
package io.spindle.driver.train;
