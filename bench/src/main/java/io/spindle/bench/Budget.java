package io.spindle.bench;

/**
 * How long one system may train on one case: it stops after {@code maxEpochs} epochs, or after
 * the first epoch that ends with more than {@code maxSeconds} of training time, whichever comes
 * first (so it always completes at least one epoch). For MLlib, {@code maxEpochs} caps the
 * L-BFGS iterations of its largest fit and {@code maxSeconds} the training time of all its fits.
 *
 * @param maxEpochs most epochs (MLlib: iterations), at least 1
 * @param maxSeconds training-time budget in seconds, &gt; 0
 */
public record Budget(int maxEpochs, double maxSeconds) {

    public Budget {
        if (maxEpochs < 1) {
            throw new IllegalArgumentException("maxEpochs must be >= 1, got " + maxEpochs);
        }
        if (!(maxSeconds > 0)) {
            throw new IllegalArgumentException("maxSeconds must be > 0, got " + maxSeconds);
        }
    }

    /**
     * @param epochsDone epochs completed
     * @param secondsSpent training seconds spent so far
     * @return whether another epoch may start
     */
    public boolean allowsAnother(int epochsDone, double secondsSpent) {
        return epochsDone < maxEpochs && secondsSpent < maxSeconds;
    }

    /**
     * @param epochsDone epochs completed
     * @param secondsSpent training seconds spent so far
     * @return why the run stopped, in words
     */
    public String stopReason(int epochsDone, double secondsSpent) {
        return epochsDone >= maxEpochs ? "stopped at the epoch cap (" + maxEpochs + ")"
                : String.format(java.util.Locale.ROOT, "stopped by the time budget (%.1f s spent, budget %.0f s)",
                        secondsSpent, maxSeconds);
    }
}
