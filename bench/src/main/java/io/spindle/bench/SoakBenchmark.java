package io.spindle.bench;

import io.spindle.driver.job.SparkSettings;
import io.spindle.driver.job.SweepJob;
import io.spindle.driver.sweep.SweepParser;
import io.spindle.driver.sweep.SweepSpec;
import io.spindle.kernels.ExecutorCache;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntConsumer;
import java.util.regex.Pattern;
import org.apache.spark.sql.SparkSession;

/**
 * {@code spindle bench soak}: one long sweep of tiny digits trials on {@code local[2]} (a dense
 * 16-unit network, random search over the learning rate, two trials at once), sampling after
 * every trial the driver's used heap after forced collections, the live threads and the executor
 * caches (local mode: the executors are this JVM). Writes {@value #CSV} and {@value #MD}, and
 * prints heap and threads at trial 50 against the last trial (targets: growth of the heap's
 * floor, the least of {@value #FLOOR_TRIALS} trials, under {@value #HEAP_TARGET_MB} MB, threads flat). Not part of the build's tests.
 */
public final class SoakBenchmark {

    /** Samples, one row per finished trial. */
    static final String CSV = "bench-soak.csv";
    /** The summary. */
    static final String MD = "bench-soak.md";
    /** Most heap growth (MB) from trial 50 to the last one that passes. */
    static final int HEAP_TARGET_MB = 50;
    /** Trials whose least heap after GC is the heap at the last of them. */
    static final int FLOOR_TRIALS = 10;
    /** The trial the growth is measured from (a quarter of the trials in a shorter run). */
    static final int BASELINE_TRIAL = 50;

    private static final Pattern TRIAL_END = Pattern.compile(
            "^\\S+ (completed|early_stopped|pruned|diverged|failed|interrupted) after \\d+ epochs?:.*");

    private SoakBenchmark() {
    }

    /**
     * @param trials trials in the sweep
     * @param output the report folder
     * @param dataset the digits CSV
     */
    public record Options(int trials, Path output, Path dataset) {
        public Options {
            if (trials < 1) {
                throw new IllegalArgumentException("--trials must be >= 1, got " + trials);
            }
            if (!Files.isRegularFile(dataset)) {
                throw new IllegalArgumentException("no digits CSV at " + dataset + "; pass --data or run from the"
                        + " Spindle checkout");
            }
        }
    }

    /**
     * One sample.
     *
     * @param trial trials finished
     * @param seconds since the sweep started
     * @param heapMb used heap after forced collections
     * @param threads live threads
     * @param cache the executor caches
     */
    record Sample(int trial, double seconds, double heapMb, int threads, ExecutorCache.Stats cache,
                  Map<String, Integer> pools) {
        /** A sample without the thread names. */
        Sample(int trial, double seconds, double heapMb, int threads, ExecutorCache.Stats cache) {
            this(trial, seconds, heapMb, threads, cache, Map.of());
        }

        String csv() {
            return Report.fmt("%d,%.1f,%.1f,%d,%d,%d,%d,%d,%d,%d,%d", trial, seconds, heapMb, threads, cache.dataEntries(),
                    cache.dataBytes(), cache.networkEntries(), cache.networkBytes(), cache.keptEntries(),
                    cache.keptBytes(), cache.dataLoads());
        }
    }

    /**
     * Runs the soak.
     *
     * @param options what to run
     * @param out progress and the result lines
     * @return whether both targets were met
     * @throws IOException when the report cannot be written
     */
    public static boolean run(Options options, PrintWriter out) throws IOException {
        Path dir = options.output();
        Files.createDirectories(dir);
        Path sweepFile = dir.resolve("soak-sweep.yaml");
        Files.writeString(sweepFile, sweep(options.trials()), StandardCharsets.UTF_8);
        SweepSpec spec = SweepParser.parse(sweepFile, List.of("data.path='"
                + options.dataset().toAbsolutePath().toString().replace("'", "''") + "'"));
        SparkSession spark = LocalSpark.start("spindle-bench-soak",
                SparkSettings.defaults(k -> Optional.ofNullable(System.getProperty(k))));
        List<Sample> samples = new ArrayList<>();
        long t0 = System.nanoTime();
        samples.add(sample(0, t0));
        try (PrintWriter log = new PrintWriter(new TrialEnds(Files.newBufferedWriter(dir.resolve("soak-sweep.log"),
                StandardCharsets.UTF_8), n -> {
                    Sample s = sample(n, t0);
                    samples.add(s);
                    if (n % 10 == 0 || n == options.trials()) {
                        out.println(Report.fmt("  trial %d: heap %.1f MB, %d threads, data cache %d entries / %.1f MB,"
                                + " networks %d + %d kept", n, s.heapMb(), s.threads(), s.cache().dataEntries(),
                                s.cache().dataBytes() / 1e6, s.cache().networkEntries(), s.cache().keptEntries()));
                        out.flush();
                    }
                }), true)) {
            out.println("soak: " + options.trials() + " digits trials, 2 at a time on local[2] (sweep output: "
                    + dir.resolve("sweep") + ")...");
            out.flush();
            SweepJob.run(spark, spec, dir.resolve("sweep").toString(), new SweepJob.Options(true, false, Duration.ZERO), log);
        } finally {
            spark.stop();
        }
        samples.add(sample(-1, t0)); // after the session stopped: what stays
        StringBuilder csv = new StringBuilder("trial,seconds,heap_mb,threads,data_entries,data_bytes,network_entries,"
                + "network_bytes,kept_entries,kept_bytes,data_loads\n");
        samples.forEach(s -> csv.append(s.csv()).append('\n'));
        Files.writeString(dir.resolve(CSV), csv.toString(), StandardCharsets.UTF_8);
        String md = summary(samples, options.trials());
        Files.writeString(dir.resolve(MD), md, StandardCharsets.UTF_8);
        out.print(md);
        out.println("wrote " + dir.resolve(CSV) + ", " + dir.resolve(MD));
        out.flush();
        return md.contains("heap: PASS") && md.contains("threads: PASS");
    }

    /** @return the summary in markdown */
    static String summary(List<Sample> samples, int trials) {
        List<Sample> during = samples.stream().filter(s -> s.trial() > 0).toList();
        if (during.isEmpty()) {
            return "# spindle bench soak\n\nno trial finished; see soak-sweep.log\n";
        }
        Sample last = during.get(during.size() - 1);
        // trial 50, or a quarter of a shorter run (after the first trials' warm-up)
        int from = Math.min(BASELINE_TRIAL, Math.max(1, last.trial() / 4));
        Sample base = during.stream().filter(s -> s.trial() >= from).findFirst().orElse(during.get(0));
        double baseFloor = floor(during, base.trial());
        double lastFloor = floor(during, last.trial());
        double growth = lastFloor - baseFloor;
        int threadGrowth = last.threads() - base.threads();
        Sample after = samples.get(samples.size() - 1);
        StringBuilder b = new StringBuilder("# spindle bench soak\n\n");
        b.append(Report.fmt("%d trials (%d finished), %.0f s. Heap is the driver's heap in use at the end of forced collections;"
                + " in local mode the executor caches live in the same JVM (their arrays off heap).%n%n", trials,
                last.trial(), last.seconds()));
        b.append("| | trial ").append(base.trial()).append(" | trial ").append(last.trial()).append(" | change |\n");
        b.append("|---|---:|---:|---:|\n");
        b.append(Report.fmt("| used heap after GC (MB) | %.1f | %.1f | %+.1f |%n", base.heapMb(), last.heapMb(),
                last.heapMb() - base.heapMb()));
        b.append(Report.fmt("| least of the %d trials up to it (MB) | %.1f | %.1f | %+.1f |%n", FLOOR_TRIALS, baseFloor,
                lastFloor, growth));
        b.append(Report.fmt("| live threads | %d | %d | %+d |%n", base.threads(), last.threads(), threadGrowth));
        b.append(Report.fmt("| data cache entries / MB | %d / %.2f | %d / %.2f | |%n", base.cache().dataEntries(),
                base.cache().dataBytes() / 1e6, last.cache().dataEntries(), last.cache().dataBytes() / 1e6));
        b.append(Report.fmt("| networks cached (+ kept) | %d + %d | %d + %d | |%n", base.cache().networkEntries(),
                base.cache().keptEntries(), last.cache().networkEntries(), last.cache().keptEntries()));
        b.append(Report.fmt("| partitions decoded so far | %d | %d | |%n", base.cache().dataLoads(),
                last.cache().dataLoads()));
        b.append(Report.fmt("%nAfter the session stopped: heap %.1f MB, %d threads, %d data entries, %d networks.%n%n",
                after.heapMb(), after.threads(), after.cache().dataEntries(),
                after.cache().networkEntries() + after.cache().keptEntries()));
        b.append(Report.fmt("- heap: %s (growth %.1f MB from trial %d to %d, the least heap after GC of the %d trials "
                        + "up to each; target < %d MB)%n", growth < HEAP_TARGET_MB ? "PASS" : "FAIL", growth, base.trial(),
                last.trial(), FLOOR_TRIALS, HEAP_TARGET_MB));
        b.append(Report.fmt("- threads: %s (%+d from trial %d to %d; target: flat, within 2)%n",
                Math.abs(threadGrowth) <= 2 ? "PASS" : "FAIL", threadGrowth, base.trial(), last.trial()));
        String changed = poolChanges(base.pools(), last.pools());
        if (!changed.isEmpty()) {
            b.append("- thread pools that changed from trial ").append(base.trial()).append(" to ").append(last.trial())
                    .append(": ").append(changed).append('\n');
        }
        return b.toString();
    }

    /**
     * @param before threads per pool at one sample
     * @param after threads per pool at a later one
     * @return the pools whose count changed, e.g. {@code "shuffle-server-#-#" 2 -> 4}, or empty
     */
    static String poolChanges(Map<String, Integer> before, Map<String, Integer> after) {
        java.util.SortedSet<String> names = new java.util.TreeSet<>(before.keySet());
        names.addAll(after.keySet());
        List<String> out = new ArrayList<>();
        for (String n : names) {
            int a = before.getOrDefault(n, 0);
            int z = after.getOrDefault(n, 0);
            if (a != z) {
                out.add("\"" + n + "\" " + a + " -> " + z);
            }
        }
        return String.join(", ", out);
    }

    /** @return a sample after forced collections */
    private static Sample sample(int trial, long t0) {
        double heapMb = heapAfterGc() / 1e6;
        return new Sample(trial, (System.nanoTime() - t0) / 1e9, heapMb, ManagementFactory.getThreadMXBean().getThreadCount(),
                ExecutorCache.stats(), pools(Thread.getAllStackTraces().keySet().stream().map(Thread::getName).toList()));
    }

    /**
     * The heap a trial's sample holds also counts what the trial running beside it has in hand at
     * that moment (its rows, its network, its result commit: tens of MB that come and go); what the
     * sweep retains is the floor under those samples.
     *
     * @param samples the samples, in trial order
     * @param trial a trial
     * @return the least heap (MB) of the samples of the {@value #FLOOR_TRIALS} trials up to
     *     {@code trial}, itself included
     */
    static double floor(List<Sample> samples, int trial) {
        return samples.stream().filter(s -> s.trial() <= trial && s.trial() > trial - FLOOR_TRIALS)
                .mapToDouble(Sample::heapMb).min().orElseThrow();
    }

    /**
     * Forces collections (three, a little apart, so that what the first frees through reference
     * queues goes too) and returns the heap in use at the end of the last one: every heap pool's
     * usage after its latest collection. The heap's usage read afterwards would also count what
     * the trial still running allocated since, up to a whole young generation of garbage.
     *
     * @return bytes of heap in use after the collections
     */
    static long heapAfterGc() {
        for (int i = 0; i < 3; i++) {
            if (i > 0) {
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            System.gc();
        }
        long used = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            MemoryUsage after = pool.getType() == MemoryType.HEAP ? pool.getCollectionUsage() : null;
            if (after != null) {
                used += after.getUsed();
            }
        }
        return used;
    }

    /**
     * @param names live threads' names
     * @return how many threads each pool has, a pool being a name with its numbers taken out
     *     (e.g. {@code Executor task launch worker for task 12.0 in stage 3.0 (TID 40)} counts under
     *     {@code Executor task launch worker for task #.# in stage #.# (TID #)})
     */
    static Map<String, Integer> pools(List<String> names) {
        Map<String, Integer> out = new java.util.TreeMap<>();
        for (String n : names) {
            out.merge(n.replaceAll("[0-9]+", "#"), 1, Integer::sum);
        }
        return out;
    }

    /** @return the soak's sweep file */
    static String sweep(int trials) {
        return """
                # spindle bench soak: many tiny trials, to see whether anything grows with their number
                name: bench-soak-digits
                data:
                  path: conf/datasets/digits.csv
                  label: digit
                  task: multiclass
                  split: {train: 0.7, validation: 0.15, test: 0.15, seed: 7}
                model:
                  preset: classification
                  layers:
                    - {type: dense, units: 16}
                    - {type: output}
                training:
                  batch_size: 32
                  epochs: 2
                  seed: 42
                  early_stopping: {enabled: false}
                metrics:
                  select: accuracy
                sweep:
                  strategy: random
                  trials: %d
                  parallel_trials: 2
                  workers_per_trial: 1
                  metric: accuracy
                  seed: 1
                  space:
                    training.lr: {loguniform: [1.0e-4, 3.0e-2]}
                  scheduler: none
                """.formatted(trials);
    }

    /** Passes the sweep's output through, calling back with the count after every trial's end line. */
    private static final class TrialEnds extends Writer {
        private final Writer to;
        private final IntConsumer onTrialEnd;
        private final StringBuilder line = new StringBuilder();
        private int ended;

        TrialEnds(Writer to, IntConsumer onTrialEnd) {
            this.to = to;
            this.onTrialEnd = onTrialEnd;
        }

        @Override
        public synchronized void write(char[] buf, int off, int len) throws IOException {
            to.write(buf, off, len);
            for (int i = off; i < off + len; i++) {
                if (buf[i] == '\n') {
                    boolean end = TRIAL_END.matcher(line.toString()).matches();
                    line.setLength(0);
                    if (end) {
                        to.flush();
                        onTrialEnd.accept(++ended);
                    }
                } else {
                    line.append(buf[i]);
                }
            }
        }

        @Override
        public void flush() throws IOException {
            to.flush();
        }

        @Override
        public void close() throws IOException {
            to.close();
        }
    }
}
