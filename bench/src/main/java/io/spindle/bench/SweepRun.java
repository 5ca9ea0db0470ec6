package io.spindle.bench;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * What one sweep of {@code spindle bench sweep} did: one row of {@code bench-sweep.csv}.
 *
 * @param experiment the comparison it belongs to
 * @param variant its side of the comparison
 * @param seed the search seed
 * @param repeat which run of the same sweep it was, from 1 (see {@link SweepCase#repeat()})
 * @param dataset the data set it trained on, as {@link SweepCase.Data#label()} names it
 * @param validationRows rows of its validation split (from its best trial's {@code summary.json});
 *     empty when no trial finished
 * @param strategy grid, random or tpe
 * @param scheduler none, asha, hyperband or median
 * @param parallelTrials trials it ran at once
 * @param trials trials it started
 * @param epochsTrained epochs trained over all its trials
 * @param wallSeconds the whole {@code SweepJob.run} call: data loading, training, the best
 *     trial's test evaluation and the last table commit
 * @param sweepSeconds the sweep's own clock ({@code summary.json}'s {@code seconds}), up to its
 *     last trial's end
 * @param trialSeconds the trials' wall times added up (the trials table's {@code wall_seconds})
 * @param bestValAccuracy validation accuracy of the best trial at its best epoch; empty when no
 *     trial finished
 * @param bestTestAccuracy that trial's test accuracy; empty when no trial finished
 * @param bestTrial that trial's id; empty when no trial finished
 * @param statuses trials per final status ({@code COMPLETED}, {@code PRUNED}, ...)
 * @param note how it was run, in words, for the markdown report
 */
public record SweepRun(String experiment, String variant, long seed, int repeat, String dataset,
                       OptionalLong validationRows, String strategy, String scheduler,
                       int parallelTrials, int trials, int epochsTrained, double wallSeconds, double sweepSeconds,
                       double trialSeconds, OptionalDouble bestValAccuracy, OptionalDouble bestTestAccuracy,
                       Optional<String> bestTrial, Map<String, Integer> statuses, String note) {

    /** The final trial statuses that get a column of their own, in column order. */
    public static final List<String> STATUSES = List.of("COMPLETED", "EARLY_STOPPED", "PRUNED", "DIVERGED", "FAILED");

    /** The column names of {@code bench-sweep.csv}, in order (a column per status of {@link #STATUSES}). */
    public static final String HEADER = "experiment,variant,seed,repeat,dataset,validation_rows,strategy,scheduler,"
            + "parallel_trials,trials,epochs_trained,wall_seconds,sweep_seconds,trial_seconds,best_val_accuracy,"
            + "best_test_accuracy,best_trial,completed,early_stopped,pruned,diverged,failed";

    public SweepRun {
        statuses = java.util.Collections.unmodifiableMap(new TreeMap<>(statuses));
        java.util.Objects.requireNonNull(dataset, "dataset");
        if (trials < 0 || epochsTrained < 0 || parallelTrials < 1 || repeat < 1) {
            throw new IllegalArgumentException(experiment + "/" + variant + ": trials and epochs must be >= 0, parallel "
                    + "trials and repeat >= 1, got trials " + trials + ", epochs " + epochsTrained + ", parallel trials "
                    + parallelTrials + ", repeat " + repeat);
        }
    }

    /** @return how it appears in reports, e.g. {@code parallel-vs-sequential / parallel, seed 1, repeat 2} */
    public String title() {
        return SweepCase.title(experiment, variant, seed, repeat);
    }

    /**
     * @return what one validation row is worth in accuracy points (100 / rows); empty when the
     *     rows are unknown
     */
    public OptionalDouble pointsPerRow() {
        return validationRows.isPresent() && validationRows.getAsLong() > 0
                ? OptionalDouble.of(100.0 / validationRows.getAsLong()) : OptionalDouble.empty();
    }

    /**
     * @param status a trial status, e.g. {@code PRUNED}
     * @return how many trials ended with it
     */
    public int count(String status) {
        return statuses.getOrDefault(status, 0);
    }
}
