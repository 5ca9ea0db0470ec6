package io.spindle.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.spindle.kernels.ExecutorCache;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

/**
 * System {@value Systems#SPINDLE_STANDALONE} ({@code --cluster}): the {@code mnist-mlp} Spindle
 * case as a Spark application on a real standalone cluster on this machine, to compare with
 * {@value Systems#SPINDLE} on {@code local[2]}, and before it {@value Systems#SPINDLE_LOCAL_SUBMIT}:
 * the same submission with {@code --master local[2]}, a JVM that starts as cold as the cluster's. It writes the rows the benchmark trained on
 * (pixels / 255) and the equivalent job spec ({@link CaseSpec#clusterYaml}) to its folder, starts a
 * master and 2 workers of 1 core with {@code deploy/standalone.sh start}, submits
 * {@code spindle train} with {@code deploy/standalone.sh submit} (client mode: the driver is the
 * submitting JVM, each executor its own JVM), reads the run's {@code summary.json} and always
 * stops the cluster. Everything it writes stays in its folder: {@code data/}, the spec,
 * {@code run/} (the job's output), {@code cluster/} (the script's state; daemon logs in
 * {@code cluster/logs}, executor logs in {@code cluster/work}) and the script's own output in
 * {@code start.log}, {@code submit.log} and {@code stop.log}.
 */
final class StandaloneRunner {

    /** Sub-folder of the benchmark's output folder that holds everything of the cluster run. */
    static final String FOLDER = "standalone";
    /** Sub-folder of {@link #FOLDER} with the output of the same job on {@code local[2]}. */
    static final String LOCAL_RUN = "run-local";
    /** Cores per worker: one, like one task slot per worker of {@code local[2]}. */
    static final int CORES = 1;
    /** Memory each worker offers. */
    static final String WORKER_MEMORY = "3g";
    /** Heap of each executor. */
    static final String EXECUTOR_MEMORY = "2g";
    /** Lines of a script's output quoted in an error. */
    private static final int TAIL = 30;
    private static final Duration START_LIMIT = Duration.ofMinutes(3);
    private static final Duration STOP_LIMIT = Duration.ofMinutes(1);
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * What to run.
     *
     * @param c the case ({@code mnist-mlp})
     * @param epochs epochs the {@code local[2]} run completed; the cluster trains as many
     * @param averagingPeriod minibatches per worker per round the {@code local[2]} run used
     * @param localSeconds the {@code local[2]} run's training seconds (sizes the time limit)
     * @param data the benchmark's rows
     * @param home the Spindle checkout ({@code deploy/standalone.sh}, the application jar)
     * @param folder where everything of the cluster run goes (created)
     */
    record Request(BenchCase c, int epochs, int averagingPeriod, double localSeconds, BenchData data, Path home,
                   Path folder) {
        Request {
            if (epochs < 1 || averagingPeriod < 1) {
                throw new IllegalArgumentException("epochs and averagingPeriod must be >= 1, got " + epochs + " and "
                        + averagingPeriod);
            }
            folder = folder.toAbsolutePath().normalize();
            home = home.toAbsolutePath().normalize();
        }

        /** @return how long the submitted job may take: startup slack plus ten times the local run */
        Duration submitLimit() {
            return Duration.ofSeconds(Math.max(300, 180 + (long) Math.ceil(10 * localSeconds)));
        }
    }

    private StandaloneRunner() {
    }

    /**
     * Checks that the cluster can be started from a checkout, before anything is measured.
     *
     * @param home the Spindle checkout
     * @throws IllegalArgumentException naming what is missing and how to build it
     */
    static void checkReady(Path home) {
        Path script = home.resolve("deploy/standalone.sh");
        if (!Files.isRegularFile(script)) {
            throw new IllegalArgumentException("--cluster: no " + script.toAbsolutePath() + "; run the benchmark from a "
                    + "Spindle checkout (./spindle bench training --cluster)");
        }
        if (appJar(home).isEmpty() || !Files.isRegularFile(home.resolve("deploy/target/spark-classpath.txt"))) {
            throw new IllegalArgumentException("--cluster needs the application jar (jobs/target/spindle-jobs-*-app.jar) "
                    + "and deploy/target/spark-classpath.txt; build them first: (cd " + home.toAbsolutePath().normalize()
                    + " && mvn -pl jobs,deploy -am package -DskipTests)");
        }
    }

    /**
     * @param home the Spindle checkout
     * @return the application jar {@code deploy/standalone.sh} submits, if built
     */
    static Optional<Path> appJar(Path home) {
        Path target = home.resolve("jobs/target");
        if (!Files.isDirectory(target)) {
            return Optional.empty();
        }
        try (Stream<Path> files = Files.list(target)) {
            // the script submits the first match of spindle-jobs-*-app.jar in ls order
            return files.filter(f -> f.getFileName().toString().matches("spindle-jobs-.*-app\\.jar")).sorted().findFirst();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + target, e);
        }
    }

    /**
     * @param home the Spindle checkout
     * @param jar the application jar
     * @return a warning when a source file of the modules in the jar is newer than the jar (the
     *     cluster would run older code than {@code local[2]}), else empty
     */
    static Optional<String> staleJar(Path home, Path jar) {
        try {
            FileTime built = Files.getLastModifiedTime(jar);
            for (String module : List.of("worker-kernels", "driver", "jobs")) {
                Path src = home.resolve(module).resolve("src/main");
                if (!Files.isDirectory(src)) {
                    continue;
                }
                try (Stream<Path> files = Files.walk(src)) {
                    Optional<Path> newer = files.filter(Files::isRegularFile)
                            .filter(f -> modified(f).compareTo(built) > 0).findFirst();
                    if (newer.isPresent()) {
                        return Optional.of("the application jar " + jar.getFileName() + " is older than "
                                + home.relativize(newer.get()) + ": the cluster runs the code of its last build, not "
                                + "of the checkout (rebuild: mvn -pl jobs,deploy -am package -DskipTests)");
                    }
                }
            }
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot compare " + jar + " with the sources of " + home, e);
        }
    }

    private static FileTime modified(Path f) {
        try {
            return Files.getLastModifiedTime(f);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Runs the case on a fresh cluster and stops the cluster whatever happens.
     *
     * @param q what to run
     * @param out progress lines
     * @return the job on {@code local[2]} in a fresh JVM ({@value Systems#SPINDLE_LOCAL_SUBMIT}), then on the
     *     cluster, their points from the jobs' {@code summary.json}
     * @throws IllegalStateException when a script step fails or times out (with its exit code and
     *     the tail of its output), or the summary is not what was asked for
     * @throws UncheckedIOException when the data, the spec or the summary cannot be written or read
     */
    static List<SystemRun> run(Request q, PrintWriter out) {
        try {
            Files.createDirectories(q.folder().resolve("data"));
            Path train = q.folder().resolve("data/train.csv.gz");
            Path test = q.folder().resolve("data/test.csv.gz");
            List<String> classes = q.data().prepared().layout().classes();
            writeCsv(q.data().train(), classes, train);
            writeCsv(q.data().test(), classes, test);
            Path spec = q.folder().resolve(q.c().name() + ".yaml");
            String yaml = CaseSpec.clusterYaml(q.c(), train, test, classes, q.epochs(), q.averagingPeriod(), "");
            CaseSpec.parse(yaml, q.c().name()); // a spec the job would refuse fails here, before a cluster starts
            Files.writeString(spec, yaml, StandardCharsets.UTF_8);
            Path jar = appJar(q.home()).orElseThrow(() -> new IllegalStateException(
                    "no application jar in " + q.home().resolve("jobs/target")));
            Optional<String> stale = staleJar(q.home(), jar);
            stale.ifPresent(w -> out.println("  WARNING: " + w));
            Script script = new Script(q.home().resolve("deploy/standalone.sh"), environment(q.folder()), q.folder());
            Thread hook = new Thread(script::stopQuietly, "spindle-bench-stop-cluster");
            Runtime.getRuntime().addShutdownHook(hook);
            try {
                out.printf(Locale.ROOT, "  starting %d workers x %d core x %s (deploy/standalone.sh, state and logs in %s)...%n",
                        CaseSpec.WORKERS, CORES, WORKER_MEMORY, q.folder().resolve("cluster"));
                out.flush();
                script.run("start", START_LIMIT, "start", String.valueOf(CaseSpec.WORKERS), String.valueOf(CORES),
                        WORKER_MEMORY);
                // the same submission on local[2] first: a JVM as fresh as the cluster's (the cluster idles meanwhile)
                String localMaster = "local[" + CaseSpec.WORKERS + "]";
                out.printf(Locale.ROOT, "  submitting the same spindle train with --master %s (a fresh JVM)...%n",
                        localMaster);
                out.flush();
                Path localDir = q.folder().resolve(LOCAL_RUN);
                script.run("submit-local", q.submitLimit(), "submit", "train", spec.toString(), "--master", localMaster,
                        "--output", localDir.toString(), "--overwrite");
                JsonNode localSummary = JSON.readTree(localDir.resolve("summary.json").toFile());
                SystemRun fresh = fromSummary(localSummary, q.c().name(), Systems.SPINDLE_LOCAL_SUBMIT,
                        localNote(q, localSummary, jar));
                out.printf(Locale.ROOT, "  submitting spindle train %s to the cluster (%d epochs, averaging_period %d, at "
                        + "most %d s)...%n", q.folder().relativize(spec), q.epochs(), q.averagingPeriod(),
                        q.submitLimit().toSeconds());
                out.flush();
                Path runDir = q.folder().resolve("run");
                script.run("submit", q.submitLimit(), "submit", "train", spec.toString(), "--output", runDir.toString(),
                        "--overwrite");
                JsonNode summary = JSON.readTree(runDir.resolve("summary.json").toFile());
                return List.of(fresh, fromSummary(summary, q.c().name(), Systems.SPINDLE_STANDALONE,
                        note(q, summary, jar, stale)));
            } finally {
                script.stop(out);
                removeHook(hook);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("standalone cluster run in " + q.folder() + ": " + e.getMessage(), e);
        }
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the JVM is exiting: the hook is already stopping the cluster
        }
    }

    private static Map<String, String> environment(Path folder) throws IOException {
        Map<String, String> env = new HashMap<>();
        env.put("SPINDLE_CLUSTER_DIR", folder.resolve("cluster").toString());
        env.put("SPINDLE_MASTER_PORT", String.valueOf(freePort()));
        env.put("SPINDLE_MASTER_WEBUI_PORT", String.valueOf(freePort()));
        env.put("SPARK_LOCAL_IP", "127.0.0.1");
        // options the user set come last, so theirs win
        String user = System.getenv("SPINDLE_SUBMIT_OPTS");
        env.put("SPINDLE_SUBMIT_OPTS", "--conf spark.executor.memory=" + EXECUTOR_MEMORY
                + (user == null || user.isBlank() ? "" : " " + user));
        return env;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static String note(Request q, JsonNode summary, Path jar, Optional<String> stale) {
        int period = summary.path("averaging_period").asInt(-1);
        String status = summary.path("status").asText("?");
        return String.format(Locale.ROOT, "spindle train submitted by deploy/standalone.sh (client mode: driver in the "
                        + "SparkSubmit JVM) to a standalone master and %d workers x %d core x %s on 127.0.0.1, one "
                        + "executor JVM each (spark.executor.memory %s), authentication and RPC encryption %s; the "
                        + "%s spec with the same rows (%s), batch %d per worker, %d epochs, averaging_period %d%s; "
                        + "job status %s, mean of the epochs' samples/s in summary.json %,.0f; application jar %s "
                        + "(built %s)%s; spec, job output and logs in %s",
                CaseSpec.WORKERS, CORES, WORKER_MEMORY, EXECUTOR_MEMORY,
                System.getenv().getOrDefault("SPINDLE_AUTH", "on"), Systems.SPINDLE, q.folder().resolve("data"),
                q.c().batchSize(), q.epochs(), q.averagingPeriod(),
                period == q.averagingPeriod() ? "" : " (the job reports " + period + ")", status,
                summary.path("samples_per_s").asDouble(), jar.getFileName(),
                modified(jar).toInstant().truncatedTo(ChronoUnit.SECONDS),
                stale.map(w -> "; WARNING: " + w).orElse(""), q.folder());
    }

    private static String localNote(Request q, JsonNode summary, Path jar) {
        return String.format(Locale.ROOT, "the %s job, spec and application jar %s submitted the same way by "
                        + "deploy/standalone.sh with --master local[%d]: driver and executors in one fresh SparkSubmit JVM "
                        + "(-Xmx2g), before the cluster job, while the idle cluster ran; job status %s; output in %s",
                Systems.SPINDLE_STANDALONE, jar.getFileName(), CaseSpec.WORKERS, summary.path("status").asText("?"),
                q.folder().resolve(LOCAL_RUN));
    }

    /**
     * The run a job's {@code summary.json} describes, measured like {@link SpindleRunner}: an
     * epoch's training seconds are its train rows over its {@code samples_per_s} (the trainer's
     * rows per second of round wall time, evaluation excluded), accumulated over the epochs;
     * accuracy is the epoch's {@code val_accuracy} (the benchmark's test rows).
     *
     * @param summary the job's {@code summary.json}
     * @param caseName the case
     * @param system the system's name in the tables
     * @param note how it ran
     * @return the run, one point per completed epoch (partial-epoch records are left out)
     * @throws IllegalStateException when the summary lacks train rows, an epoch's
     *     {@code samples_per_s} or {@code val_accuracy}, records no completed epoch, or does not
     *     report {@value CaseSpec#WORKERS} workers
     */
    static SystemRun fromSummary(JsonNode summary, String caseName, String system, String note) {
        long rows = summary.at("/rows/train").asLong(0);
        if (rows <= 0) {
            throw new IllegalStateException(caseName + " / " + system + ": summary.json has no rows.train > 0");
        }
        int workers = summary.path("workers").asInt(0);
        if (workers != CaseSpec.WORKERS) {
            throw new IllegalStateException(caseName + " / " + system + ": the job trained with " + workers
                    + " workers, not " + CaseSpec.WORKERS + "; the comparison with local[" + CaseSpec.WORKERS
                    + "] needs both workers (did both executors register?)");
        }
        List<EpochPoint> points = new ArrayList<>();
        double seconds = 0;
        long samples = 0;
        for (JsonNode e : summary.path("history")) {
            if (e.has("rounds")) {
                continue; // a mid-epoch evaluation
            }
            JsonNode sps = e.get("samples_per_s");
            JsonNode accuracy = e.get("val_accuracy");
            int epoch = e.path("epoch").asInt(0);
            if (sps == null || !sps.isNumber() || !(sps.asDouble() > 0) || !Double.isFinite(sps.asDouble())
                    || accuracy == null || !accuracy.isNumber()) {
                throw new IllegalStateException(caseName + " / " + system + ": summary.json epoch " + epoch
                        + " needs a positive samples_per_s and a val_accuracy, got " + e);
            }
            seconds += rows / sps.asDouble();
            samples += rows;
            points.add(new EpochPoint(epoch, seconds, samples, accuracy.asDouble()));
        }
        if (points.isEmpty()) {
            throw new IllegalStateException(caseName + " / " + system + ": summary.json records no completed epoch (status "
                    + summary.path("status").asText("?") + ", " + summary.path("diagnosis").asText("") + ")");
        }
        return new SystemRun(caseName, system, points, note);
    }

    /**
     * Writes rows as a gzipped CSV that {@code spindle train} reads back to the same floats:
     * header {@code digit,x0,x1,...}, the label as its class name, each feature as
     * {@link Float#toString} ({@code 0} for zero).
     *
     * @param rows features and one-hot labels
     * @param classes class names in label-index order
     * @param file the {@code .csv.gz} file (replaced)
     * @throws IOException when it cannot be written
     */
    static void writeCsv(ExecutorCache.PartitionData rows, List<String> classes, Path file) throws IOException {
        float[][] features = rows.features().toFloatMatrix();
        int[] labels = rows.labels().argMax(1).toIntVector();
        try (BufferedWriter w = new BufferedWriter(new OutputStreamWriter(
                new GZIPOutputStream(Files.newOutputStream(file), 1 << 16), StandardCharsets.UTF_8), 1 << 16)) {
            int width = features.length == 0 ? (int) rows.features().size(1) : features[0].length;
            w.write("digit");
            for (int j = 0; j < width; j++) {
                w.write(",x" + j);
            }
            w.newLine();
            for (int i = 0; i < features.length; i++) {
                w.write(classes.get(labels[i]));
                for (float v : features[i]) {
                    w.write(',');
                    w.write(v == 0 ? "0" : Float.toString(v));
                }
                w.newLine();
            }
        }
    }

    /** {@code deploy/standalone.sh} with the cluster's environment; each step's output goes to {@code STEP.log}. */
    private static final class Script {
        private final Path script;
        private final Map<String, String> env;
        private final Path logs;
        private volatile Process current;
        private volatile boolean stopped;

        Script(Path script, Map<String, String> env, Path logs) {
            this.script = script;
            this.env = Map.copyOf(env);
            this.logs = logs;
        }

        /**
         * @param step the log's name
         * @param limit how long it may take
         * @param args the script's arguments
         * @throws IllegalStateException when it exits non-zero or runs past the limit
         */
        void run(String step, Duration limit, String... args) throws IOException {
            Path log = logs.resolve(step + ".log");
            int code = exec(log, limit, args);
            if (code != 0) {
                throw new IllegalStateException("deploy/standalone.sh " + String.join(" ", args).replace(
                        logs.toString() + "/", "") + " exited with " + code + "; last lines of " + log + ":\n" + tail(log));
            }
        }

        private int exec(Path log, Duration limit, String... args) throws IOException {
            List<String> cmd = new ArrayList<>(List.of("bash", script.toString()));
            cmd.addAll(List.of(args));
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
            pb.environment().putAll(env);
            pb.environment().remove("SPINDLE_SECRET"); // a test knob that makes the script use a wrong secret
            Process p = pb.start();
            current = p;
            Instant start = Instant.now();
            try {
                if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                    kill(p);
                    throw new IllegalStateException("deploy/standalone.sh " + args[0] + " did not finish within "
                            + limit.toSeconds() + " s (killed it after " + Duration.between(start, Instant.now()).toSeconds()
                            + " s); last lines of " + log + ":\n" + tail(log));
                }
                return p.exitValue();
            } catch (InterruptedException e) {
                kill(p);
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while deploy/standalone.sh " + args[0] + " ran", e);
            } finally {
                current = null;
            }
        }

        /** Ends a step this runner started: the script and the JVMs it launched that still hang under it. */
        private static void kill(Process p) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }

        /** Stops the cluster (the JVMs the script recorded by PID); a failure is printed, not thrown. */
        void stop(PrintWriter out) {
            if (stopped) {
                return;
            }
            try {
                int code = exec(logs.resolve("stop.log"), STOP_LIMIT, "stop");
                stopped = true;
                if (code != 0) {
                    out.println("  WARNING: deploy/standalone.sh stop exited with " + code + "; check for leftover JVMs "
                            + "with SPINDLE_CLUSTER_DIR=" + env.get("SPINDLE_CLUSTER_DIR") + " deploy/standalone.sh status:\n"
                            + tail(logs.resolve("stop.log")));
                }
            } catch (IOException | RuntimeException e) {
                out.println("  WARNING: could not stop the cluster (" + e.getMessage() + "); stop it with SPINDLE_CLUSTER_DIR="
                        + env.get("SPINDLE_CLUSTER_DIR") + " deploy/standalone.sh stop");
            }
            out.flush();
        }

        /** For the shutdown hook: the benchmark was interrupted mid-run (Ctrl-C). */
        void stopQuietly() {
            Process p = current;
            if (p != null) {
                kill(p);
            }
            stop(new PrintWriter(System.err, true));
        }

        private static String tail(Path log) {
            try {
                List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
                return String.join("\n", lines.subList(Math.max(0, lines.size() - TAIL), lines.size()));
            } catch (IOException | UncheckedIOException e) {
                return "(cannot read " + log + ": " + e.getMessage() + ")";
            }
        }
    }
}
