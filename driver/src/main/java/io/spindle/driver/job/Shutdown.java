package io.spindle.driver.job;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A request to stop the process gracefully (SIGTERM from {@code timeout}, YARN or Kubernetes
 * pre-emption; SIGINT from Ctrl-C). The command line records the signal here instead of letting
 * the JVM shut down under a running job; trainers then stop at their next safe point (before the
 * next averaging round), keep their last checkpoint, and leave their trials resumable, and sweeps
 * start no new trial. One per process: a signal is a property of the whole process.
 */
public final class Shutdown {

    private static final AtomicReference<String> SIGNAL = new AtomicReference<>();

    private Shutdown() {
    }

    /**
     * Records a stop request (the first one wins).
     *
     * @param signal the signal's name without "SIG" ({@code TERM}, {@code INT})
     * @return whether this was the first request
     */
    public static boolean request(String signal) {
        return SIGNAL.compareAndSet(null, signal);
    }

    /** @return whether a stop was requested */
    public static boolean requested() {
        return SIGNAL.get() != null;
    }

    /** @return the signal that requested the stop, if one did */
    public static Optional<String> signal() {
        return Optional.ofNullable(SIGNAL.get());
    }

    /**
     * @return the exit code of a process stopped by the requested signal, as shells report it
     *     (128 + the signal's number: 130 for INT, 143 for TERM)
     * @throws IllegalStateException when no stop was requested
     */
    public static int exitCode() {
        String s = signal().orElseThrow(() -> new IllegalStateException("no stop was requested"));
        return 128 + (s.equals("INT") ? 2 : s.equals("HUP") ? 1 : 15);
    }

    /** Forgets a request (tests that run several jobs in one JVM). */
    public static void clear() {
        SIGNAL.set(null);
    }
}
