package io.spindle.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spindle.kernels.ExecutorCache;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("fast")
class SoakBenchmarkTest {

    private static final ExecutorCache.Stats CACHE = new ExecutorCache.Stats(3, 820_000, 0, 0, 0, 0, 3);

    @Test
    void threadNamesGroupIntoPoolsWithTheirNumbersTakenOut() {
        assertEquals(Map.of("Executor task launch worker for task #.# in stage #.# (TID #)", 2, "dag-scheduler-event-loop", 1),
                SoakBenchmark.pools(List.of("Executor task launch worker for task 1.0 in stage 3.0 (TID 40)",
                        "Executor task launch worker for task 0.0 in stage 17.0 (TID 41)", "dag-scheduler-event-loop")));
    }

    @Test
    void theSummaryJudgesTrialFiftyAgainstTheLastAndNamesThePoolsThatGrew() {
        List<SoakBenchmark.Sample> samples = List.of(
                new SoakBenchmark.Sample(0, 0, 30, 40, CACHE),
                new SoakBenchmark.Sample(10, 10, 60, 250, CACHE, Map.of("a-#", 4, "b", 1)),
                new SoakBenchmark.Sample(50, 50, 80, 252, CACHE, Map.of("a-#", 4, "b", 1)),
                new SoakBenchmark.Sample(200, 200, 140, 262, CACHE, Map.of("a-#", 14, "c", 1)),
                new SoakBenchmark.Sample(-1, 210, 70, 30, CACHE));
        String md = SoakBenchmark.summary(samples, 200);
        assertTrue(md.contains("| used heap after GC (MB) | 80.0 | 140.0 | +60.0 |"), md);
        assertTrue(md.contains("- heap: FAIL (growth 60.0 MB from trial 50 to 200, the least heap after GC of the 10 "
                + "trials up to each; target < 50 MB)"), md);
        assertTrue(md.contains("- threads: FAIL (+10 from trial 50 to 200; target: flat, within 2)"), md);
        assertTrue(md.contains("- thread pools that changed from trial 50 to 200: \"a-#\" 4 -> 14, \"b\" 1 -> 0, \"c\" 0 -> 1"),
                md);
    }

    @Test
    void theHeapIsJudgedByItsFloorOverTenTrialsSoThatAConcurrentTrialsDataDoesNotCount() {
        List<SoakBenchmark.Sample> samples = new java.util.ArrayList<>();
        for (int t = 1; t <= 200; t++) {
            // a floor of 80 MB that rises 0.2 MB a trial after trial 50, and after trial 100 every 10th sample 70 MB higher
            double floor = 80 + Math.max(0, t - 50) * 0.2;
            samples.add(new SoakBenchmark.Sample(t, t, floor + (t > 100 && t % 10 == 0 ? 70 : 0), 250, CACHE));
        }
        assertEquals(80, SoakBenchmark.floor(samples, 50), 1e-9);
        assertEquals(80 + 141 * 0.2, SoakBenchmark.floor(samples, 200), 1e-9, "trial 191's sample");
        String md = SoakBenchmark.summary(samples, 200);
        assertTrue(md.contains("| used heap after GC (MB) | 80.0 | 180.0 | +100.0 |"), md);
        assertTrue(md.contains("| least of the 10 trials up to it (MB) | 80.0 | 108.2 | +28.2 |"), md);
        assertTrue(md.contains("- heap: PASS (growth 28.2 MB from trial 50 to 200"), md);

        // a floor that rises 0.4 MB a trial: 60 MB by trial 200, a leak
        List<SoakBenchmark.Sample> leaking = samples.stream().map(x -> new SoakBenchmark.Sample(x.trial(), x.seconds(),
                x.heapMb() + Math.max(0, x.trial() - 50) * 0.2, 250, CACHE)).toList();
        assertTrue(SoakBenchmark.summary(leaking, 200).contains("- heap: FAIL (growth 56.4 MB from trial 50 to 200"));
    }

    @Test
    void heapAfterGcCountsWhatIsLiveAndNotWhatWasDropped() {
        // Judged against the array's own size rather than against a reading taken before it: what
        // earlier tests in this JVM left behind can die between two readings (87 MB did once in CI).
        byte[] live = new byte[256 << 20];
        live[live.length - 1] = 1;
        long with = SoakBenchmark.heapAfterGc();
        assertEquals(1, live[live.length - 1]); // still reachable while measured
        live = null;
        long after = SoakBenchmark.heapAfterGc();
        assertTrue(with >= 256L << 20, "a live 268 MB array, heap in use: " + with);
        assertTrue(with - after > 200e6, "the array dropped: " + with + " -> " + after);
    }

    @Test
    void aFlatRunPassesAndAShortRunStartsFromAQuarter() {
        List<SoakBenchmark.Sample> samples = List.of(
                new SoakBenchmark.Sample(10, 10, 60, 250, CACHE, Map.of("a", 1)),
                new SoakBenchmark.Sample(20, 20, 61, 251, CACHE, Map.of("a", 1)),
                new SoakBenchmark.Sample(40, 40, 62, 251, CACHE, Map.of("a", 1)));
        String md = SoakBenchmark.summary(samples, 40);
        assertTrue(md.contains("- heap: PASS (growth 2.0 MB from trial 10 to 40"), md);
        assertTrue(md.contains("- threads: PASS (+1 from trial 10 to 40"), md);
        assertTrue(!md.contains("thread pools that changed"), md);
    }
}
