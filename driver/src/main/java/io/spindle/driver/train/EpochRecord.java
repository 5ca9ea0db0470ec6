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
 * @param train the same metrics (and {@code loss}) on a fixed sample of up to
 *     {@value ShardPlan#TRAIN_SAMPLE} train rows, evaluated like validation (no dropout), so the
 *     two compare: their gap is the overfitting signal; empty in records older than this field
 */
public record EpochRecord(int epoch, double trainLoss, double valLoss, Map<String, Double> validation,
                          double learningRate, double samplesPerSecond, double seconds, int rounds, boolean partial,
                          Map<String, Double> train) {
    public EpochRecord {
        validation = Map.copyOf(validation);
        train = train == null ? Map.of() : Map.copyOf(train);
    }

    /**
     * A record without train-sample metrics.
     *
     * @param epoch 1-based epoch
     * @param trainLoss mean minibatch loss over the epoch
     * @param valLoss mean validation loss
     * @param validation validation metrics by name
     * @param learningRate the learning rate used
     * @param samplesPerSecond training rows per second
     * @param seconds wall seconds of the epoch so far
     * @param rounds averaging rounds trained when the check ran
     * @param partial whether the check ran before the end of the epoch
     */
    public EpochRecord(int epoch, double trainLoss, double valLoss, Map<String, Double> validation, double learningRate,
                       double samplesPerSecond, double seconds, int rounds, boolean partial) {
        this(epoch, trainLoss, valLoss, validation, learningRate, samplesPerSecond, seconds, rounds, partial, Map.of());
    }

    /**
     * @param records validation checks of a run
     * @return the mean training throughput over its full epochs (mid-epoch checks left out), 0 for none
     */
    public static double meanSamplesPerSecond(java.util.List<EpochRecord> records) {
        return records.stream().filter(e -> !e.partial()).mapToDouble(EpochRecord::samplesPerSecond).average().orElse(0);
    }
}
