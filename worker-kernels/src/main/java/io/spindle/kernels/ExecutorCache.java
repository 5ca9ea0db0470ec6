package io.spindle.kernels;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * What an executor JVM keeps between rounds: decoded partition data (features and labels as
 * ND4J arrays) and one network per trial and partition, built once, not per round. Entries are
 * keyed so that concurrent tasks of one JVM never share a network.
 */
public final class ExecutorCache {

    /** A partition's rows as two matrices. */
    public record PartitionData(INDArray features, INDArray labels, INDArray offsets) {
        /** Rows without offsets. */
        public PartitionData(INDArray features, INDArray labels) {
            this(features, labels, null);
        }

        /** @return rows held */
        public long rows() {
            return features.size(0);
        }
    }

    private static final Map<String, PartitionData> DATA = new ConcurrentHashMap<>();
    private static final Map<String, MultiLayerNetwork> NETWORKS = new ConcurrentHashMap<>();

    private ExecutorCache() {
    }

    /**
     * @param dataKey the data set
     * @param partition the partition index
     * @param loader decodes the partition on first use
     * @return the partition's cached arrays
     */
    public static PartitionData data(String dataKey, int partition, Supplier<PartitionData> loader) {
        return DATA.computeIfAbsent(dataKey + "#" + partition, k -> loader.get());
    }

    /**
     * @param trialId the trial
     * @param role what the network is used for here (e.g. train, eval) with the partition
     * @param configJson the configuration, used on first use only
     * @return the cached, initialized network
     */
    public static MultiLayerNetwork network(String trialId, String role, String configJson) {
        return NETWORKS.computeIfAbsent(trialId + "#" + role, k -> {
            return Networks.create(MultiLayerConfiguration.fromJson(configJson));
        });
    }

    /**
     * @param trialId the trial
     * @param role what the network is used for, with the partition
     * @return the network this executor holds for them, if any
     */
    public static java.util.Optional<MultiLayerNetwork> cached(String trialId, String role) {
        return java.util.Optional.ofNullable(NETWORKS.get(trialId + "#" + role));
    }

    /**
     * @param dataKey a data set
     * @param partition a partition of it
     */
    public static void evictData(String dataKey, int partition) {
        DATA.remove(dataKey + "#" + partition);
    }

    /**
     * Drops everything cached for a trial or data set (keys starting with the given prefix).
     *
     * @param prefix a trial id or data key
     */
    public static void evict(String prefix) {
        DATA.keySet().removeIf(k -> owned(k, prefix));
        NETWORKS.keySet().removeIf(k -> owned(k, prefix));
    }

    /** @return whether a key belongs to a trial or data set: the prefix, then '#' or a '/' sub-key */
    private static boolean owned(String key, String prefix) {
        return key.startsWith(prefix) && key.length() > prefix.length()
                && (key.charAt(prefix.length()) == '#' || key.charAt(prefix.length()) == '/');
    }
}
