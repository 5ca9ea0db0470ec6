package io.spindle.driver.job;

import io.spindle.driver.data.PreparedData;
import io.spindle.driver.results.ResultRows;
import io.spindle.driver.results.TableWriter;
import io.spindle.driver.spec.JobSpec;
import io.spindle.driver.train.Checkpoint;
import io.spindle.driver.train.EpochRecord;
import io.spindle.driver.train.RoundStats;
import io.spindle.driver.train.Status;
import io.spindle.driver.train.TrainListener;
import io.spindle.driver.train.TrainResult;
import io.spindle.driver.train.Trainer;
import java.util.List;
import java.util.Optional;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;

/**
 * One trial, from a resolved spec and prepared data to a trial that ended (or was interrupted) in
 * its folder: the folder's {@code checkpoint.bin} after every epoch, its {@code trials} row as it
 * goes (RUNNING, then each checkpoint's outcome, then how it ended) and an {@code epochs} row per
 * evaluation. {@code spindle train} runs its one trial through here and {@code spindle sweep}
 * every trial (a train run is a sweep of one fixed trial, as Ray Tune runs one config through the
 * same runner). What a trial decides (early stopping, pruning, a signal) comes from the trainer's
 * callbacks and stop request; what happens with the result (a model, a summary, the strategy) is
 * the caller's.
 */
final class TrialRunner {

    /** The checkpoint file inside a trial's folder, rewritten after every epoch. */
    static final String CHECKPOINT = "checkpoint.bin";

    private TrialRunner() {
    }

    /**
     * A trial to run.
     *
     * @param sweepId the run or sweep it belongs to
     * @param trialId the trial
     * @param spec its resolved spec
     * @param data the prepared splits
     * @param conf the network built for them
     * @param dir its folder (checkpoints), or null for a trial that keeps none (a fit from a data frame)
     */
    record Trial(String sweepId, String trialId, JobSpec spec, PreparedData data, MultiLayerConfiguration conf,
                 OutputDir dir) { }

    /**
     * How a trial ended.
     *
     * @param result the trainer's result (status {@code INTERRUPTED} after a signal)
     * @param last the last checkpoint written, or the one the trial resumed from
     */
    record Ended(TrainResult result, Optional<Checkpoint> last) { }

    /**
     * Runs (or resumes) a trial; its rows go to the tables, its checkpoints to its folder.
     *
     * @param trainer the trainer, with its callbacks and stop request
     * @param t the trial
     * @param tables where rows go
     * @param resuming whether the trial ran before (its folder may hold rows of evaluations after its
     *     last checkpoint, which run again)
     * @param resume the checkpoint to continue from, if any
     * @param progress observes the run (printing); rows and checkpoints are written here
     * @return how it ended; an interrupted trial's row already says {@code INTERRUPTED}
     * @throws RuntimeException what the trainer threw (the trial's row then says {@code FAILED})
     */
    static Ended run(Trainer trainer, Trial t, TableWriter tables, boolean resuming, Optional<Checkpoint> resume,
                     TrainListener progress) {
        if (resuming) {
            // rows written after the last checkpoint belong to evaluations that will run again
            tables.replaceEpochs(t.sweepId(), List.of(t.trialId()), resume.map(c -> c.history().stream()
                    .map(e -> ResultRows.epoch(t.sweepId(), t.trialId(), e)).toList()).orElse(List.of()));
        }
        row(tables, t, resume.map(TrialRunner::outcome).orElse(new ResultRows.Outcome(Status.RUNNING, 0, 0,
                Optional.empty(), Optional.empty(), "", 0, 0, "")));
        Checkpoint[] last = {resume.orElse(null)};
        TrainListener listener = new TrainListener() {
            @Override
            public void onStart(int workers, int averagingPeriod, int roundsPerEpoch) {
                progress.onStart(workers, averagingPeriod, roundsPerEpoch);
            }

            @Override
            public void onRound(RoundStats round) {
                progress.onRound(round);
            }

            @Override
            public void onWarning(String message) {
                progress.onWarning(message);
            }

            @Override
            public void onEpoch(EpochRecord e) {
                tables.epoch(ResultRows.epoch(t.sweepId(), t.trialId(), e));
                progress.onEpoch(e);
            }

            @Override
            public void onCheckpoint(Checkpoint c) {
                if (t.dir() != null) {
                    t.dir().write(CHECKPOINT, c::write);
                }
                last[0] = c;
                row(tables, t, outcome(c));
                progress.onCheckpoint(c);
            }
        };
        TrainResult r;
        try {
            r = trainer.train(t.spec(), t.data(), t.conf(), listener, resume);
        } catch (RuntimeException e) {
            if (Shutdown.requested()) {
                // what failed was the process shutting down under the trial, not the trial
                interrupted(tables, t.sweepId(), t.trialId(), t.spec(), Optional.ofNullable(last[0]));
                return new Ended(interruptedResult(Optional.ofNullable(last[0])), Optional.ofNullable(last[0]));
            }
            failed(tables, t.sweepId(), t.trialId(), t.spec(), e, Optional.ofNullable(last[0]));
            throw e;
        }
        if (r.status() == Status.INTERRUPTED) {
            interrupted(tables, t.sweepId(), t.trialId(), t.spec(), Optional.ofNullable(last[0]));
        } else {
            row(tables, t, new ResultRows.Outcome(r.status(), r.epochsRun(), r.bestEpoch(),
                    Optional.ofNullable(r.validation()), Optional.ofNullable(r.test()), r.diagnosis(), r.seconds(),
                    EpochRecord.meanSamplesPerSecond(r.epochs()), ""));
        }
        return new Ended(r, Optional.ofNullable(last[0]));
    }

    private static void row(TableWriter tables, Trial t, ResultRows.Outcome o) {
        tables.trial(ResultRows.trial(t.sweepId(), t.trialId(), t.spec(), o));
    }

    /**
     * @param c a checkpoint
     * @return the trial's outcome so far, as its row shows it
     */
    static ResultRows.Outcome outcome(Checkpoint c) {
        return new ResultRows.Outcome(c.status(), c.epochsDone(), c.bestEpoch(), c.bestMetrics(), Optional.empty(),
                c.diagnosis(), c.seconds(), EpochRecord.meanSamplesPerSecond(c.history()), "");
    }

    /**
     * Records a trial a signal stopped: {@code INTERRUPTED}, with what its last checkpoint holds.
     *
     * @param tables where the row goes
     * @param sweepId the run or sweep
     * @param trialId the trial
     * @param spec its spec
     * @param last its last checkpoint, if any
     */
    static void interrupted(TableWriter tables, String sweepId, String trialId, JobSpec spec, Optional<Checkpoint> last) {
        ResultRows.Outcome o = last.map(TrialRunner::outcome).orElse(new ResultRows.Outcome(Status.INTERRUPTED, 0, 0,
                Optional.empty(), Optional.empty(), "", 0, 0, ""));
        tables.trial(ResultRows.trial(sweepId, trialId, spec, new ResultRows.Outcome(Status.INTERRUPTED, o.epochsRun(),
                o.bestEpoch(), o.bestValidation(), Optional.empty(), o.diagnosis(), o.wallSeconds(), o.samplesPerSecond(),
                "")));
    }

    /**
     * Records a trial an error ended: {@code FAILED}, with the error's first line as its diagnosis.
     *
     * @param tables where the row goes
     * @param sweepId the run or sweep
     * @param trialId the trial
     * @param spec its spec
     * @param e the error
     * @param last its last checkpoint, if any
     * @return the diagnosis written
     */
    static String failed(TableWriter tables, String sweepId, String trialId, JobSpec spec, Throwable e,
                         Optional<Checkpoint> last) {
        String message = firstLine(e);
        tables.trial(ResultRows.trial(sweepId, trialId, spec, new ResultRows.Outcome(Status.FAILED,
                last.map(Checkpoint::epochsDone).orElse(0), 0, Optional.empty(), Optional.empty(), message, 0, 0, "")));
        return message;
    }

    /**
     * @param e an error
     * @return the first line of its message, as a trial's diagnosis
     */
    static String firstLine(Throwable e) {
        return String.valueOf(e.getMessage()).split("\n")[0];
    }

    private static TrainResult interruptedResult(Optional<Checkpoint> last) {
        return new TrainResult(Status.INTERRUPTED, last.map(Checkpoint::history).orElse(List.of()),
                last.map(Checkpoint::bestEpoch).orElse(0), last.flatMap(Checkpoint::bestMetrics).orElse(null), null,
                last.map(Checkpoint::bestParams).orElse(new float[0]), last.map(Checkpoint::seconds).orElse(0.0), "",
                last.map(Checkpoint::epochsDone).orElse(0), last.map(Checkpoint::workers).orElse(0),
                last.map(Checkpoint::period).orElse(0), List.of());
    }
}
