package io.spindle.driver.results;

import java.util.List;
import java.util.Map;

/**
 * Where a run's result rows live. Rows are column name to value maps (String, Long, Integer,
 * Double or Boolean values; a missing column reads as null). Every write is one transaction.
 * Trial rows are upserts by (sweep_id, trial_id); epoch rows are appended, and a resumed trial
 * first replaces its epoch rows with its checkpoint's history, so no row is ever duplicated.
 * Reads return immutable snapshots.
 */
public interface ResultStore {

    /** Key of the {@code trials} table. */
    List<String> TRIAL_KEY = List.of("sweep_id", "trial_id");
    /** Key of the {@code epochs} table. */
    List<String> EPOCH_KEY = List.of("sweep_id", "trial_id", "epoch", "rounds");

    /**
     * @param rows trial rows to insert or replace (by sweep and trial id), in one transaction
     */
    void upsertTrials(List<Map<String, Object>> rows);

    /**
     * @param rows new epoch rows, in one transaction
     */
    void appendEpochs(List<Map<String, Object>> rows);

    /**
     * @param sweepId the sweep
     * @param trialIds the trials (resumed, or rewritten from their checkpoints)
     * @param rows every epoch row these trials have (replacing all they had), in one transaction
     */
    void replaceEpochs(String sweepId, java.util.Collection<String> trialIds, List<Map<String, Object>> rows);

    /** @return the trials as they are now */
    List<Map<String, Object>> trials();

    /** @return the epochs as they are now */
    List<Map<String, Object>> epochs();
}
