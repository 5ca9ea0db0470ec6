package io.spindle.driver.results;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What every {@link ResultStore} must do; each implementation's test extends this class. */
abstract class ResultStoreContract {

    /** @return a new, empty store */
    abstract ResultStore store();

    static Map<String, Object> trial(String trial, String status, Object accuracy) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("sweep_id", "s1");
        r.put("trial_id", trial);
        r.put("status", status);
        r.put("training_lr", 0.01);
        r.put("test_accuracy", accuracy);
        return r;
    }

    static Map<String, Object> epoch(String trial, int epoch, double loss) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("sweep_id", "s1");
        r.put("trial_id", trial);
        r.put("epoch", epoch);
        r.put("rounds", 3);
        r.put("partial", false);
        r.put("train_loss", loss);
        return r;
    }

    @Test
    void aTrialHasOneRowThatLaterWritesReplace() {
        ResultStore s = store();
        s.upsertTrials(List.of(trial("t1", "RUNNING", null), trial("t2", "RUNNING", null)));
        s.upsertTrials(List.of(trial("t1", "COMPLETED", 0.93)));
        List<Map<String, Object>> rows = s.trials().stream()
                .sorted(Comparator.comparing(r -> (String) r.get("trial_id"))).toList();
        assertEquals(2, rows.size());
        assertEquals("COMPLETED", rows.get(0).get("status"));
        assertEquals(0.93, rows.get(0).get("test_accuracy"));
        assertEquals("RUNNING", rows.get(1).get("status"));
        assertNull(rows.get(1).get("test_accuracy"));
    }

    @Test
    void newColumnsJoinTheSchema() {
        ResultStore s = store();
        s.upsertTrials(List.of(trial("t1", "RUNNING", null)));
        Map<String, Object> withMore = trial("t2", "COMPLETED", 0.9);
        withMore.put("test_f1", 0.8);
        s.upsertTrials(List.of(withMore));
        Map<String, Object> t2 = s.trials().stream().filter(r -> r.get("trial_id").equals("t2")).findFirst().orElseThrow();
        assertEquals(0.8, t2.get("test_f1"));
    }

    @Test
    void epochsAppendAndAResumedTrialReplacesItsOwn() {
        ResultStore s = store();
        s.appendEpochs(List.of(epoch("t1", 1, 0.9), epoch("t1", 2, 0.8), epoch("t1", 3, 0.7), epoch("t2", 1, 1.0)));
        s.replaceEpochs("s1", List.of("t1"), List.of(epoch("t1", 1, 0.9), epoch("t1", 2, 0.8)));
        s.appendEpochs(List.of(epoch("t1", 3, 0.65)));
        List<Map<String, Object>> t1 = s.epochs().stream().filter(r -> r.get("trial_id").equals("t1"))
                .sorted(Comparator.comparing(r -> (Integer) r.get("epoch"))).toList();
        assertEquals(List.of(1, 2, 3), t1.stream().map(r -> r.get("epoch")).toList());
        assertEquals(0.65, t1.get(2).get("train_loss"));
        assertEquals(1, s.epochs().stream().filter(r -> r.get("trial_id").equals("t2")).count(), "other trials untouched");

        // several trials in one transaction (a resumed sweep's finished trials); one of them has no rows left
        s.replaceEpochs("s1", List.of("t1", "t2"), List.of(epoch("t2", 1, 0.5), epoch("t2", 2, 0.4)));
        assertEquals(0, s.epochs().stream().filter(r -> r.get("trial_id").equals("t1")).count());
        assertEquals(List.of(1, 2), s.epochs().stream().filter(r -> r.get("trial_id").equals("t2"))
                .map(r -> r.get("epoch")).sorted().toList());
    }

    @Test
    void snapshotsAreImmutable() {
        ResultStore s = store();
        s.upsertTrials(List.of(trial("t1", "RUNNING", null)));
        List<Map<String, Object>> rows = s.trials();
        assertThrows(UnsupportedOperationException.class, () -> rows.add(Map.of()));
        assertThrows(UnsupportedOperationException.class, () -> rows.get(0).put("status", "X"));
    }

    @Test
    void anEmptyStoreHasNoRows() {
        assertEquals(List.of(), store().trials());
        assertEquals(List.of(), store().epochs());
    }
}
