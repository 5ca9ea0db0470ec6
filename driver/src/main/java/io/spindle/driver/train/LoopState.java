package io.spindle.driver.train;

import io.spindle.driver.spec.JobSpec;
import io.spindle.driver.spec.SpecDigest;
import io.spindle.driver.spec.SpecException;
import io.spindle.kernels.eval.Metrics;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The epoch loop's state between rounds, as an immutable value: every round and every evaluation
 * makes a new one, and {@link #checkpoint} is the same value with the run's identity and time
 * added. Arrays are never written after they are handed in (a round's result replaces them).
 *
 * @param params current parameters
 * @param updater shared updater state (empty when workers keep their own)
 * @param velocity the outer optimizer's velocity (empty without one)
 * @param best kept parameters
 * @param pendingWorkerUpdaters per-worker updater states still to hand out (after a resume), else empty
 * @param epochsDone epochs finished
 * @param iteration minibatch steps per worker so far
 * @param plateau reduce-on-plateau's state
 * @param bestValue best monitored value (NaN before the first evaluation)
 * @param bestEpoch epoch of the kept parameters (0: none yet)
 * @param sinceBest evaluations since the monitored value last improved
 * @param status RUNNING, or how the trial ended
 * @param diagnosis why it ended, when a callback said (empty otherwise)
 * @param history every evaluation so far
 * @param bestMetrics validation metrics of the kept parameters, once there are any
 */
record LoopState(float[] params, float[] updater, float[] velocity, float[] best, float[][] pendingWorkerUpdaters,
                 int epochsDone, int iteration, LrSchedule.Plateau plateau, double bestValue, int bestEpoch,
                 int sinceBest, Status status, String diagnosis, List<EpochRecord> history,
                 Optional<Metrics> bestMetrics) {

    /** Freezes the history. */
    LoopState {
        history = List.copyOf(history);
    }

    /** @return the state of a run from its initialized network */
    static LoopState fresh(float[] params, float[] updater, float[] velocity, double lr) {
        return new LoopState(params, updater, velocity, params, new float[0][], 0, 0, LrSchedule.Plateau.start(lr),
                Double.NaN, 0, 0, Status.RUNNING, "", List.of(), Optional.empty());
    }

    /**
     * @return the state a checkpoint saved
     * @throws SpecException when it was written with other workers or another averaging period
     */
    static LoopState from(Checkpoint c, int workers, int period) {
        if (c.workers() != workers || c.period() != period) {
            throw new SpecException("the checkpoint was written with " + c.workers() + " workers and"
                    + " averaging period " + c.period() + "; this run has " + workers + " and " + period
                    + ": set cluster.workers and cluster.averaging_period to the checkpoint's values to resume");
        }
        return new LoopState(c.params(), c.updater(), c.velocity(), c.bestParams(), c.workerUpdaters(), c.epochsDone(),
                c.iteration(), c.plateau(), c.bestValue(), c.bestEpoch(), c.sinceBest(), c.status(), c.diagnosis(),
                c.history(), c.bestMetrics());
    }

    /** @return the state once the pending per-worker updater states went out with a round */
    LoopState handedOut() {
        return withWorkerUpdaters(new float[0][]);
    }

    /** @return the state with per-worker updater states to hand out next (or to checkpoint) */
    LoopState withWorkerUpdaters(float[][] states) {
        return new LoopState(params, updater, velocity, best, states, epochsDone, iteration, plateau, bestValue,
                bestEpoch, sinceBest, status, diagnosis, history, bestMetrics);
    }

    /** @return the state after a round's minibatch steps, before its result is applied */
    LoopState counted(int steps) {
        return new LoopState(params, updater, velocity, best, pendingWorkerUpdaters, epochsDone, iteration + steps,
                plateau, bestValue, bestEpoch, sinceBest, status, diagnosis, history, bestMetrics);
    }

    /** @return the state after a round's result is applied */
    LoopState stepped(float[] nextParams, float[] nextUpdater, float[] nextVelocity) {
        return new LoopState(nextParams, nextUpdater, nextVelocity, best, pendingWorkerUpdaters, epochsDone, iteration,
                plateau, bestValue, bestEpoch, sinceBest, status, diagnosis, history, bestMetrics);
    }

    /** @return the state of a trial that ends here ({@code why} replaces the diagnosis unless empty) */
    LoopState ended(Status how, String why) {
        return new LoopState(params, updater, velocity, best, pendingWorkerUpdaters, epochsDone, iteration, plateau,
                bestValue, bestEpoch, sinceBest, how, why.isEmpty() ? diagnosis : why, history, bestMetrics);
    }

    /**
     * @param rec the evaluation's record
     * @param validation its validation metrics
     * @param monitored the monitored value in it
     * @param improved whether it improved on the best so far (its parameters become the kept ones)
     * @param keepLatest whether the latest parameters are kept regardless (early stopping does not restore the best)
     * @return the state after an evaluation
     */
    LoopState evaluated(EpochRecord rec, Metrics validation, double monitored, boolean improved, boolean keepLatest) {
        List<EpochRecord> h = new ArrayList<>(history);
        h.add(rec);
        float[] kept = improved || keepLatest ? params : best;
        Optional<Metrics> keptMetrics = improved || keepLatest ? Optional.of(validation) : bestMetrics;
        return new LoopState(params, updater, velocity, kept, pendingWorkerUpdaters, epochsDone, iteration, plateau,
                improved ? monitored : bestValue, improved ? rec.epoch() : bestEpoch, improved ? 0 : sinceBest + 1,
                status, diagnosis, h, keptMetrics);
    }

    /** @return the state with reduce-on-plateau's state after an evaluation */
    LoopState withPlateau(LrSchedule.Plateau p) {
        return new LoopState(params, updater, velocity, best, pendingWorkerUpdaters, epochsDone, iteration, p,
                bestValue, bestEpoch, sinceBest, status, diagnosis, history, bestMetrics);
    }

    /** @return the state with {@code n} epochs finished */
    LoopState epochsDone(int n) {
        return new LoopState(params, updater, velocity, best, pendingWorkerUpdaters, n, iteration, plateau, bestValue,
                bestEpoch, sinceBest, status, diagnosis, history, bestMetrics);
    }

    /** @return the state whose kept epoch is the last one evaluated (early stopping without restoring the best) */
    LoopState keptLatest() {
        int last = history.isEmpty() ? bestEpoch : history.get(history.size() - 1).epoch();
        return new LoopState(params, updater, velocity, best, pendingWorkerUpdaters, epochsDone, iteration, plateau,
                bestValue, last, sinceBest, status, diagnosis, history, bestMetrics);
    }

    /**
     * @param spec the spec the run trains
     * @param workers its workers
     * @param period its averaging period
     * @param seconds wall seconds spent so far
     * @return this state as a checkpoint of the run
     */
    Checkpoint checkpoint(JobSpec spec, int workers, int period, double seconds) {
        return new Checkpoint(SpecDigest.of(spec), spec.training().seed(), workers, period, epochsDone, iteration,
                status, diagnosis, plateau, bestValue, bestEpoch, sinceBest, seconds, history, bestMetrics, params,
                updater, best, velocity, pendingWorkerUpdaters);
    }
}
