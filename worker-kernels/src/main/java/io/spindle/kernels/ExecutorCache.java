package io.spindle.kernels;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.deeplearning4j.nn.api.Updater;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What an executor JVM keeps between rounds: decoded partition data (features and labels as
 * ND4J arrays) and one network per trial and role (train or eval, with the partition), built
 * once, not per round. Entries are keyed so that concurrent tasks of one JVM never share a
 * network; partition data is shared, read only, by every trial whose task names the same data key.
 *
 * <p>The caches are bounded, so that a long sweep cannot grow an executor without limit even
 * when a release task misses it:
 * <ul>
 *   <li><b>data</b>: by weight, the bytes of the features, labels and offsets arrays, at most
 *       {@code -Dspindle.cache.data.bytes} (default: a quarter of JavaCPP's off-heap limit,
 *       {@code org.bytedeco.javacpp.maxbytes}, which defaults to the JVM's max heap);</li>
 *   <li><b>networks</b>: by weight, {@code 2 * 4 * (parameters + updater state)} bytes each
 *       (parameters, their gradients and the optimizer state), at most
 *       {@code -Dspindle.cache.networks.bytes} (default: a quarter of the same limit);</li>
 *   <li>both: entries not used for {@code -Dspindle.cache.expire.minutes} (default 10) expire;</li>
 *   <li><b>kept networks</b>, which hold state the driver does not have (a worker's own optimizer
 *       state, {@code cluster.average_updater: false}): never evicted by weight, only released
 *       with their trial or after {@code -Dspindle.cache.kept.expire.minutes} (default 60) unused.</li>
 * </ul>
 * Byte sizes take a {@code k}, {@code m} or {@code g} suffix. A round runs for seconds, so
 * entries in use are not evicted mid-round in normal operation; if they are (a full cache), the
 * round goes on with the arrays it holds, and the next use rebuilds the entry: data is decoded
 * again from the partition's rows, a network built again from its configuration (its parameters
 * and shared optimizer state come with every round).
 */
public final class ExecutorCache {

    private static final Logger LOG = LoggerFactory.getLogger(ExecutorCache.class);

    /** A partition's rows as two matrices (shared read only: nothing may change them in place). */
    public record PartitionData(INDArray features, INDArray labels, INDArray offsets) {
        /** Rows without offsets. */
        public PartitionData(INDArray features, INDArray labels) {
            this(features, labels, null);
        }

        /** @return rows held */
        public long rows() {
            return features.size(0);
        }

        /** @return bytes of the arrays held */
        public long bytes() {
            return ExecutorCache.bytes(features) + ExecutorCache.bytes(labels) + ExecutorCache.bytes(offsets);
        }
    }

    /**
     * The caches' bounds.
     *
     * @param dataBytes most bytes of partition data
     * @param networkBytes most bytes of networks that can be rebuilt
     * @param expiry how long an unused entry stays
     * @param keptExpiry how long an unused kept network stays
     */
    public record Limits(long dataBytes, long networkBytes, Duration expiry, Duration keptExpiry) {
        public Limits {
            if (dataBytes <= 0 || networkBytes <= 0 || expiry.isNegative() || expiry.isZero() || keptExpiry.isNegative()
                    || keptExpiry.isZero()) {
                throw new IllegalArgumentException("cache limits must be > 0, got data " + dataBytes + " bytes, networks "
                        + networkBytes + " bytes, expiry " + expiry + ", kept expiry " + keptExpiry);
            }
        }

        /** @return the limits the system properties set (see the class comment), with their defaults */
        public static Limits fromSystem() {
            long quarter = Math.max(64L << 20, offHeapLimit() / 4);
            return new Limits(bytesProperty("spindle.cache.data.bytes", quarter),
                    bytesProperty("spindle.cache.networks.bytes", quarter),
                    Duration.ofMinutes(minutesProperty("spindle.cache.expire.minutes", 10)),
                    Duration.ofMinutes(minutesProperty("spindle.cache.kept.expire.minutes", 60)));
        }
    }

    /**
     * How full the caches are.
     *
     * @param dataEntries partitions cached
     * @param dataBytes their bytes
     * @param networkEntries rebuildable networks cached
     * @param networkBytes their estimated bytes
     * @param keptEntries kept networks (with state the driver does not have)
     * @param keptBytes their estimated bytes
     * @param dataLoads partitions decoded since the JVM started (a miss each)
     */
    public record Stats(long dataEntries, long dataBytes, long networkEntries, long networkBytes, long keptEntries,
                        long keptBytes, long dataLoads) { }

    /** A cached network, with what its user attaches to it (dropped with it when it is evicted). */
    static final class Held {
        private final MultiLayerNetwork net;
        private final long bytes;
        private Object attachment;

        Held(MultiLayerNetwork net) {
            this.net = net;
            Updater u = net.getUpdater(false);
            INDArray state = u == null ? null : u.getStateViewArray();
            this.bytes = 2L * 4L * (net.numParams() + (state == null ? 0 : state.length()));
        }

        MultiLayerNetwork net() {
            return net;
        }

        /** @return what the user attached, or null (a network built since its last use) */
        Object attachment() {
            return attachment;
        }

        void attach(Object o) {
            attachment = o;
        }
    }

    /** The three caches under one set of limits. */
    private static final class Store {
        final Limits limits;
        final Cache<String, PartitionData> data;
        final Cache<String, Held> networks;
        final Cache<String, Held> kept;

        Store(Limits limits, Ticker ticker) {
            this.limits = limits;
            // maintenance on the calling thread: no pool threads, and evictions happen when they are due
            this.data = Caffeine.newBuilder().executor(Runnable::run).ticker(ticker)
                    .maximumWeight(limits.dataBytes()).weigher((String k, PartitionData d) -> weight(d.bytes()))
                    .expireAfterAccess(limits.expiry()).build();
            this.networks = Caffeine.newBuilder().executor(Runnable::run).ticker(ticker)
                    .maximumWeight(limits.networkBytes()).weigher((String k, Held h) -> weight(h.bytes))
                    .expireAfterAccess(limits.expiry()).build();
            this.kept = Caffeine.newBuilder().executor(Runnable::run).ticker(ticker)
                    .expireAfterAccess(limits.keptExpiry()).build();
        }
    }

    private static volatile Store store = new Store(Limits.fromSystem(), Ticker.systemTicker());
    private static final AtomicLong LOADS = new AtomicLong();

    private ExecutorCache() {
    }

    /**
     * Replaces the caches (emptied) with ones under other limits and clock (tests).
     *
     * @param limits the bounds
     * @param ticker the clock expiry is measured on
     */
    static void configure(Limits limits, Ticker ticker) {
        store = new Store(limits, ticker);
    }

    /** @return the limits in force */
    public static Limits limits() {
        return store.limits;
    }

    /**
     * @param dataKey the data set: tasks naming the same key share its partitions' arrays
     * @param partition the partition index
     * @param loader decodes the partition on first use (and again after an eviction)
     * @return the partition's cached arrays, to be read only
     */
    public static PartitionData data(String dataKey, int partition, Supplier<PartitionData> loader) {
        Store s = store;
        return s.data.get(dataKey + "#" + partition, k -> {
            PartitionData d = loader.get();
            LOADS.incrementAndGet();
            if (d.bytes() > s.limits.dataBytes()) {
                LOG.warn("partition {} of {} holds {} MB, more than the data cache's {} MB: it is decoded again every"
                        + " round; raise -Dspindle.cache.data.bytes on the executors", partition, dataKey,
                        d.bytes() >> 20, s.limits.dataBytes() >> 20);
            }
            return d;
        });
    }

    /**
     * @param dataKey the data set
     * @param partition the partition index
     * @return the partition's cached arrays, if this executor holds them (to be read only)
     */
    public static Optional<PartitionData> cachedData(String dataKey, int partition) {
        return Optional.ofNullable(store.data.getIfPresent(dataKey + "#" + partition));
    }

    /**
     * @param trialId the trial
     * @param role what the network is used for here (e.g. train, eval) with the partition
     * @param configJson the configuration, used when the network is built
     * @return the cached, initialized network
     */
    public static MultiLayerNetwork network(String trialId, String role, String configJson) {
        return held(trialId, role, configJson, false).net();
    }

    /**
     * @param trialId the trial
     * @param role what the network is used for, with the partition
     * @param configJson the configuration, used when the network is built
     * @param keepsState whether the network will hold state nobody else has (then it is kept, not
     *     evicted by weight); its updater is created with it, so that its weight counts it
     * @return the cached network and what is attached to it
     */
    static Held held(String trialId, String role, String configJson, boolean keepsState) {
        Store s = store;
        String key = trialId + "#" + role;
        Cache<String, Held> cache = keepsState ? s.kept : s.networks;
        return cache.get(key, k -> {
            MultiLayerConfiguration conf = MultiLayerConfiguration.fromJson(configJson);
            boolean training = role.startsWith("train");
            MultiLayerNetwork net = training ? Networks.create(conf) : Networks.forInference(conf);
            if (training) {
                net.getUpdater(); // training creates it anyway: weigh it with the network
            }
            return new Held(net);
        });
    }

    /**
     * @param trialId the trial
     * @param role what the network is used for, with the partition
     * @return the network this executor holds for them, if any
     */
    public static Optional<MultiLayerNetwork> cached(String trialId, String role) {
        Store s = store;
        String key = trialId + "#" + role;
        Held h = s.kept.getIfPresent(key);
        if (h == null) {
            h = s.networks.getIfPresent(key);
        }
        return Optional.ofNullable(h).map(Held::net);
    }

    /**
     * @param dataKey a data set
     * @param partition a partition of it
     */
    public static void evictData(String dataKey, int partition) {
        store.data.invalidate(dataKey + "#" + partition);
    }

    /**
     * Drops everything cached for a trial or data set (keys starting with the given prefix).
     *
     * @param prefix a trial id or data key
     */
    public static void evict(String prefix) {
        Store s = store;
        s.data.asMap().keySet().removeIf(k -> owned(k, prefix));
        s.networks.asMap().keySet().removeIf(k -> owned(k, prefix));
        s.kept.asMap().keySet().removeIf(k -> owned(k, prefix));
    }

    /** @return how full the caches are now (after due evictions) */
    public static Stats stats() {
        Store s = store;
        s.data.cleanUp();
        s.networks.cleanUp();
        s.kept.cleanUp();
        long dataBytes = s.data.asMap().values().stream().mapToLong(PartitionData::bytes).sum();
        long netBytes = s.networks.asMap().values().stream().mapToLong(h -> h.bytes).sum();
        long keptBytes = s.kept.asMap().values().stream().mapToLong(h -> h.bytes).sum();
        return new Stats(s.data.estimatedSize(), dataBytes, s.networks.estimatedSize(), netBytes,
                s.kept.estimatedSize(), keptBytes, LOADS.get());
    }

    /** @return whether a key belongs to a trial or data set: the prefix, then '#' or a '/' sub-key */
    private static boolean owned(String key, String prefix) {
        return key.startsWith(prefix) && key.length() > prefix.length()
                && (key.charAt(prefix.length()) == '#' || key.charAt(prefix.length()) == '/');
    }

    private static long bytes(INDArray a) {
        return a == null ? 0 : a.length() * a.dataType().width();
    }

    private static int weight(long bytes) {
        return (int) Math.min(Integer.MAX_VALUE, Math.max(1, bytes));
    }

    /** @return JavaCPP's off-heap limit (where ND4J's arrays live), else the max heap */
    private static long offHeapLimit() {
        try {
            long max = org.bytedeco.javacpp.Pointer.maxBytes();
            return max > 0 ? max : Runtime.getRuntime().maxMemory();
        } catch (LinkageError e) {
            return Runtime.getRuntime().maxMemory();
        }
    }

    private static long bytesProperty(String name, long fallback) {
        String v = System.getProperty(name);
        if (v == null || v.isBlank()) {
            return fallback;
        }
        String t = v.trim().toLowerCase(Locale.ROOT);
        long unit = switch (t.charAt(t.length() - 1)) {
            case 'k' -> 1L << 10;
            case 'm' -> 1L << 20;
            case 'g' -> 1L << 30;
            default -> 1;
        };
        try {
            long n = Long.parseLong(unit == 1 ? t : t.substring(0, t.length() - 1));
            if (n > 0) {
                return n * unit;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw new IllegalArgumentException("system property " + name + " is '" + v + "': give a positive size in"
                + " bytes, e.g. 512m or 2g");
    }

    private static long minutesProperty(String name, long fallback) {
        String v = System.getProperty(name);
        if (v == null || v.isBlank()) {
            return fallback;
        }
        try {
            long n = Long.parseLong(v.trim());
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw new IllegalArgumentException("system property " + name + " is '" + v + "': give whole minutes > 0, e.g. 10");
    }
}
