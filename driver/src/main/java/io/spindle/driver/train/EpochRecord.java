package io.spindle.driver.train;

import java.util.Map;

/**
 * One epoch of a trial, as printed and stored.
 *
 * @param epoch 1-based epoch
 * @param trainLoss mean minibatch loss over the epoch (with regularization terms)
 * @param valLoss mean validation loss (without regularization terms)
 * @param validation validation metrics by name
 * @param learningRate the learning rate used
 * @param samplesPerSecond training rows per second of wall time
 * @param seconds wall seconds of the epoch (training and validation)
 */
public record EpochRecord(int epoch, double trainLoss, double valLoss, Map<String, Double> validation,
                          double learningRate, double samplesPerSecond, double seconds) {
    public EpochRecord {
        validation = Map.copyOf(validation);
    }
}
