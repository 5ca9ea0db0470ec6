package io.spindle.driver.doctor;

import io.spindle.driver.train.Decision;
import io.spindle.driver.train.EpochRecord;
import io.spindle.driver.train.Status;
import io.spindle.driver.train.TrialCallback;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * The doctor's live checks, asked after every whole epoch: the rules a partial history already
 * settles ({@link Doctor#live}: a rate far too high or far too low; once they fire, later epochs
 * cannot undo them). Each code is reported once, the first time it fires; a check that stops
 * ends the trial there with {@link Status#EARLY_STOPPED} (its best epoch is kept), so a guided
 * loop does not spend the rest of a step's epochs on a run whose fix is already known.
 */
public final class LiveCheck implements TrialCallback {

    private final Function<List<EpochRecord>, Doctor.Facts> facts;
    private final BiConsumer<EpochRecord, Diagnosis> report;
    private final boolean stop;
    private final Set<String> reported = new HashSet<>();

    /**
     * @param facts the trial's facts for a history so far (the status is RUNNING)
     * @param report hears each diagnosis the first time it fires, with the epoch that settled it
     * @param stop whether a diagnosis stops the trial
     */
    public LiveCheck(Function<List<EpochRecord>, Doctor.Facts> facts, BiConsumer<EpochRecord, Diagnosis> report,
                     boolean stop) {
        this.facts = Objects.requireNonNull(facts, "facts");
        this.report = Objects.requireNonNull(report, "report");
        this.stop = stop;
    }

    @Override
    public int horizon(int epochsDone, int sinceBest) {
        return stop ? 1 : Integer.MAX_VALUE; // one that only reports never changes the run
    }

    @Override
    public Decision afterEvaluation(Evaluation e) {
        if (e.partial() || e.lastEpoch()) {
            return Decision.CONTINUE; // the last epoch's history is the finished run's, diagnosed in full
        }
        for (Diagnosis d : Doctor.live(facts.apply(e.history()))) {
            if (reported.add(d.code())) {
                report.accept(e.record(), d);
                if (stop) {
                    return Decision.stop(Status.EARLY_STOPPED, "stopped after epoch " + e.record().epoch() + ": "
                            + d.code());
                }
            }
        }
        return Decision.CONTINUE;
    }
}
