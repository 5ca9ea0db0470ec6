package io.spindle.driver.train;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.spindle.kernels.eval.Metrics;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.zip.CRC32;

/**
 * Everything a run needs to continue after its last finished epoch exactly as if it had never
 * stopped: parameters, updater state (shared, or per worker), the outer optimizer's velocity, the
 * epoch and iteration counters, the schedule's and early stopping's state, the history so far and
 * the best epoch's parameters and metrics. Randomness needs no saved state: every shuffle and
 * dropout mask derives from the seed, the epoch, the round and the partition.
 *
 * <p>On disk: the magic {@code SPNDLCK1}, a length-prefixed JSON header, the float arrays
 * (length-prefixed, little-endian) and a CRC-32 of all that, so a truncated or damaged file is
 * recognized instead of resumed from.
 *
 * @param specDigest digest of the resolved spec that wrote it
 * @param seed the run's seed
 * @param workers workers of the run
 * @param period averaging period of the run
 * @param epochsDone epochs finished
 * @param iteration minibatch steps per worker so far (drives Adam's bias correction)
 * @param status RUNNING, or how the run ended (COMPLETED, EARLY_STOPPED, PRUNED, DIVERGED)
 * @param diagnosis advice when the run went wrong (empty otherwise)
 * @param plateau the reduce-on-plateau state
 * @param bestValue best monitored value (NaN before the first check)
 * @param bestEpoch 1-based epoch of the kept parameters (0: none yet)
 * @param sinceBest checks without improvement
 * @param seconds wall seconds spent so far
 * @param history the records so far
 * @param bestMetrics validation metrics of the kept parameters
 * @param params current parameters
 * @param updater shared updater state (empty when workers keep their own)
 * @param bestParams kept parameters
 * @param velocity the outer optimizer's velocity (empty without one)
 * @param workerUpdaters per-worker updater states (empty when shared)
 */
public record Checkpoint(String specDigest, long seed, int workers, int period, int epochsDone, int iteration,
                         Status status, String diagnosis, LrSchedule.Plateau plateau, double bestValue, int bestEpoch,
                         int sinceBest, double seconds, List<EpochRecord> history, Optional<Metrics> bestMetrics,
                         float[] params, float[] updater, float[] bestParams, float[] velocity,
                         float[][] workerUpdaters) {

    private static final byte[] MAGIC = "SPNDLCK1".getBytes(StandardCharsets.US_ASCII);
    private static final ObjectMapper JSON = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

    public Checkpoint {
        Objects.requireNonNull(specDigest, "specDigest");
        history = List.copyOf(history);
        Objects.requireNonNull(params, "params");
        Objects.requireNonNull(workerUpdaters, "workerUpdaters");
    }

    /** The JSON part of the file (no metrics yet: null, which JSON spells naturally). */
    private record Header(String specDigest, long seed, int workers, int period, int epochsDone, int iteration,
                          Status status, String diagnosis, LrSchedule.Plateau plateau, double bestValue, int bestEpoch,
                          int sinceBest, double seconds, List<EpochRecord> history, Metrics bestMetricsOrNull,
                          int workerUpdaterCount) { }

    /**
     * @return this checkpoint of a trial a sweep's scheduler paused, as one that trains on from
     *     here: status {@code RUNNING}, no diagnosis, everything else the same
     */
    public Checkpoint reopened() {
        return new Checkpoint(specDigest, seed, workers, period, epochsDone, iteration, Status.RUNNING, "", plateau,
                bestValue, bestEpoch, sinceBest, seconds, history, bestMetrics, params, updater, bestParams, velocity,
                workerUpdaters);
    }

    /**
     * @param out where to write (not closed)
     * @throws IOException on failure
     */
    public void write(OutputStream out) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        buf.write(MAGIC);
        byte[] header = JSON.writeValueAsBytes(new Header(specDigest, seed, workers, period, epochsDone, iteration, status,
                diagnosis, plateau, bestValue, bestEpoch, sinceBest, seconds, history, bestMetrics.orElse(null),
                workerUpdaters.length));
        buf.write(intBytes(header.length));
        buf.write(header);
        for (float[] a : arrays()) {
            ByteBuffer b = ByteBuffer.allocate(4 + 4 * a.length).order(ByteOrder.LITTLE_ENDIAN);
            b.putInt(a.length);
            b.asFloatBuffer().put(a);
            buf.write(b.array());
        }
        CRC32 crc = new CRC32();
        byte[] body = buf.toByteArray();
        crc.update(body);
        out.write(body);
        out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(crc.getValue()).array());
    }

    private List<float[]> arrays() {
        List<float[]> all = new java.util.ArrayList<>(List.of(params, updater, bestParams, velocity));
        all.addAll(Arrays.asList(workerUpdaters));
        return all;
    }

    /**
     * @param in the file's content
     * @param where the file's name, for messages
     * @return the checkpoint
     * @throws CorruptCheckpointException when the content is not a complete, undamaged checkpoint
     * @throws IOException when reading fails
     */
    public static Checkpoint read(InputStream in, String where) throws IOException {
        byte[] all = in.readAllBytes();
        if (all.length < MAGIC.length + 12 || !Arrays.equals(Arrays.copyOf(all, MAGIC.length), MAGIC)) {
            throw new CorruptCheckpointException(where + " is not a Spindle checkpoint (or is truncated)");
        }
        CRC32 crc = new CRC32();
        crc.update(all, 0, all.length - 8);
        long stored = ByteBuffer.wrap(all, all.length - 8, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        if (stored != crc.getValue()) {
            throw new CorruptCheckpointException(where + " is damaged (checksum mismatch)");
        }
        ByteBuffer b = ByteBuffer.wrap(all, MAGIC.length, all.length - 8 - MAGIC.length).order(ByteOrder.LITTLE_ENDIAN);
        byte[] headerBytes = new byte[b.getInt()];
        b.get(headerBytes);
        Header h = JSON.readValue(headerBytes, Header.class);
        float[] params = floats(b);
        float[] updater = floats(b);
        float[] best = floats(b);
        float[] velocity = floats(b);
        float[][] workers = new float[h.workerUpdaterCount()][];
        for (int i = 0; i < workers.length; i++) {
            workers[i] = floats(b);
        }
        if (b.hasRemaining()) {
            throw new CorruptCheckpointException(where + " has " + b.remaining() + " unexpected trailing bytes");
        }
        return new Checkpoint(h.specDigest(), h.seed(), h.workers(), h.period(), h.epochsDone(), h.iteration(), h.status(),
                h.diagnosis(), h.plateau(), h.bestValue(), h.bestEpoch(), h.sinceBest(), h.seconds(), h.history(),
                Optional.ofNullable(h.bestMetricsOrNull()), params, updater, best, velocity, workers);
    }

    private static float[] floats(ByteBuffer b) {
        float[] a = new float[b.getInt()];
        b.asFloatBuffer().get(a);
        b.position(b.position() + 4 * a.length);
        return a;
    }

    private static byte[] intBytes(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array();
    }

    /** A checkpoint file that cannot be resumed from. */
    public static final class CorruptCheckpointException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        /**
         * @param message what is wrong, naming the file
         */
        public CorruptCheckpointException(String message) {
            super(message);
        }
    }
}
