package io.spindle.jobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.spindle.driver.SharedSpark;
import io.spindle.driver.data.DataLoader;
import io.spindle.driver.data.PreparedData;
import io.spindle.driver.job.TrainJob;
import io.spindle.driver.spec.SpecParser;
import io.spindle.driver.train.Checkpoint;
import io.spindle.kernels.Block;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Spindle on a real HDFS (a MiniDFSCluster: a NameNode and a DataNode on loopback): training data
 * read from {@code hdfs://}, checkpoints and result tables written there, a run killed (SIGKILL)
 * part way and resumed from its checkpoint on HDFS, and the tables queried there.
 */
class HdfsTest {

    @TempDir
    static Path tmp;

    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    static MiniDFSCluster hdfs;
    static String uri;
    static FileSystem fs;

    @BeforeAll
    static void start() throws Exception {
        SharedSpark.session();
        Configuration conf = new Configuration();
        conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, tmp.resolve("dfs").toString());
        conf.set("dfs.namenode.rpc-address", "127.0.0.1:0");
        conf.set("dfs.datanode.address", "127.0.0.1:0");
        conf.set("dfs.datanode.http.address", "127.0.0.1:0");
        conf.set("dfs.datanode.ipc.address", "127.0.0.1:0");
        conf.set("dfs.namenode.http-address", "127.0.0.1:0");
        hdfs = new MiniDFSCluster.Builder(conf).numDataNodes(1).build();
        hdfs.waitActive();
        fs = hdfs.getFileSystem();
        uri = fs.getUri().toString();
        fs.copyFromLocalFile(new org.apache.hadoop.fs.Path(ROOT.resolve("conf/datasets/digits.csv").toUri()),
                new org.apache.hadoop.fs.Path(uri + "/data/digits.csv"));
    }

    @AfterAll
    static void stop() {
        if (hdfs != null) {
            hdfs.shutdown();
        }
    }

    @Test
    void trainsFromHdfsCheckpointsThereAndResumesAfterAKill() throws Exception {
        Path spec = tmp.resolve("hdfs.yaml");
        Files.writeString(spec, io.spindle.driver.DigitsSpec.yaml("hdfs-digits", uri + "/data/digits.csv", 64,
                "epochs: 30\nearly_stopping: {patience: 1000}", "cluster: {workers: 2, averaging_period: 8}"));
        String out = uri + "/runs/digits";
        List<String> cmd = ResumeTest.javaMain("train", spec.toString(), "--output", out, "--master", "local[2]");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(tmp.resolve("killed.log").toFile())
                .start();
        org.apache.hadoop.fs.Path checkpoint = new org.apache.hadoop.fs.Path(out + "/" + TrainJob.CHECKPOINT);
        int epochsAtKill = 0;
        try {
            Instant deadline = Instant.now().plus(Duration.ofMinutes(3));
            while (epochsAtKill < 3) {
                assertTrue(p.isAlive(), () -> "ended early: " + log());
                assertTrue(Instant.now().isBefore(deadline), () -> "no checkpoint on HDFS within 3 minutes: " + log());
                if (fs.exists(checkpoint)) {
                    try (InputStream in = fs.open(checkpoint)) {
                        epochsAtKill = Checkpoint.read(in, checkpoint.toString()).epochsDone();
                    } catch (Exception e) {
                        // replaced while we read it: look again
                    }
                }
                Thread.sleep(20);
            }
        } finally {
            p.destroyForcibly(); // SIGKILL
            p.waitFor();
        }
        assertFalse(fs.exists(new org.apache.hadoop.fs.Path(out + "/summary.json")), "killed before the end");

        CliTest.Run resumed = CliTest.cli("train", spec.toString(), "--output", out, "--resume");
        assertEquals(0, resumed.code(), resumed.err() + resumed.out());
        assertTrue(resumed.out().contains("resuming from checkpoint.bin after epoch"), resumed.out());
        JsonNode summary;
        try (InputStream in = fs.open(new org.apache.hadoop.fs.Path(out + "/summary.json"))) {
            summary = new ObjectMapper().readTree(in);
        }
        assertEquals(30, summary.get("epochs_run").asInt());
        assertTrue(summary.at("/test/accuracy").asDouble() > 0.9, summary.toString());
        assertTrue(fs.exists(new org.apache.hadoop.fs.Path(out + "/model.zip")));

        CliTest.Run rows = CliTest.cli("sql", out, "SELECT (SELECT count(*) FROM trials) AS trials, count(*) AS epochs"
                + " FROM epochs", "--format", "csv");
        assertEquals(0, rows.code(), rows.err());
        assertEquals("trials,epochs\n1,30", rows.out().strip(), "tables on HDFS: one trial row, one row per epoch");
    }

    @Test
    void aLocalCopyUnderAnotherNameSplitsAndTrainsLikeTheFileOnHdfs() throws Exception {
        Path local = tmp.resolve("elsewhere/handwritten-digits-copy.csv");
        Files.createDirectories(local.getParent());
        Files.copy(ROOT.resolve("conf/datasets/digits.csv"), local);
        String onHdfs = uri + "/data/digits.csv";
        Path hdfsSpec = tmp.resolve("same-hdfs.yaml");
        Path localSpec = tmp.resolve("same-local.yaml");
        Files.writeString(hdfsSpec, io.spindle.driver.DigitsSpec.yaml("same-split", onHdfs, 16, "epochs: 2", ""));
        Files.writeString(localSpec, io.spindle.driver.DigitsSpec.yaml("same-split", local.toString(), 16, "epochs: 2", ""));

        // the same rows in each split, in the same order
        PreparedData h = DataLoader.load(SharedSpark.session(), SpecParser.parse(hdfsSpec, List.of()).data());
        PreparedData l = DataLoader.load(SharedSpark.session(), SpecParser.parse(localSpec, List.of()).data());
        assertEquals(h.report(), l.report());
        assertEquals(1797, h.report().trainRows() + h.report().validationRows() + h.report().testRows());
        assertSameRows(h.train().collect(), l.train().collect());
        assertSameRows(h.validation().collect(), l.validation().collect());
        assertSameRows(h.test().collect(), l.test().collect());

        // and a short run on each ends with the same validation and test metrics
        Path hdfsOut = tmp.resolve("same-out-hdfs");
        Path localOut = tmp.resolve("same-out-local");
        CliTest.Run a = CliTest.cli("train", hdfsSpec.toString(), "--output", hdfsOut.toString());
        assertEquals(0, a.code(), a.err() + a.out());
        CliTest.Run b = CliTest.cli("train", localSpec.toString(), "--output", localOut.toString());
        assertEquals(0, b.code(), b.err() + b.out());
        ObjectMapper json = new ObjectMapper();
        JsonNode sh = json.readTree(hdfsOut.resolve("summary.json").toFile());
        JsonNode sl = json.readTree(localOut.resolve("summary.json").toFile());
        assertEquals(2, sh.get("epochs_run").asInt());
        assertEquals(sh.get("rows"), sl.get("rows"));
        assertEquals(h.report().validationRows(), sh.at("/rows/validation").asLong());
        assertTrue(sh.at("/validation/accuracy").isNumber() && sh.at("/test/accuracy").isNumber(), sh.toString());
        assertEquals(sh.get("validation"), sl.get("validation"));
        assertEquals(sh.get("test"), sl.get("test"));
    }

    private static void assertSameRows(List<Block> a, List<Block> b) {
        assertEquals(a.size(), b.size(), "blocks");
        for (int i = 0; i < a.size(); i++) {
            assertEquals(a.get(i).rows(), b.get(i).rows(), "rows of block " + i);
            assertArrayEquals(a.get(i).features(), b.get(i).features(), "features of block " + i);
            assertArrayEquals(a.get(i).labels(), b.get(i).labels(), "labels of block " + i);
        }
        assertFalse(a.isEmpty());
    }

    private static String log() {
        try {
            return Files.readString(tmp.resolve("killed.log"));
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }
}
