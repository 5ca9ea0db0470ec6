package io.spindle.driver.results;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Result rows kept in this JVM, for runs that write no folder (a model fitted through the Spark ML
 * API without a results path): the same contract as the Delta tables, without files. Writes are
 * atomic under the store's lock; trials keep their first-insertion order.
 */
public final class InMemoryResultStore implements ResultStore {

    private final LinkedHashMap<List<Object>, Map<String, Object>> trials = new LinkedHashMap<>();
    private final List<Map<String, Object>> epochs = new ArrayList<>();

    @Override
    public synchronized void upsertTrials(List<Map<String, Object>> rows) {
        for (Map<String, Object> r : rows) {
            trials.put(key(r, TRIAL_KEY), copy(r));
        }
    }

    @Override
    public synchronized void appendEpochs(List<Map<String, Object>> rows) {
        rows.forEach(r -> epochs.add(copy(r)));
    }

    @Override
    public synchronized void replaceEpochs(String sweepId, Collection<String> trialIds, List<Map<String, Object>> rows) {
        if (trialIds.isEmpty()) {
            return;
        }
        List<Map<String, Object>> added = rows.stream().map(InMemoryResultStore::copy).toList();
        epochs.removeIf(r -> Objects.equals(r.get("sweep_id"), sweepId) && trialIds.contains(r.get("trial_id")));
        epochs.addAll(added);
    }

    @Override
    public synchronized List<Map<String, Object>> trials() {
        return List.copyOf(trials.values());
    }

    @Override
    public synchronized List<Map<String, Object>> epochs() {
        return List.copyOf(epochs);
    }

    private static List<Object> key(Map<String, Object> row, List<String> columns) {
        List<Object> k = new ArrayList<>();
        for (String c : columns) {
            if (row.get(c) == null) {
                throw new IllegalArgumentException("result row without its key column " + c + ": " + row.keySet());
            }
            k.add(row.get(c));
        }
        return k;
    }

    /** An unmodifiable copy that keeps null values (a missing column and a null one read the same). */
    private static Map<String, Object> copy(Map<String, Object> row) {
        return Collections.unmodifiableMap(new LinkedHashMap<>(row));
    }
}
