package io.spindle.driver.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link OutputLock} on the local file system: acquire, refuse, release, take over a dead process's lock. */
class OutputLockTest {

    @TempDir
    Path tmp;

    static FileSystem fs;

    @BeforeAll
    static void localFs() throws Exception {
        fs = FileSystem.getLocal(new Configuration());
        fs.setWriteChecksum(false);
    }

    static org.apache.hadoop.fs.Path hadoop(Path p) {
        return new org.apache.hadoop.fs.Path(p.toUri());
    }

    /** @return a pid of this host that no process has any more */
    static long deadPid() throws Exception {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-version")
                .redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        assertEquals(0, p.waitFor());
        assertTrue(ProcessHandle.of(p.pid()).isEmpty(), "ended and reaped");
        return p.pid();
    }

    static void writeLock(Path dir, String host, long pid, String processStart) throws Exception {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(OutputLock.FILE), "host=" + host + "\npid=" + pid + "\ncommand=spindle sweep"
                + "\nstarted=2026-11-30T21:00:00Z" + (processStart == null ? "" : "\nprocess_start=" + processStart)
                + "\nend=\n");
    }

    @Test
    void acquireRefuseReleaseAndAcquireAgain() throws Exception {
        Path dir = tmp.resolve("out/run");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        OutputLock lock = OutputLock.acquire(fs, hadoop(dir), dir.toString(), "spindle train", new PrintStream(err, true));
        Path file = dir.resolve(OutputLock.FILE);
        assertTrue(Files.isRegularFile(file), "the folder and its lock are created");
        String text = Files.readString(file);
        assertTrue(text.contains("pid=" + ProcessHandle.current().pid() + "\n") && text.contains("command=spindle train\n")
                && text.contains("host=" + OutputLock.host() + "\n"), text);

        OutputDir.OutputException e = assertThrows(OutputDir.OutputException.class,
                () -> OutputLock.acquire(fs, hadoop(dir), dir.toString(), "spindle sweep", new PrintStream(err, true)));
        assertTrue(e.getMessage().matches(java.util.regex.Pattern.quote(dir.toString()) + " is in use by spindle train \\(pid " + ProcessHandle.current().pid()
                + " on host \\S+, since \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\dZ\\); wait for it to finish or stop it"),
                e.getMessage());
        assertEquals(text, Files.readString(file), "the holder's lock is untouched");

        lock.close();
        assertFalse(Files.exists(file), "released");
        lock.close(); // idempotent
        OutputLock again = OutputLock.acquire(fs, hadoop(dir), dir.toString(), "spindle sweep", new PrintStream(err, true));
        assertTrue(Files.readString(file).contains("command=spindle sweep"));
        again.close();
        assertEquals("", err.toString(StandardCharsets.UTF_8), "nothing to say without a takeover");
    }

    @Test
    void aDeadProcesssLockIsTakenOverWithOneLine() throws Exception {
        long dead = deadPid();
        Path dir = tmp.resolve("stale");
        writeLock(dir, OutputLock.host(), dead, null);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try (OutputLock lock = OutputLock.acquire(fs, hadoop(dir), dir.toString(), "spindle train", new PrintStream(err, true))) {
            assertEquals("taking over the lock of pid " + dead + ", which is no longer running\n",
                    err.toString(StandardCharsets.UTF_8));
            assertTrue(Files.readString(dir.resolve(OutputLock.FILE)).contains("pid=" + ProcessHandle.current().pid()));
        }
        assertFalse(Files.exists(dir.resolve(OutputLock.FILE)));
    }

    @Test
    void aReusedPidStartedAtAnotherTimeIsNotTheHolder() throws Exception {
        Path dir = tmp.resolve("reused");
        // this JVM's pid, but a process start long before it
        writeLock(dir, OutputLock.host(), ProcessHandle.current().pid(), "2001-01-01T00:00:00Z");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        OutputLock.acquire(fs, hadoop(dir), dir.toString(), "spindle train", new PrintStream(err, true)).close();
        assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("taking over the lock of pid "), err.toString());
    }

    @Test
    void aLockFromAnotherHostIsRefusedWithHowToRemoveIt() throws Exception {
        Path dir = tmp.resolve("remote");
        writeLock(dir, "elsewhere.invalid", 4242, null);
        String before = Files.readString(dir.resolve(OutputLock.FILE));
        OutputDir.OutputException e = assertThrows(OutputDir.OutputException.class,
                () -> OutputLock.acquire(fs, hadoop(dir), dir.toString(), "spindle train", System.err));
        assertTrue(e.getMessage().contains("is in use by spindle sweep (pid 4242 on host elsewhere.invalid, since"
                + " 2026-11-30T21:00Z)") && e.getMessage().contains("cannot be checked")
                && e.getMessage().contains("delete " + hadoop(dir.resolve(OutputLock.FILE))), e.getMessage());
        assertEquals(before, Files.readString(dir.resolve(OutputLock.FILE)));
    }

    @Test
    void closeLeavesALockThatIsNoLongerItsOwn() throws Exception {
        Path dir = tmp.resolve("replaced");
        OutputLock lock = OutputLock.acquire(fs, hadoop(dir), dir.toString(), "spindle train", System.err);
        writeLock(dir, "elsewhere.invalid", 4242, null);
        lock.close();
        assertTrue(Files.exists(dir.resolve(OutputLock.FILE)), "another holder's lock stays");
    }

    @Test
    void outputDirOverwriteNeverEmptiesAFolderALiveProcessHolds() throws Exception {
        Path dir = tmp.resolve("held");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("model.zip"), "x");
        try (OutputLock held = OutputLock.acquire(fs, hadoop(dir), dir.toString(), "spindle train", System.err)) {
            OutputDir.OutputException e = assertThrows(OutputDir.OutputException.class,
                    () -> OutputDir.check(dir.toString(), true, new Configuration()));
            assertTrue(e.getMessage().startsWith(dir + " is in use by spindle train (pid "), e.getMessage());
            assertTrue(Files.exists(dir.resolve("model.zip")));
        }
        // released: overwrite empties the folder, keeping only the new run's lock
        OutputDir out = OutputDir.check(dir.toString(), true, new Configuration());
        try (OutputLock lock = out.create("spindle train")) {
            try (var files = Files.list(dir)) {
                assertEquals(java.util.List.of(dir.resolve(OutputLock.FILE)), files.toList());
            }
        }
        assertTrue(Files.isDirectory(dir));
        assertFalse(Files.exists(dir.resolve(OutputLock.FILE)));
    }
}
