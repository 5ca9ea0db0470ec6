package io.spindle.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spindle.driver.SharedSpark;
import io.spindle.driver.job.OutputLock;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Output folder locks as the CLI meets them: a folder a live process holds is refused to
 * {@code train} (plain, {@code --overwrite}, {@code --resume}) and {@code sweep --resume} with one
 * line naming the holder, and nothing in it changes; a dead process's lock is taken over; the lock
 * is gone after a run, a refusal and a failed run.
 */
class OutputLockCliTest {

    @TempDir
    static Path tmp;

    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    @BeforeAll
    static void spark() {
        SharedSpark.session();
    }

    static String[] train(Path out, String... extra) {
        List<String> a = new ArrayList<>(List.of("train", ROOT.resolve("conf/jobs/iris.yaml").toString(), "--set",
                "data.path=" + ROOT.resolve("conf/datasets/iris.csv"), "--set", "training.epochs=2",
                "--output", out.toString()));
        a.addAll(List.of(extra));
        return a.toArray(String[]::new);
    }

    /** Writes a lock naming a process of this host, as {@code spindle sweep} started at 2026-11-30T21:00Z. */
    static void lock(Path dir, long pid) throws Exception {
        Files.writeString(dir.resolve(OutputLock.FILE), "host=" + InetAddress.getLocalHost().getHostName() + "\npid="
                + pid + "\ncommand=spindle sweep\nstarted=2026-11-30T21:00:00Z\nend=\n");
    }

    @Test
    void aFolderALiveProcessHoldsIsRefusedAndUntouched() throws Exception {
        Path held = tmp.resolve("held");
        assertEquals(0, CliTest.cli(train(held)).code());
        long pid = ProcessHandle.current().pid(); // this test JVM: alive for as long as the test runs
        lock(held, pid);
        Map<String, byte[]> before = ResumeTest.snapshot(held);
        String expected = held + " is in use by spindle sweep (pid " + pid + " on host "
                + InetAddress.getLocalHost().getHostName() + ", since 2026-11-30T21:00Z); wait for it to finish or stop it";
        for (String[] args : List.of(train(held), train(held, "--overwrite"), train(held, "--resume"),
                new String[] {"sweep", ROOT.resolve("conf/sweeps/demo.yaml").toString(), "--output", held.toString(),
                    "--resume"})) {
            CliTest.Run r = CliTest.cli(args);
            assertEquals(2, r.code(), () -> String.join(" ", args) + ": " + r.err());
            assertEquals("error: " + expected, r.err().strip(), String.join(" ", args));
            ResumeTest.assertEqualsSnapshot(before, ResumeTest.snapshot(held));
        }
    }

    @Test
    void aDeadProcesssLockIsTakenOverAndTheRunSucceeds() throws Exception {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-version")
                .redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        assertEquals(0, p.waitFor());
        long dead = p.pid();
        Path stale = Files.createDirectories(tmp.resolve("stale"));
        lock(stale, dead);
        PrintStream saved = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        CliTest.Run r;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            r = CliTest.cli(train(stale, "--overwrite"));
        } finally {
            System.setErr(saved);
        }
        assertEquals(0, r.code(), r.err());
        assertEquals("taking over the lock of pid " + dead + ", which is no longer running",
                err.toString(StandardCharsets.UTF_8).strip());
        assertTrue(Files.exists(stale.resolve("summary.json")), "the run finished");
        assertFalse(Files.exists(stale.resolve(OutputLock.FILE)), "and released the lock");
    }

    @Test
    void theLockIsGoneAfterARunARefusalAndAFailedRun() throws Exception {
        Path out = tmp.resolve("normal");
        CliTest.Run ok = CliTest.cli(train(out));
        assertEquals(0, ok.code(), ok.err());
        assertFalse(Files.exists(out.resolve(OutputLock.FILE)), "after a normal run");

        Files.delete(out.resolve("summary.json")); // as if killed after its last checkpoint
        Map<String, byte[]> before = ResumeTest.snapshot(out);
        CliTest.Run refused = CliTest.cli(train(out, "--resume", "--set", "training.lr=0.5"));
        assertEquals(2, refused.code(), refused.err());
        assertTrue(refused.err().contains("different spec"), refused.err());
        ResumeTest.assertEqualsSnapshot(before, ResumeTest.snapshot(out)); // the lock taken to check is gone

        Path bad = tmp.resolve("bad-input");
        CliTest.Run badInput = CliTest.cli(train(bad, "--set", "data.path=" + tmp.resolve("nope.csv")));
        assertEquals(2, badInput.code(), badInput.err());
        assertFalse(Files.exists(bad), "bad input leaves no folder (and no lock)");

        Path diverged = tmp.resolve("diverged");
        CliTest.Run failed = CliTest.cli(train(diverged, "--set", "training.optimizer=sgd", "--set", "training.lr=1e12",
                "--set", "training.dropout=0"));
        assertEquals(1, failed.code(), failed.out() + failed.err());
        assertTrue(failed.out().contains("diverged"), failed.out());
        assertFalse(Files.exists(diverged.resolve(OutputLock.FILE)), "after a failed run");
    }
}
