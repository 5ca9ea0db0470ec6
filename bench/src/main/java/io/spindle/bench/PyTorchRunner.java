package io.spindle.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.spindle.kernels.ExecutorCache;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The {@code pytorch-cpu} row of the CNN case: the same network, optimizer, rate, batch, epochs
 * and rows (pixels / 255, the benchmark's train and test rows written as raw float32 files)
 * trained by PyTorch on the CPU with {@value CaseSpec#WORKERS} threads, in a Python process
 * running {@code pytorch_cnn.py} (shipped in the bench jar). The benchmark never installs
 * anything: where no {@code python3} on the PATH (nor {@code /usr/bin/python3}) can import torch,
 * the row is skipped with how to get it.
 */
final class PyTorchRunner {

    /** The script, a resource next to this class. */
    static final String SCRIPT = "pytorch_cnn.py";
    /** How to get PyTorch, for the skip message. */
    static final String HOW_TO_GET = "apt-get install python3-torch (Debian's package installs for /usr/bin/python3;"
            + " a python3 earlier on the PATH may not see it)";

    private static final ObjectMapper JSON = new ObjectMapper();

    private PyTorchRunner() {
    }

    /**
     * @return the first of {@code python3} (PATH) and {@code /usr/bin/python3} that imports torch,
     *     or empty when none does
     */
    static Optional<String> python() {
        for (String candidate : List.of("python3", "/usr/bin/python3")) {
            try {
                Process p = new ProcessBuilder(candidate, "-c", "import torch").redirectErrorStream(true).start();
                p.getInputStream().readAllBytes();
                if (p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0) {
                    return Optional.of(candidate);
                }
                p.destroyForcibly();
            } catch (IOException ex) {
                // not there: try the next one
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    /**
     * @param caseName the case
     * @param python the interpreter ({@link #python()})
     * @param data the case's data (flat 784-pixel rows, one-hot labels)
     * @param dense the dense layer's width
     * @param batchSize minibatch size
     * @param budget epochs and time budget
     * @param folder where the rows and the script are written (replaced)
     * @return the run
     * @throws IllegalStateException when the process fails or prints nothing
     */
    static SystemRun run(String caseName, String python, BenchData data, int dense, int batchSize, Budget budget,
                         Path folder) throws IOException {
        Files.createDirectories(folder);
        writeRows(data.train(), folder, "train");
        writeRows(data.test(), folder, "test");
        Path script = folder.resolve(SCRIPT);
        try (InputStream in = PyTorchRunner.class.getResourceAsStream(SCRIPT)) {
            if (in == null) {
                throw new IllegalStateException(SCRIPT + " is missing from the bench jar; rebuild it");
            }
            Files.copy(in, script, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        List<String> cmd = List.of(python, script.toString(), folder.toString(), Integer.toString(budget.maxEpochs()),
                String.format(Locale.ROOT, "%.1f", budget.maxSeconds()), Integer.toString(CaseSpec.WORKERS),
                Integer.toString(batchSize), Integer.toString(dense), "0.001", Long.toString(CaseSpec.SEED));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(folder.resolve("pytorch.err").toFile());
        // the launcher pins OpenMP to one thread for the JVM's tasks; PyTorch gets its own count
        pb.environment().put("OMP_NUM_THREADS", Integer.toString(CaseSpec.WORKERS));
        pb.environment().put("MKL_NUM_THREADS", Integer.toString(CaseSpec.WORKERS));
        Process p = pb.start();
        List<String> lines = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                lines.add(line);
            }
        }
        try {
            // the budget bounds training; evaluation and start-up add a little
            if (!p.waitFor((long) budget.maxSeconds() * 2 + 120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("PyTorch did not finish in time");
            }
        } catch (InterruptedException ex) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", ex);
        }
        if (p.exitValue() != 0) {
            String err = Files.readString(folder.resolve("pytorch.err"));
            throw new IllegalStateException("PyTorch exited with " + p.exitValue() + ": "
                    + err.lines().reduce((a, b) -> b).orElse("(no message)"));
        }
        return parse(caseName, lines, batchSize, budget);
    }

    /**
     * @param caseName the case
     * @param lines the script's output, one JSON object per epoch
     * @param batchSize minibatch size, for the note
     * @param budget the budget, for the note
     * @return the run, with cumulative training seconds and samples per point
     */
    static SystemRun parse(String caseName, List<String> lines, int batchSize, Budget budget) throws IOException {
        List<EpochPoint> points = new ArrayList<>();
        double seconds = 0;
        long samples = 0;
        String version = "?";
        int threads = 0;
        for (String line : lines) {
            if (!line.startsWith("{")) {
                continue;
            }
            JsonNode n = JSON.readTree(line);
            seconds += n.path("seconds").asDouble();
            samples += n.path("samples").asLong();
            points.add(new EpochPoint(n.path("epoch").asInt(), seconds, samples, n.path("accuracy").asDouble()));
            version = n.path("torch").asText(version);
            threads = n.path("threads").asInt(threads);
        }
        if (points.isEmpty()) {
            throw new IllegalStateException("PyTorch printed no epoch: " + String.join(" / ", lines));
        }
        return new SystemRun(caseName, Systems.PYTORCH, points, "PyTorch " + version + " on the CPU, " + threads
                + " thread(s), the same layers (its default initialization), Adam 1e-3, minibatches of " + batchSize
                + " shuffled per epoch, the benchmark's rows; " + budget.stopReason(points.size(), seconds));
    }

    /** Writes a split's pixels as raw little-endian float32 and its classes as int32. */
    private static void writeRows(ExecutorCache.PartitionData rows, Path folder, String name) throws IOException {
        INDArray x = rows.features().castTo(DataType.FLOAT);
        int[] y = rows.labels().argMax(1).toIntVector();
        // a copy of its own: a view's buffer may hold more than the view
        float[] pixels = x.dup('c').data().asFloat();
        try (OutputStream out = Files.newOutputStream(folder.resolve(name + "_x.f32"))) {
            ByteBuffer b = ByteBuffer.allocate(pixels.length * 4).order(ByteOrder.LITTLE_ENDIAN);
            b.asFloatBuffer().put(pixels);
            out.write(b.array());
        }
        try (OutputStream out = Files.newOutputStream(folder.resolve(name + "_y.i32"))) {
            ByteBuffer b = ByteBuffer.allocate(y.length * 4).order(ByteOrder.LITTLE_ENDIAN);
            b.asIntBuffer().put(y);
            out.write(b.array());
        }
    }
}
