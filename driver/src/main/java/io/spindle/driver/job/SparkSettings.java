package io.spindle.driver.job;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.apache.spark.network.util.JavaUtils;

/**
 * Spark settings Spindle's sessions start with, each applied only where the user's configuration
 * leaves it unset:
 *
 * <ul>
 *   <li>Delta Lake's SQL extension and catalog, for the result tables;</li>
 *   <li>{@code spark.task.maxDirectResultSize}: a round's results (parameters and updater state)
 *       come straight back with the task instead of through the block manager;</li>
 *   <li>{@code spark.scheduler.mode=FAIR}: a sweep's concurrent trials each submit their jobs
 *       from their own pool, so one trial's jobs never queue behind another's;</li>
 *   <li>{@code spark.broadcast.compress=false}: parameters are floats that barely compress, so
 *       compressing every round's broadcast costs time for nothing;</li>
 *   <li>ND4J's off-heap memory on executors: DL4J keeps its arrays outside the Java heap, and
 *       JavaCPP's defaults (off-heap limit = heap size) let a container exceed its memory and be
 *       killed (deeplearning4j#2401, #2186). {@code spark.executor.memoryOverhead} defaults to half
 *       the executor memory (at least 1 GiB); {@code org.bytedeco.javacpp.maxbytes} gets that
 *       overhead less {@value #NATIVE_RESERVE_MB} MiB for the JVM's own native memory, and
 *       {@code org.bytedeco.javacpp.maxphysicalbytes} 0: that limit bounds what the executor may
 *       allocate, so JavaCPP's check of the physical memory, which reads the resident size on every
 *       native allocation under a lock all task threads share, is turned off
 *       ({@link io.spindle.kernels.NativeMemory}). Set {@code spark.spindle.offheap.maxbytes} /
 *       {@code spark.spindle.offheap.maxphysicalbytes} (or the {@code -D} options in
 *       {@code spark.executor.extraJavaOptions}) to override.</li>
 * </ul>
 */
public final class SparkSettings {

    /** Native memory the JVM needs besides ND4J's arrays (metaspace, thread stacks, network buffers), MiB. */
    static final long NATIVE_RESERVE_MB = 384;
    /** Delta Lake's SQL extension, which its table commands need. */
    static final String DELTA_EXTENSION = "io.delta.sql.DeltaSparkSessionExtension";
    /** Largest task result sent directly (Spark caps it at spark.rpc.message.maxSize, 128 MiB by default). */
    static final String DIRECT_RESULT = "120m";

    private SparkSettings() {
    }

    /**
     * @param conf the user's settings (key to value, empty when unset)
     * @return the settings to add: keys the user left unset, and the executor Java options with
     *     the off-heap limits appended
     * @throws IllegalArgumentException when a memory size cannot be parsed (the message names the key)
     */
    public static Map<String, String> defaults(Function<String, Optional<String>> conf) {
        Map<String, String> out = new LinkedHashMap<>();
        if (conf.apply("spark.task.maxDirectResultSize").isEmpty()) {
            out.put("spark.task.maxDirectResultSize", DIRECT_RESULT);
        }
        // the result tables are Delta tables: its SQL extension and catalog (added to the user's own)
        String extensions = conf.apply("spark.sql.extensions").orElse("");
        if (!extensions.contains(DELTA_EXTENSION)) {
            out.put("spark.sql.extensions", extensions.isBlank() ? DELTA_EXTENSION : extensions + "," + DELTA_EXTENSION);
        }
        if (conf.apply("spark.sql.catalog.spark_catalog").isEmpty()) {
            out.put("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog");
        }
        if (conf.apply("spark.scheduler.mode").isEmpty()) {
            out.put("spark.scheduler.mode", "FAIR");
        }
        if (conf.apply("spark.broadcast.compress").isEmpty()) {
            out.put("spark.broadcast.compress", "false");
        }
        long memory = mb(conf, "spark.executor.memory", "1g");
        Optional<String> overheadSet = conf.apply("spark.executor.memoryOverhead");
        long overhead = overheadSet.isPresent() ? mb(conf, "spark.executor.memoryOverhead", "0")
                : Math.max(1024, memory / 2);
        if (overheadSet.isEmpty()) {
            out.put("spark.executor.memoryOverhead", overhead + "m");
        }
        String opts = conf.apply("spark.executor.extraJavaOptions").orElse("");
        long maxBytes = conf.apply("spark.spindle.offheap.maxbytes").isPresent()
                ? mb(conf, "spark.spindle.offheap.maxbytes", "0") : Math.max(256, overhead - NATIVE_RESERVE_MB);
        long maxPhysical = conf.apply("spark.spindle.offheap.maxphysicalbytes").isPresent()
                ? mb(conf, "spark.spindle.offheap.maxphysicalbytes", "0") : 0;
        StringBuilder add = new StringBuilder();
        if (!opts.contains("-Dorg.bytedeco.javacpp.maxbytes=")) {
            add.append(" -Dorg.bytedeco.javacpp.maxbytes=").append(maxBytes).append('m');
        }
        if (!opts.contains("-Dorg.bytedeco.javacpp.maxphysicalbytes=")) {
            add.append(" -Dorg.bytedeco.javacpp.maxphysicalbytes=").append(maxPhysical).append(maxPhysical == 0 ? "" : "m");
        }
        if (add.length() > 0) {
            out.put("spark.executor.extraJavaOptions", (opts + add).trim());
        }
        return out;
    }

    private static long mb(Function<String, Optional<String>> conf, String key, String fallback) {
        String v = conf.apply(key).orElse(fallback).trim();
        try {
            return JavaUtils.byteStringAsMb(v.toLowerCase(Locale.ROOT));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a memory size such as 4g or 512m, got '" + v + "'");
        }
    }
}
