package io.spindle.driver.results;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.time.Duration;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Writes result rows in the background so training never waits for a table commit: rows are
 * gathered and committed together, at most once per interval (a commit is a few Spark jobs, which
 * would otherwise compete with training for the cores on every epoch of a small model).
 * {@link #close()} writes what is left and waits for it.
 */
public final class TableWriter implements AutoCloseable {

    private final ResultStore store;
    /** Time between commits while a run is in progress. */
    public static final Duration INTERVAL = Duration.ofSeconds(15);

    private final Duration interval;
    private final ScheduledThreadPoolExecutor thread = new ScheduledThreadPoolExecutor(1, r -> {
        Thread t = new Thread(r, "spindle-result-tables");
        t.setDaemon(true);
        return t;
    });
    private final Map<List<Object>, Map<String, Object>> trials = new LinkedHashMap<>();
    private final Map<List<Object>, Map<String, Object>> epochs = new LinkedHashMap<>();
    private boolean scheduled;
    private boolean written;
    private RuntimeException failure;

    /**
     * @param store where the rows go
     */
    public TableWriter(ResultStore store) {
        this(store, INTERVAL);
    }

    /**
     * @param store where the rows go
     * @param interval time between commits while rows keep coming
     */
    public TableWriter(ResultStore store, Duration interval) {
        this.store = store;
        this.interval = interval;
    }

    /**
     * @param row a trial row; a later row of the same trial replaces it before it is written
     */
    public synchronized void trial(Map<String, Object> row) {
        trials.put(key(row, ResultStore.TRIAL_KEY), row);
        schedule();
    }

    /**
     * Replaces resumed trials' epoch rows with their checkpoints' histories, and returns once that is
     * committed: rows the caller adds afterwards are then always written after the replacement
     * (a commit queued earlier may otherwise carry them, and the replacement would delete them).
     *
     * @param sweepId the sweep
     * @param trialIds the trials
     * @param rows their histories' rows
     */
    public void replaceEpochs(String sweepId, java.util.Collection<String> trialIds, List<Map<String, Object>> rows) {
        synchronized (this) {
            // rows of these trials not written yet are replaced too (a trial paused and continued in this
            // process still has its last epochs here)
            epochs.values().removeIf(r -> sweepId.equals(r.get("sweep_id")) && trialIds.contains(r.get("trial_id")));
        }
        // not synchronized: the commits queued before this one take the lock to gather their rows
        java.util.concurrent.Future<?> done = thread.submit(() -> {
            try {
                store.replaceEpochs(sweepId, trialIds, rows);
            } catch (RuntimeException ex) {
                fail(ex);
            }
        });
        try {
            done.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while replacing the epoch rows of " + trialIds, e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("replacing the epoch rows of " + trialIds + ": " + e.getCause(), e.getCause());
        }
    }

    /**
     * @param row a new epoch row
     */
    public synchronized void epoch(Map<String, Object> row) {
        epochs.put(key(row, ResultStore.EPOCH_KEY), row);
        schedule();
    }

    private static List<Object> key(Map<String, Object> row, List<String> columns) {
        List<Object> k = new ArrayList<>();
        for (String c : columns) {
            k.add(row.get(c));
        }
        return k;
    }

    private void schedule() {
        if (!scheduled && !thread.isShutdown()) {
            scheduled = true;
            // the first rows go at once (a run shows up in the tables right away), later ones gather
            thread.schedule(this::flush, written ? interval.toMillis() : 0, TimeUnit.MILLISECONDS);
        }
    }

    private void flush() {
        List<Map<String, Object>> t;
        List<Map<String, Object>> e;
        synchronized (this) {
            scheduled = false;
            written = true;
            t = new ArrayList<>(trials.values());
            e = new ArrayList<>(epochs.values());
            trials.clear();
            epochs.clear();
        }
        try {
            store.appendEpochs(e);
            store.upsertTrials(t);
        } catch (RuntimeException ex) {
            fail(ex);
        }
    }

    /** Keeps the first failure for {@link #close()} to report. */
    private synchronized void fail(RuntimeException ex) {
        if (failure == null) {
            failure = ex;
        }
    }

    /**
     * Writes the rows still pending and waits for every write.
     *
     * @throws IllegalStateException when a write failed (the tables keep every earlier commit whole)
     */
    @Override
    public void close() {
        thread.execute(this::flush);
        // rows still waiting for their interval are in the flush just queued
        thread.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        thread.shutdown();
        try {
            if (!thread.awaitTermination(10, TimeUnit.MINUTES)) {
                throw new IllegalStateException("result tables: writes did not finish within 10 minutes");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while writing the result tables", e);
        }
        synchronized (this) {
            if (failure != null) {
                throw new IllegalStateException("result tables: " + failure.getMessage(), failure);
            }
        }
    }
}
