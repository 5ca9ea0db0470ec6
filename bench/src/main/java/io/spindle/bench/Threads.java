package io.spindle.bench;

import org.nd4j.linalg.factory.Nd4j;

/**
 * ND4J's thread settings. The launcher starts the JVM with {@code OMP_NUM_THREADS=1} (one BLAS
 * thread per Spark task core, as Spindle recommends); the single-JVM baseline may instead use
 * more threads, so that it is not held to one core while the data-parallel systems use two.
 */
final class Threads {

    private static volatile int singleJvm = Runtime.getRuntime().availableProcessors();

    private Threads() {
    }

    /** @return the BLAS threads ND4J uses now */
    static int current() {
        return Nd4j.factory().blas().getMaxThreads();
    }

    /**
     * Sets the threads of ND4J's BLAS and its own parallel loops.
     *
     * @param threads at least 1
     */
    static void set(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        Nd4j.factory().blas().setMaxThreads(threads);
        Nd4j.getEnvironment().setMaxThreads(threads);
        Nd4j.getEnvironment().setMaxMasterThreads(threads);
    }

    /**
     * @param threads threads for the single-JVM baseline (default: every core), at least 1
     */
    static void configureSingleJvm(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("--single-jvm-threads must be >= 1, got " + threads);
        }
        singleJvm = threads;
    }

    /**
     * Switches to the single-JVM baseline's thread count.
     *
     * @return that thread count
     */
    static int singleJvm() {
        set(singleJvm);
        return singleJvm;
    }
}
