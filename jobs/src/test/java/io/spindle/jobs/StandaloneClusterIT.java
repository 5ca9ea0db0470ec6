package io.spindle.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.spindle.driver.job.TrainJob;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Spindle on a real Spark standalone cluster on loopback: a master and two workers, each its own
 * JVM, started by {@code deploy/standalone.sh} from the Maven-built jars with authentication and
 * RPC encryption on; the application jar submitted through Spark's {@code SparkSubmit}.
 */
class StandaloneClusterIT {

    @TempDir
    static Path tmp;

    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    static final Path SCRIPT = ROOT.resolve("deploy/standalone.sh");
    static Map<String, String> env;

    /** The result of a script run. */
    record Run(int code, String out) { }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static Run script(Map<String, String> extraEnv, Duration limit, String... args) throws Exception {
        return script(extraEnv, null, limit, args);
    }

    static Run script(Map<String, String> extraEnv, Path workingDir, Duration limit, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("bash", SCRIPT.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        if (workingDir != null) {
            pb.directory(workingDir.toFile());
        }
        pb.environment().putAll(env);
        pb.environment().putAll(extraEnv);
        Path log = Files.createTempFile(tmp, "run", ".log");
        Process p = pb.redirectOutput(log.toFile()).start();
        if (!p.waitFor(limit.toSeconds(), TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
            throw new AssertionError(String.join(" ", args) + " did not finish within " + limit + ":\n"
                    + Files.readString(log));
        }
        return new Run(p.exitValue(), Files.readString(log));
    }

    static Process submitInBackground(Path log, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("bash", SCRIPT.toString(), "submit"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(env);
        return pb.start();
    }

    @BeforeAll
    static void startCluster() throws Exception {
        env = new HashMap<>();
        env.put("SPINDLE_CLUSTER_DIR", tmp.resolve("cluster").toString());
        env.put("SPINDLE_MASTER_PORT", String.valueOf(freePort()));
        env.put("SPINDLE_MASTER_WEBUI_PORT", String.valueOf(freePort()));
        env.put("SPARK_LOCAL_IP", "127.0.0.1");
        Run r = script(Map.of(), Duration.ofMinutes(3), "start", "2", "1", "3g");
        assertEquals(0, r.code(), r.out());
        assertTrue(r.out().contains("2 workers"), r.out());
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (env != null) {
            script(Map.of(), Duration.ofMinutes(1), "stop");
        }
    }

    static Path digitsSpec(String name, int epochs) throws IOException {
        Path p = tmp.resolve(name + ".yaml");
        Files.writeString(p, io.spindle.driver.DigitsSpec.yaml("cluster-digits",
                ROOT.resolve("conf/datasets/digits.csv").toString(), 64,
                "epochs: " + epochs + "\ndropout: 0.1\nearly_stopping: {patience: 1000}",
                "cluster: {workers: 2, averaging_period: 4}"));
        return p;
    }

    /** @return the executor JVMs the workers started (their command line runs CoarseGrainedExecutorBackend) */
    static List<ProcessHandle> executors() {
        try (Stream<ProcessHandle> all = ProcessHandle.allProcesses()) {
            return all.filter(h -> h.info().commandLine().orElse("").contains("CoarseGrainedExecutorBackend")
                    && h.info().commandLine().orElse("").contains(tmp.toString())).toList();
        }
    }

    @Test
    void digitsTrainDataParallelAcrossTwoExecutorJvms() throws Exception {
        Path out = tmp.resolve("digits");
        Run r = script(Map.of(), Duration.ofMinutes(5), "submit", "train", digitsSpec("digits", 8).toString(),
                "--output", out.toString());
        assertEquals(0, r.code(), r.out());
        JsonNode summary = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
        assertEquals(2, summary.get("workers").asInt());
        assertTrue(summary.at("/test/accuracy").asDouble() > 0.9, summary.toString());
        // each worker ran an executor of the application: its work folder has one
        for (String w : List.of("worker-1", "worker-2")) {
            try (Stream<Path> apps = Files.list(tmp.resolve("cluster/work").resolve(w))) {
                assertTrue(apps.anyMatch(a -> a.getFileName().toString().startsWith("app-")), w + " ran an executor");
            }
        }
    }

    @Test
    void anExecutorKilledMidRunChangesNothing() throws Exception {
        int epochs = 8;
        Path spec = digitsSpec("kill", epochs);
        Path whole = tmp.resolve("whole");
        Run straight = script(Map.of(), Duration.ofMinutes(5), "submit", "train", spec.toString(), "--output",
                whole.toString());
        assertEquals(0, straight.code(), straight.out());

        Path killed = tmp.resolve("killed");
        Path log = tmp.resolve("killed.log");
        Process p = submitInBackground(log, "train", spec.toString(), "--output", killed.toString());
        Instant deadline = Instant.now().plus(Duration.ofMinutes(4));
        long killedPid = -1;
        while (killedPid < 0) {
            assertTrue(p.isAlive(), () -> "the run ended before an executor could be killed: " + read(log));
            assertTrue(Instant.now().isBefore(deadline), () -> "no checkpoint within 4 minutes: " + read(log));
            List<ProcessHandle> execs = executors();
            if (Files.exists(killed.resolve(TrainJob.CHECKPOINT)) && execs.size() == 2) {
                ProcessHandle victim = execs.get(0);
                victim.destroyForcibly(); // SIGKILL, in whatever round it is in
                killedPid = victim.pid();
            }
            Thread.sleep(50);
        }
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), () -> "the run finished after the executor loss: " + read(log));
        assertEquals(0, p.exitValue(), () -> read(log));

        ObjectMapper json = new ObjectMapper();
        JsonNode a = json.readTree(killed.resolve("summary.json").toFile());
        JsonNode b = json.readTree(whole.resolve("summary.json").toFile());
        assertEquals(epochs, a.get("epochs_run").asInt());
        assertEquals(b.get("test"), a.get("test"), "test metrics equal those of the undisturbed run");
        assertEquals(b.get("validation"), a.get("validation"));
        assertEquals(withoutTimings(b.get("history")), withoutTimings(a.get("history")), "every epoch's losses and metrics");
        final long gone = killedPid;
        assertTrue(executors().stream().noneMatch(h -> h.pid() == gone), "the killed executor stayed dead");
    }

    @Test
    void aSweepSpreadsItsTrialsOverBothWorkers() throws Exception {
        Path events = Files.createDirectories(tmp.resolve("events"));
        Path sweep = tmp.resolve("sweep.yaml");
        Files.writeString(sweep, Files.readString(digitsSpec("sweep-base", 3)).replace("cluster: {workers: 2, averaging_period: 4}\n", "")
                + """
                sweep:
                  strategy: random
                  trials: 4
                  parallel_trials: 2
                  metric: accuracy
                  space:
                    training.lr: {loguniform: [1.0e-3, 1.0e-2]}
                """);
        Path out = tmp.resolve("sweep");
        Map<String, String> opts = Map.of("SPINDLE_SUBMIT_OPTS", "--conf spark.eventLog.enabled=true --conf spark.eventLog.dir="
                + events.toUri());
        Run r = script(opts, Duration.ofMinutes(5), "submit", "sweep", sweep.toString(), "--output", out.toString());
        assertEquals(0, r.code(), r.out());
        assertTrue(Files.exists(out.resolve("best/model.zip")));

        // the event log: which executors ran the tasks of each trial's scheduler pool
        Map<Integer, String> poolOfStage = new HashMap<>();
        Map<String, Set<String>> executorsOfPool = new HashMap<>();
        ObjectMapper json = new ObjectMapper();
        try (Stream<Path> files = Files.list(events)) {
            for (Path f : files.toList()) {
                for (String line : Files.readAllLines(f)) {
                    JsonNode e = json.readTree(line);
                    String type = e.path("Event").asText();
                    if (type.equals("SparkListenerJobStart")) {
                        String pool = e.at("/Properties/spark.scheduler.pool").asText("");
                        e.path("Stage IDs").forEach(s -> poolOfStage.put(s.asInt(), pool));
                    } else if (type.equals("SparkListenerTaskEnd")) {
                        String pool = poolOfStage.getOrDefault(e.path("Stage ID").asInt(), "");
                        if (pool.startsWith("spindle-trial-")) {
                            executorsOfPool.computeIfAbsent(pool, k -> new HashSet<>())
                                    .add(e.at("/Task Info/Executor ID").asText());
                        }
                    }
                }
            }
        }
        assertEquals(2, executorsOfPool.size(), "two trials at a time, each in its own pool: " + executorsOfPool);
        Set<String> all = new HashSet<>();
        executorsOfPool.values().forEach(all::addAll);
        assertEquals(2, all.size(), "the trials' tasks ran on both executors: " + executorsOfPool);
    }

    @Test
    void anApplicationWithTheWrongSecretIsRefused() throws Exception {
        Path out = tmp.resolve("refused");
        // a refusal that hangs fails the script's 3-minute limit
        Run r = script(Map.of("SPINDLE_SECRET", "not-the-cluster-secret"), Duration.ofMinutes(3), "submit", "train",
                digitsSpec("refused", 2).toString(), "--output", out.toString());
        assertEquals(2, r.code(), r.out());
        String[] lines = r.out().strip().split("\n");
        assertEquals(1, lines.length, "one line: " + r.out());
        assertTrue(lines[0].contains("did not accept the application") && lines[0].contains("spark.authenticate.secret"),
                lines[0]);
        assertTrue(!Files.exists(out), "nothing written");
    }

    @Test
    void dataOnlyTheDriverCanReadIsOneClearLine() throws Exception {
        // /proc/self/cwd is each process's own working folder: the driver's holds digits.csv, the
        // executors' (their folders under the workers' work dirs) do not
        Path driverDir = Files.createDirectories(tmp.resolve("driver-only"));
        Files.copy(ROOT.resolve("conf/datasets/digits.csv"), driverDir.resolve("digits.csv"));
        Path spec = tmp.resolve("driver-only.yaml");
        Files.writeString(spec, io.spindle.driver.DigitsSpec.yaml("driver-only", "/proc/self/cwd/digits.csv", 16,
                "epochs: 2", "cluster: {workers: 2}"));
        Path out = tmp.resolve("driver-only-out");
        Run r = script(Map.of(), driverDir, Duration.ofMinutes(4), "submit", "train", spec.toString(), "--output",
                out.toString());
        assertEquals(2, r.code(), r.out());
        String[] lines = r.out().strip().split("\n");
        assertEquals(1, lines.length, "one line: " + r.out());
        assertTrue(lines[0].contains("an executor cannot read its input") && lines[0].contains("digits.csv")
                && lines[0].contains("every executor can read"), lines[0]);
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return e.toString();
        }
    }

    private static JsonNode withoutTimings(JsonNode history) {
        JsonNode copy = history.deepCopy();
        for (JsonNode e : copy) {
            ((ObjectNode) e).remove(List.of("samples_per_s", "seconds"));
        }
        return copy;
    }
}
