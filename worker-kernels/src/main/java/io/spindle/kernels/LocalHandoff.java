package io.spindle.kernels;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * In local mode the executor runs inside the driver's JVM, so a round's state and results can be
 * handed over in memory instead of being serialized into a broadcast and into task results (for
 * a large network and Adam, tens of MB each way, every round). The driver puts the state under a
 * round's key and takes each partition's result back by key; tasks carry only the key. On a
 * cluster nothing goes through here.
 */
public final class LocalHandoff {

    private static final Map<String, Object> SLOTS = new ConcurrentHashMap<>();

    private LocalHandoff() {
    }

    /**
     * @param key a key unique to the trial, round and item
     * @param value what to hand over
     */
    public static void put(String key, Object value) {
        SLOTS.put(key, value);
    }

    /**
     * @param key the item's key
     * @param type its type
     * @param <T> its type
     * @return the item, left in place (several tasks may read it)
     * @throws IllegalStateException when it is not here: the task ran outside the driver's JVM
     */
    public static <T> T get(String key, Class<T> type) {
        Object v = SLOTS.get(key);
        if (v == null) {
            throw new IllegalStateException("no in-memory hand-over '" + key + "' in this JVM: a local-mode task"
                    + " ran outside the driver's JVM");
        }
        return type.cast(v);
    }

    /**
     * @param key the item's key
     * @param type its type
     * @param <T> its type
     * @return the item, removed
     * @throws IllegalStateException when it is not here
     */
    public static <T> T take(String key, Class<T> type) {
        T v = get(key, type);
        SLOTS.remove(key);
        return v;
    }

    /**
     * Drops every item whose key starts with the prefix (a finished or failed round or trial).
     *
     * @param prefix key prefix
     */
    public static void clear(String prefix) {
        SLOTS.keySet().removeIf(k -> k.startsWith(prefix));
    }
}
