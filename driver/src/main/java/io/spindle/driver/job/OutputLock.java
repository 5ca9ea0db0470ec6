package io.spindle.driver.job;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The lock file {@value #FILE} a run keeps in its output folder while it writes there, so that two
 * processes ({@code train}, {@code sweep}, their {@code --resume} and {@code --overwrite}) never
 * write one folder at once. It is created atomically (it fails when the file exists), names its
 * holder (host, pid, command, start time) and is deleted when the run ends: normally, on failure,
 * or from a JVM shutdown hook. A lock whose process is gone (same host, pid no longer running, or
 * running but started at another time) is taken over; one from another host cannot be checked
 * and is refused.
 */
public final class OutputLock implements AutoCloseable {

    /** The lock file's name inside the output folder. */
    public static final String FILE = ".spindle.lock";

    /** How long a lock file with no content yet (its holder is writing it) is read again, ms. */
    static final long UNREADABLE_WAIT_MILLIS = 2000;

    private static final DateTimeFormatter MINUTES = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm'Z'")
            .withZone(ZoneOffset.UTC);

    private final FileSystem fs;
    private final Path file;
    private final String content;
    private final Runnable hook;
    private boolean released;

    private OutputLock(FileSystem fs, Path file, String content) {
        this.fs = fs;
        this.file = file;
        this.content = content;
        this.hook = this::deleteIfOurs;
    }

    /**
     * The process a lock file names.
     *
     * @param host the host name it ran on
     * @param pid its process id
     * @param command what it runs, e.g. {@code spindle train}
     * @param since when it took the lock
     * @param processStart when the process started, if known (tells a reused pid apart)
     */
    public record Holder(String host, long pid, String command, Instant since, Optional<Instant> processStart) {

        /** @return whether this holder runs on this host and is still alive */
        boolean alive() {
            Optional<ProcessHandle> p = ProcessHandle.of(pid);
            if (p.isEmpty() || !p.get().isAlive()) {
                return false;
            }
            Optional<Instant> started = p.get().info().startInstant();
            // a pid reused by a process started at another time is not the holder
            return processStart.isEmpty() || started.isEmpty()
                    || Math.abs(started.get().toEpochMilli() - processStart.get().toEpochMilli()) < 1000;
        }

        /** @return e.g. {@code spindle train (pid 1234 on host h, since 2026-11-30T21:00Z)} */
        String describe() {
            return command + " (pid " + pid + " on host " + host + ", since " + MINUTES.format(since) + ")";
        }
    }

    /**
     * Takes the lock of {@code dir}, creating the folder when it does not exist.
     *
     * @param fs the folder's file system
     * @param dir the output folder (qualified)
     * @param shown the folder as the user named it, for messages
     * @param command what takes it, e.g. {@code spindle train}
     * @param err where the one line about taking over a dead process's lock goes
     * @return the lock, to {@link #close()} when the run ends
     * @throws OutputDir.OutputException naming the holder when a live process (or one on another
     *     host) holds the lock, or when the lock file cannot be written
     */
    public static OutputLock acquire(FileSystem fs, Path dir, String shown, String command, PrintStream err) {
        Path file = new Path(dir, FILE);
        String content = format(self(command));
        for (int attempt = 0; ; attempt++) {
            if (create(fs, file, content)) {
                OutputLock lock = new OutputLock(fs, file, content);
                // before Hadoop's own hook closes the file systems
                org.apache.hadoop.util.ShutdownHookManager.get().addShutdownHook(lock.hook,
                        FileSystem.SHUTDOWN_HOOK_PRIORITY + 1);
                return lock;
            }
            Holder holder = holder(fs, dir).orElse(null);
            if (holder == null) {
                if (exists(fs, file)) {
                    throw new OutputDir.OutputException(shown + " holds a lock file " + FILE + " that cannot be read;"
                            + " if you are sure no spindle run uses the folder, delete " + file);
                }
                continue; // released meanwhile: try again
            }
            refuseUnlessStale(holder, shown, file);
            if (attempt > 3) {
                throw new OutputDir.OutputException("cannot take the lock " + file + ": other processes keep taking"
                        + " it; try again");
            }
            err.println("taking over the lock of pid " + holder.pid() + ", which is no longer running");
            err.flush();
            try {
                fs.delete(file, false);
            } catch (IOException e) {
                throw new OutputDir.OutputException("cannot remove the stale lock " + file + ": " + e.getMessage(), e);
            }
        }
    }

    /**
     * Refuses to go on when a process that may still run holds the lock.
     *
     * @param holder the lock's holder
     * @param dir the output folder, as the user named it
     * @param file the lock file
     * @throws OutputDir.OutputException when the holder is alive on this host, or on another host
     */
    static void refuseUnlessStale(Holder holder, String dir, Path file) {
        if (!holder.host().equals(host())) {
            throw new OutputDir.OutputException(dir + " is in use by " + holder.describe() + "; that host is not"
                    + " this one, so whether it still runs cannot be checked: wait for it to finish or stop it, or,"
                    + " if you are sure it no longer runs, delete " + file);
        }
        if (holder.alive()) {
            throw new OutputDir.OutputException(dir + " is in use by " + holder.describe()
                    + "; wait for it to finish or stop it");
        }
    }

    /**
     * Reads the lock file of {@code dir}.
     *
     * @param fs the folder's file system
     * @param dir the output folder
     * @return its holder, or empty when there is no lock file
     * @throws OutputDir.OutputException when the file system cannot be read
     */
    public static Optional<Holder> holder(FileSystem fs, Path dir) {
        Path file = new Path(dir, FILE);
        long deadline = System.nanoTime() + UNREADABLE_WAIT_MILLIS * 1_000_000L;
        while (true) {
            String text;
            try (InputStream in = fs.open(file)) {
                text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (java.io.FileNotFoundException e) {
                return Optional.empty();
            } catch (IOException e) {
                throw new OutputDir.OutputException("cannot read " + file + ": " + e.getMessage(), e);
            }
            Optional<Holder> h = parse(text);
            if (h.isPresent() || System.nanoTime() > deadline) {
                return h;
            }
            try {
                Thread.sleep(50); // its holder is still writing it
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return h;
            }
        }
    }

    /** @return the holder a lock file's text names, if it is complete */
    static Optional<Holder> parse(String text) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                m.put(line.substring(0, eq).strip(), line.substring(eq + 1).strip());
            }
        }
        if (!m.containsKey("end")) {
            return Optional.empty();
        }
        try {
            return Optional.of(new Holder(m.get("host"), Long.parseLong(m.get("pid")), m.get("command"),
                    Instant.parse(m.get("started")), Optional.ofNullable(m.get("process_start")).map(Instant::parse)));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /** @return this process as a lock's holder */
    static Holder self(String command) {
        ProcessHandle me = ProcessHandle.current();
        return new Holder(host(), me.pid(), command, Instant.now().truncatedTo(ChronoUnit.SECONDS),
                me.info().startInstant());
    }

    /** @return the lock file's text ({@code key=value} lines, {@code end=} last, so a half-written file is seen as such) */
    static String format(Holder h) {
        return "host=" + h.host() + "\npid=" + h.pid() + "\ncommand=" + h.command() + "\nstarted=" + h.since()
                + h.processStart().map(s -> "\nprocess_start=" + s).orElse("") + "\nend=\n";
    }

    /** @return this machine's host name */
    static String host() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return Optional.ofNullable(System.getenv("HOSTNAME")).orElse("localhost");
        }
    }

    /** Creates the file only if it does not exist: atomically on the local file system and on HDFS. */
    private static boolean create(FileSystem fs, Path file, String content) {
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        try {
            if ("file".equals(fs.getUri().getScheme())) {
                java.nio.file.Path local = java.nio.file.Paths.get(file.toUri());
                java.nio.file.Files.createDirectories(local.getParent());
                try (OutputStream out = java.nio.file.Files.newOutputStream(local,
                        java.nio.file.StandardOpenOption.CREATE_NEW, java.nio.file.StandardOpenOption.WRITE)) {
                    out.write(bytes); // O_EXCL: only one process creates it
                }
                return true;
            }
            try (OutputStream out = fs.create(file, false)) {
                out.write(bytes);
            }
            return true;
        } catch (java.nio.file.FileAlreadyExistsException | org.apache.hadoop.fs.FileAlreadyExistsException e) {
            return false;
        } catch (IOException e) {
            if (exists(fs, file)) {
                return false; // some file systems say so only as a plain IOException
            }
            throw new OutputDir.OutputException("cannot create output folder lock " + file + ": " + e.getMessage(), e);
        }
    }

    private static boolean exists(FileSystem fs, Path file) {
        try {
            return fs.exists(file);
        } catch (IOException e) {
            throw new OutputDir.OutputException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** @return the lock file */
    public Path file() {
        return file;
    }

    /** Deletes the lock file (if it is still this process's); idempotent. */
    @Override
    public synchronized void close() {
        if (released) {
            return;
        }
        released = true;
        try {
            org.apache.hadoop.util.ShutdownHookManager.get().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs (or ran) anyway
        }
        deleteIfOurs();
    }

    private void deleteIfOurs() {
        try (InputStream in = fs.open(file)) {
            String now = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            in.close();
            if (now.equals(content)) {
                fs.delete(file, false);
            }
        } catch (IOException e) {
            // gone already (the folder was removed) or unreadable: nothing of ours to delete
        }
    }
}
