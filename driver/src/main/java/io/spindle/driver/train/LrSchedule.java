package io.spindle.driver.train;

import io.spindle.driver.spec.JobSpec;

/**
 * The learning rate of every round, as the driver broadcasts it. Step and exponential decay
 * change the rate once per epoch; cosine (with linear warmup) and one-cycle change it every round,
 * over {@code epochs x roundsPerEpoch} rounds; reduce-on-plateau follows the validation results
 * through {@link Plateau}. A data-parallel scale factor ({@code cluster.lr_scaling}) multiplies
 * every rate; over its warmup rounds ({@code cluster.lr_warmup_epochs}) the factor itself ramps up
 * linearly, round by round, from 1 to its full value (gradual warmup, Goyal et al. 2017).
 */
public final class LrSchedule {

    private final JobSpec.Schedule schedule;
    private final double base;
    private final double scale;
    private final long warmupRounds;
    private final int epochs;
    private final int roundsPerEpoch;

    /**
     * @param schedule the spec's schedule
     * @param base training.lr
     * @param epochs training.epochs
     * @param roundsPerEpoch rounds in one epoch
     */
    public LrSchedule(JobSpec.Schedule schedule, double base, int epochs, int roundsPerEpoch) {
        this(schedule, base, 1.0, 0, epochs, roundsPerEpoch);
    }

    /**
     * @param schedule the spec's schedule
     * @param base training.lr
     * @param scale factor for data-parallel training ({@code cluster.lr_scaling}); multiplies every
     *     rate of the fixed schedules (reduce-on-plateau starts from the scaled rate)
     * @param warmupEpochs epochs over which the factor ramps up from 1 ({@code cluster.lr_warmup_epochs}; 0: none)
     * @param epochs training.epochs
     * @param roundsPerEpoch rounds in one epoch
     */
    public LrSchedule(JobSpec.Schedule schedule, double base, double scale, int warmupEpochs, int epochs,
                      int roundsPerEpoch) {
        if (roundsPerEpoch < 1) {
            throw new IllegalArgumentException("roundsPerEpoch must be >= 1, got " + roundsPerEpoch);
        }
        if (warmupEpochs < 0) {
            throw new IllegalArgumentException("warmupEpochs must be >= 0, got " + warmupEpochs);
        }
        this.schedule = schedule;
        this.base = base;
        this.scale = scale;
        this.warmupRounds = scale == 1.0 ? 0 : (long) warmupEpochs * roundsPerEpoch;
        this.epochs = epochs;
        this.roundsPerEpoch = roundsPerEpoch;
    }

    /**
     * @param epoch 0-based epoch
     * @param round 0-based round within the epoch
     * @param plateau the reduce-on-plateau state (used by that schedule only)
     * @return the learning rate of that round
     */
    public double rate(int epoch, int round, Plateau plateau) {
        long k = (long) epoch * roundsPerEpoch + round;
        // reduce-on-plateau's rate already holds the full factor: scale it back during the warmup
        return schedule.adaptive() ? plateau.lr() * factor(k) / scale : factor(k) * unscaled(epoch, round);
    }

    /** @return the scale factor of round {@code k} (0-based over the whole run): ramping up during the warmup */
    private double factor(long k) {
        return k >= warmupRounds ? scale : 1 + (scale - 1) * (double) (k + 1) / (warmupRounds + 1);
    }

    private double unscaled(int epoch, int round) {
        long k = (long) epoch * roundsPerEpoch + round;
        return schedule.rate(base, epoch, k, (long) epochs * roundsPerEpoch, roundsPerEpoch);
    }

    /** @return whether the rate differs from training.lr at some point (false: leave DL4J's configured rate alone) */
    public boolean varies() {
        return !(schedule instanceof JobSpec.Schedule.Constant) || scale != 1.0;
    }

    /** @return the rate reduce-on-plateau starts from */
    public double start() {
        return base * scale;
    }

    /**
     * Reduce-on-plateau state: the current rate, the best monitored value, epochs without
     * improvement and cooldown epochs left. Immutable; {@link #next} gives the state after a check.
     *
     * @param lr current rate
     * @param best best monitored value so far (NaN before the first check)
     * @param waited checks without improvement since the best or the last reduction
     * @param cooldown checks left before waiting counts again
     */
    public record Plateau(double lr, double best, int waited, int cooldown) {

        /**
         * @param lr the starting rate
         * @return the state before any check
         */
        public static Plateau start(double lr) {
            return new Plateau(lr, Double.NaN, 0, 0);
        }

        /**
         * @param s the schedule (reduce_on_plateau settings)
         * @param value the monitored value of this check (NaN or infinite counts as no improvement)
         * @return the state after the check
         */
        public Plateau next(JobSpec.Schedule.ReduceOnPlateau s, double value) {
            boolean improved = Double.isFinite(value) && (Double.isNaN(best)
                    || (s.maximize() ? value > best + s.minDelta() : value < best - s.minDelta()));
            double newBest = improved ? value : best;
            if (cooldown > 0) {
                return new Plateau(lr, newBest, 0, cooldown - 1);
            }
            int w = improved ? 0 : waited + 1;
            if (w >= s.patience()) {
                double reduced = Math.max(s.minLr(), lr * s.factor());
                return new Plateau(reduced, newBest, 0, s.cooldown());
            }
            return new Plateau(lr, newBest, w, 0);
        }
    }
}
