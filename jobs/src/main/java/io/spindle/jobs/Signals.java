package io.spindle.jobs;

import io.spindle.driver.job.Shutdown;
import java.io.PrintStream;

/**
 * SIGTERM and SIGINT for the {@code spindle} process. While a training command runs
 * ({@link #graceful()}), the first signal becomes a {@link Shutdown} request: trainers stop before
 * their next averaging round with their last checkpoint kept, sweeps start no new trial, every
 * result row is committed, and the command exits with 128 + the signal's number after one line
 * saying how to continue. A second signal, or one that arrives while no training runs, ends the
 * process at once (the checkpoint files are always whole, so {@code --resume} still works).
 * Installed only by {@link Main#main}: embedding applications and tests keep their own handling.
 */
final class Signals {

    private static volatile boolean graceful;

    private Signals() {
    }

    /** Installs the handlers (once, from {@code main}). */
    static void install() {
        for (String name : new String[] {"TERM", "INT"}) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(name), s -> received(s.getName()));
            } catch (IllegalArgumentException e) {
                // the signal is reserved here (a JVM started with -Xrs): the JVM's default stays
            }
        }
    }

    /** Marks the start of a command whose first signal stops it at a safe point. */
    static void graceful() {
        graceful = true;
    }

    private static void received(String name) {
        if (graceful && Shutdown.request(name)) {
            return; // the running job stops at its next safe point and says so
        }
        PrintStream err = System.err;
        boolean first = !Shutdown.requested();
        Shutdown.request(name);
        if (!first) {
            err.println("spindle: stopping now (second signal); --resume continues from the last checkpoint");
            err.flush();
        }
        System.exit(Shutdown.exitCode());
    }
}
