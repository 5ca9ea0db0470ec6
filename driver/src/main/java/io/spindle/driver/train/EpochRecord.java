package io.spindle.driver.train;

import java.util.Map;

/**
 * One validation check of a trial, as printed and stored: normally at the end of an epoch; with
 * {@code cluster.eval_every_rounds} also part way through one ({@link #partial()}).
 *
 * @param epoch 1-based epoch
 * @param trainLoss mean minibatch loss over the epoch (with regularization terms)
 * @param valLoss mean validation loss (without regularization terms)
 * @param validation validation metrics by name
 * @param learningRate the learning rate used
 * @param samplesPerSecond training rows per second of wall time
 * @param seconds wall seconds of the epoch so far (training and validation)
 * @param rounds averaging rounds of the epoch trained when the check ran
 * @param partial whether the check ran before the end of the epoch
 */
public record EpochRecord(int epoch, double trainLoss, double valLoss, Map<String, Double> validation,
                          double learningRate, double samplesPerSecond, double seconds, int rounds, boolean partial) {
    public EpochRecord {
        validation = Map.copyOf(validation);
    }

    /**
     * @param records validation checks of a run
     * @return the mean training throughput over its full epochs (mid-epoch checks left out), 0 for none
     */
    public static double meanSamplesPerSecond(java.util.List<EpochRecord> records) {
        return records.stream().filter(e -> !e.partial()).mapToDouble(EpochRecord::samplesPerSecond).average().orElse(0);
    }
}
