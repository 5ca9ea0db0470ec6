package io.spindle.kernels;

/**
 * JavaCPP's check of the process's physical memory, which ND4J's allocations go through. With
 * {@code org.bytedeco.javacpp.maxphysicalbytes} above 0, every native allocation (each small
 * array's shape and data buffer, several per operation) reads the process's resident size from
 * the operating system while holding JavaCPP's one global allocation lock: on small networks,
 * where a minibatch is hundreds of tiny operations, that read is a large share of the step and
 * the lock serializes every training thread of the JVM (two trainings of a 64-128-10 MLP in two
 * threads of one JVM went no faster together than one alone). Spindle bounds ND4J's off-heap
 * memory with {@code org.bytedeco.javacpp.maxbytes} instead (the launcher, and
 * {@code SparkSettings} for executors), and turns the physical check off unless it is set.
 */
public final class NativeMemory {

    /** The JavaCPP system property of the physical-memory limit. */
    public static final String MAX_PHYSICAL_BYTES = "org.bytedeco.javacpp.maxphysicalbytes";

    private NativeMemory() {
    }

    /**
     * Turns JavaCPP's physical-memory check off in this JVM unless the property is set; effective
     * only before the first ND4J array is made (call it first thing in {@code main}).
     */
    public static void defaults() {
        if (System.getProperty(MAX_PHYSICAL_BYTES) == null) {
            System.setProperty(MAX_PHYSICAL_BYTES, "0");
        }
    }
}
