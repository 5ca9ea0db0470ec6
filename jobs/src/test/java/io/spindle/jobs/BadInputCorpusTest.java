package io.spindle.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spindle.driver.SharedSpark;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every refusal the CLI promises, one row each: the command exits 2, its standard error is one
 * line that names the offending file, key or value (every {@code &&}-separated part of the
 * expected text must be in it), there is no stack trace, no output folder appears ({@value #OUT}
 * stands for a fresh one per case) and nothing in the fixtures changes (a finished run, a sweep
 * folder, the data and spec files). Adding a case is one line in {@link #cases()}.
 */
class BadInputCorpusTest {

    /** Stands for a fresh output folder that must not exist after the case. */
    static final String OUT = "{out}";

    static Path fx;
    static Path csv;
    static Path spec;
    static Path sweep;
    static Path run;
    static Path sweepRun;
    static Path catRun;
    private static final AtomicInteger N = new AtomicInteger();

    @BeforeAll
    static void fixtures() throws Exception {
        SharedSpark.session();
        fx = Files.createTempDirectory("spindle-corpus");
        csv = write("good.csv", CliTest.GOOD_CSV);
        spec = write("good.yaml", "name: corpus\n" + CliTest.spec(csv, "training: {epochs: 2, batch_size: 4}\n"));
        sweep = write("sweep.yaml", "extends: good.yaml\nsweep:\n  trials: 2\n  space:\n"
                + "    training.lr: {loguniform: [1.0e-3, 1.0e-2]}\n");
        run = fx.resolve("run");
        CliTest.Run r = CliTest.cli("train", spec.toString(), "--output", run.toString());
        assertEquals(0, r.code(), r.err());
        sweepRun = fx.resolve("sweep-run");
        r = CliTest.cli("sweep", sweep.toString(), "--output", sweepRun.toString());
        assertEquals(0, r.code(), r.err());
        Files.createDirectories(fx.resolve("not-a-run"));
        // predict: a model with a categorical column, a truncated model and one of a newer format
        Path pets = write("pets.csv", "a,color,y\n" + "1.0,red,0\n2.0,blue,1\n3.0,red,2\n0.5,blue,0\n".repeat(3));
        catRun = fx.resolve("cat-run");
        r = CliTest.cli("train", write("pets.yaml", "name: pets\n" + CliTest.spec(pets, "  categorical: [color]\n"
                + "training: {epochs: 2, batch_size: 4}\n")).toString(), "--output", catRun.toString());
        assertEquals(0, r.code(), r.err());
        byte[] zip = Files.readAllBytes(run.resolve("model.zip"));
        Files.write(fx.resolve("damaged.zip"), java.util.Arrays.copyOf(zip, zip.length / 2));
        Files.write(fx.resolve("newer.zip"), newerFormat(run.resolve("model.zip")));
        StringBuilder rows = new StringBuilder("a,b,y\n");
        for (int i = 0; i < 20000; i++) {
            rows.append(i % 5).append(',').append(i % 7).append(',').append(i % 3).append('\n');
        }
        Path cut = fx.resolve("data/cut.csv.gz");
        Files.createDirectories(cut.getParent());
        try (java.io.OutputStream o = new java.util.zip.GZIPOutputStream(Files.newOutputStream(cut))) {
            o.write(rows.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        byte[] whole = Files.readAllBytes(cut);
        Files.write(cut, java.util.Arrays.copyOf(whole, whole.length / 2));
        write("data/plain.csv.gz", CliTest.GOOD_CSV);
        write("data/part.parquet", CliTest.GOOD_CSV);
        Files.writeString(fx.resolve("a-file"), "x");
        // a folder this test JVM holds, as a running spindle sweep would
        OutputLockCliTest.lock(Files.createDirectories(fx.resolve("locked")), ProcessHandle.current().pid());
    }

    /** @return a copy of a model zip whose spindle-model.json says format_version 2 */
    static byte[] newerFormat(Path model) throws IOException {
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        try (var in = new java.util.zip.ZipFile(model.toFile()); var out = new java.util.zip.ZipOutputStream(b)) {
            for (var e : java.util.Collections.list(in.entries())) {
                byte[] content = in.getInputStream(e).readAllBytes();
                if (e.getName().equals(io.spindle.driver.predict.ModelFile.ENTRY)) {
                    content = new String(content, java.nio.charset.StandardCharsets.UTF_8)
                            .replace("\"format_version\" : 1", "\"format_version\" : 2")
                            .getBytes(java.nio.charset.StandardCharsets.UTF_8);
                }
                out.putNextEntry(new java.util.zip.ZipEntry(e.getName()));
                out.write(content);
                out.closeEntry();
            }
        }
        return b.toByteArray();
    }

    /** @return a data file holding {@code content} for predict (its own file) */
    static String rows(String content) throws IOException {
        return write("data/predict-" + N.incrementAndGet() + ".csv", content).toString();
    }

    static Path write(String name, String text) throws IOException {
        Path p = fx.resolve(name);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
        return p;
    }

    /** @return a spec over the good data with {@code extra} YAML appended (its own file) */
    static String spec(String extra) throws IOException {
        return write("specs/" + N.incrementAndGet() + ".yaml", CliTest.spec(csv, extra)).toString();
    }

    /** @return a spec over a data file holding {@code content} (its own files) */
    static String data(String content, String extra) throws IOException {
        int n = N.incrementAndGet();
        Path d = write("data/" + n + ".csv", content);
        return write("specs/" + n + ".yaml", CliTest.spec(d, extra)).toString();
    }

    /** @return a spec over the fixture data file {@code name} */
    static String over(String name) throws IOException {
        return write("specs/" + N.incrementAndGet() + ".yaml", CliTest.spec(fx.resolve("data/" + name), "")).toString();
    }

    /** @return a sweep over the good spec with {@code section} as its sweep section */
    static String sweep(String section) throws IOException {
        return write("sweeps/" + N.incrementAndGet() + ".yaml", "extends: ../good.yaml\n" + section + "\n").toString();
    }

    /** @return a windowed regression spec over a series file holding {@code csv} */
    static String series(String csv, String data, String rest) throws IOException {
        int n = N.incrementAndGet();
        Path d = write("data/series-" + n + ".csv", csv);
        return write("specs/" + n + ".yaml", "data:\n  path: " + d + "\n  task: regression\n" + data + rest).toString();
    }

    static Arguments c(String name, String expected, String... args) {
        return Arguments.of(name, expected, List.of(args));
    }

    /** A monthly series of 12 observations. */
    static final String SERIES = "t,v\n2024-01-01,1.0\n2024-02-01,2.0\n2024-03-01,3.0\n2024-04-01,4.0\n2024-05-01,5.0\n"
            + "2024-06-01,6.0\n2024-07-01,7.0\n2024-08-01,8.0\n2024-09-01,9.0\n2024-10-01,10.0\n2024-11-01,11.0\n"
            + "2024-12-01,12.0\n";

    static Stream<Arguments> cases() throws IOException {
        String s = spec.toString();
        String r = run.toString();
        String sr = sweepRun.toString();
        String w = sweep.toString();
        String h = "a,b,y\n1,2,0\n2,1,1\n3,0,2\n";
        List<Arguments> a = new ArrayList<>(List.of(
            // spec files and --set
            c("spec file missing", "nope.yaml", "train", fx.resolve("nope.yaml").toString(), "--output", OUT),
            c("YAML syntax error", "line 2", "train", write("syntax.yaml", "data:\n  path: [unclosed\n").toString(), "--output", OUT),
            c("unknown key", "unknown key training.learnin_rate", "train", spec("training: {learnin_rate: 0.1}\n"), "--output", OUT),
            c("negative units", "model.layers[0].units must be > 0, got -5", "train", spec("model: {layers: [{type: dense, units: -5}, {type: output}]}\n"), "--output", OUT),
            c("wrong type", "training.batch_size must be an integer, got 'big'", "train", spec("training: {batch_size: big}\n"), "--output", OUT),
            c("incompatible loss", "model.layers[0].activation must be softmax with loss cce", "train", spec("model: {layers: [{type: output, loss: cce, activation: sigmoid}]}\n"), "--output", OUT),
            c("bad override", "training.lr must be > 0, got -1", "train", s, "--set", "training.lr=-1", "--output", OUT),
            c("override of an unknown key", "training.lrr && did you mean", "train", s, "--set", "training.lrr=0.1", "--output", OUT),
            c("override without a value", "training.lr", "train", s, "--set", "training.lr", "--output", OUT),
            c("averaging period below 1", "cluster.averaging_period must be > 0, got 0", "train", spec("cluster: {averaging_period: 0}\n"), "--output", OUT),
            c("warmup longer than training", "training.schedule.warmup_epochs must be < training.epochs (10), got 12", "train", spec("training: {epochs: 10, schedule: {type: cosine, warmup_epochs: 12}}\n"), "--output", OUT),
            c("plateau factor out of range", "training.schedule.factor must be < 1, got 1.5", "train", spec("training: {schedule: {type: reduce_on_plateau, factor: 1.5}}\n"), "--output", OUT),
            c("unknown schedule", "training.schedule.type must be one of && did you mean 'cosine'", "train", spec("training: {schedule: {type: cosin}}\n"), "--output", OUT),
            c("min_lr above lr", "training.schedule.min_lr must be < training.lr (0.001), got 0.01", "train", spec("training: {lr: 0.001, schedule: {type: reduce_on_plateau, min_lr: 0.01}}\n"), "--output", OUT),
            c("outer momentum", "cluster.outer_optimizer.momentum must be < 1, got 2", "train", spec("cluster: {outer_optimizer: {type: nesterov, momentum: 2}}\n"), "--output", OUT),
            // one metric vocabulary: typos get the closest name wherever a metric is named
            c("select typo", "metrics.select 'acuracy' && did you mean 'accuracy'", "train", s, "--set", "metrics.select=acuracy", "--output", OUT),
            c("select of a regression metric", "metrics.select 'rmse' is not computed for a multiclass task", "train", s, "--set", "metrics.select=rmse", "--output", OUT),
            c("monitor typo", "training.early_stopping.monitor 'val_acuracy' && did you mean 'val_accuracy'", "train", s, "--set", "training.early_stopping.monitor=val_acuracy", "--output", OUT),
            c("monitor not computed", "training.early_stopping.monitor 'val_auc' is not computed by this spec", "train", spec("metrics: {compute: [accuracy]}\n"), "--set", "training.early_stopping.monitor=val_auc", "--output", OUT),
            c("plateau monitor typo", "training.schedule.monitor 'los' && did you mean 'loss'", "train", spec("training: {schedule: {type: reduce_on_plateau, monitor: los}}\n"), "--output", OUT),
            // data
            c("missing data file", "nope.csv", "train", write("missing.yaml", CliTest.spec(fx.resolve("nope.csv"), "")).toString(), "--output", OUT),
            c("column count", "line 5", "train", data("a,b,y\n1,2,0\n2,1,1\n3,0,2\n4\n5,6,1\n", ""), "--output", OUT),
            c("non-numeric", "line 4 && abc", "train", data(h.replace("3,0,2", "abc,0,2"), ""), "--output", OUT),
            c("missing label", "line 3 && y", "train", data(h.replace("2,1,1", "2,1,"), ""), "--output", OUT),
            c("label outside classes", "line 4 && 7", "train", data(h.replace("3,0,2", "3,0,7"), "  classes: 3\n"), "--output", OUT),
            c("NaN value", "line 3 && b", "train", data(h.replace("2,1,1", "2,NaN,1"), ""), "--output", OUT),
            c("empty value", "line 3 && b", "train", data(h.replace("2,1,1", "2,,1"), ""), "--output", OUT),
            c("truncated gzip", "cut.csv.gz is a truncated or corrupt gzip file && re-download or re-compress it", "train", over("cut.csv.gz"), "--output", OUT),
            c("plain text named .gz", "plain.csv.gz is not gzip data or is corrupt && give it a name without '.gz'", "train", over("plain.csv.gz"), "--output", OUT),
            c("CSV named .parquet", "part.parquet is not a Parquet file && set data.format", "train", over("part.parquet"), "--output", OUT),
            c("label column missing", "data.label && 'z'", "train", spec(""), "--set", "data.label=z", "--output", OUT),
            c("output units do not match the classes", "model.layers[1].units must be 3 for this data (3 classes), got 5", "train", spec("model: {layers: [{type: dense, units: 4}, {type: output, units: 5}]}\n"), "--output", OUT),
            // output folders
            c("unwritable output", "cannot create output folder && is a file", "train", s, "--output", fx.resolve("a-file").resolve("out").toString()),
            c("existing output folder", "already exists && --overwrite", "train", s, "--output", r),
            c("resume and overwrite", "pass one of them", "train", s, "--output", r, "--resume", "--overwrite"),
            c("folder another run holds", "is in use by spindle sweep (pid " + ProcessHandle.current().pid() + " && wait for it to finish", "train", s, "--output", fx.resolve("locked").toString(), "--overwrite"),
            c("resume of a folder another run holds", "is in use by spindle sweep", "sweep", w, "--output", fx.resolve("locked").toString(), "--resume"),
            c("resume of a folder that is no run", "no provenance.json", "train", s, "--output", fx.resolve("not-a-run").toString(), "--resume"),
            c("resume of a missing folder", "does not exist", "train", s, "--output", fx.resolve("never-ran").toString(), "--resume"),
            c("resume with another spec", "different spec && training.lr", "train", s, "--output", r, "--set", "training.lr=0.5", "--resume"),
            // validate runs train's checks
            c("validate: missing data file", "nope.csv", "validate", write("missing-v.yaml", CliTest.spec(fx.resolve("nope.csv"), "")).toString()),
            c("validate: output units", "model.layers[1].units must be 3", "validate", spec("model: {layers: [{type: dense, units: 4}, {type: output, units: 2}]}\n")),
            c("validate: bad row", "line 4 && abc", "validate", data(h.replace("3,0,2", "abc,0,2"), "")),
            // sweeps
            c("sweep: empty space", "space", "sweep", sweep("sweep: {space: {}}"), "--output", OUT),
            c("sweep: key that is no spec path", "sweep.space key 'training.lrr'", "sweep", sweep("sweep: {space: {training.lrr: {uniform: [0.001, 0.01]}}}"), "--output", OUT),
            c("sweep: low above high", "training.lr", "sweep", sweep("sweep: {space: {training.lr: {uniform: [0.1, 0.01]}}}"), "--output", OUT),
            c("sweep: loguniform over 0", "training.lr", "sweep", sweep("sweep: {space: {training.lr: {loguniform: [0, 0.01]}}}"), "--output", OUT),
            c("sweep: empty choice", "model.layers[0].units", "sweep", sweep("sweep: {space: {'model.layers[0].units': {choice: []}}}"), "--output", OUT),
            c("sweep: parallel_trials 0", "sweep.parallel_trials must be an integer >= 1, got 0", "sweep", sweep("sweep: {parallel_trials: 0, space: {training.lr: {uniform: [0.001, 0.01]}}}"), "--output", OUT),
            c("sweep: metric not computed", "sweep.metric 'rmse'", "sweep", sweep("sweep: {metric: rmse, space: {training.lr: {uniform: [0.001, 0.01]}}}"), "--output", OUT),
            c("sweep: metric typo", "sweep.metric 'val_acc' && did you mean", "sweep", sweep("sweep: {metric: val_acc, space: {training.lr: {uniform: [0.001, 0.01]}}}"), "--output", OUT),
            c("sweep: unknown strategy", "sweep.strategy must be grid, random or tpe && did you mean 'tpe'", "sweep", sweep("sweep: {strategy: tpee, space: {training.lr: {uniform: [0.001, 0.01]}}}"), "--output", OUT),
            c("sweep: resume of a train run", "holds no sweep.json", "sweep", w, "--output", r, "--resume"),
            c("sweep: resume with other values", "different sweep spec && sweep.trials", "sweep", w, "--output", sr, "--set", "sweep.trials=3", "--resume"),
            c("sweep: existing folder", "already exists", "sweep", w, "--output", sr),
            // the learning-rate range test, lr: auto and the doctor
            c("lr-find: min above max", "--min 1.00 must be below --max 0.100", "lr-find", s, "--min", "1", "--max", "0.1", "--output", OUT),
            c("lr-find: min equal to max", "--min 0.100 must be below --max 0.100", "lr-find", s, "--min", "0.1", "--max", "0.1", "--output", OUT),
            c("lr-find: too few steps", "--steps must be at least 10, got 5", "lr-find", s, "--steps", "5", "--output", OUT),
            c("lr-find: fewer rows than the steps need", "the learning-rate range test needs at least && train rows && holds 5 && lower training.batch_size", "lr-find", s, "--set", "training.batch_size=6", "--output", OUT),
            c("lr: auto with one-cycle", "training.lr: auto does not combine with training.schedule.type: one_cycle", "train", spec("training: {lr: auto, schedule: {type: one_cycle}}\n"), "--output", OUT),
            c("lr: auto in a sweep without lr in its space", "training.lr: auto in a sweep's job spec && search training.lr in sweep.space", "sweep", sweep("training: {lr: auto}\nsweep: {space: {training.batch_size: {choice: [4, 8]}}}"), "--output", OUT),
            c("lr: not a number", "training.lr && 'fast'", "train", s, "--set", "training.lr=fast", "--output", OUT),
            c("doctor: runs 0", "--runs must be at least 1, got 0", "doctor", s, "--runs", "0", "--output", OUT),
            c("doctor: unknown time unit", "--time-budget must be a positive duration && (units s, m, h), got '5x'", "doctor", s, "--time-budget", "5x", "--output", OUT),
            c("doctor: existing output folder", "already exists && --overwrite", "doctor", s, "--output", r),
            // result tables
            c("results: folder without tables", "holds no result tables", "results", fx.resolve("not-a-run").toString()),
            c("results: unknown sort column", "--sort: no column 'nope'", "results", r, "--sort", "nope"),
            c("results: bad where", "--where 'nope > 1'", "results", r, "--where", "nope > 1"),
            c("results: top 0", "--top must be >= 1, got 0", "results", r, "--top", "0"),
            c("results: unknown format", "--format must be table, csv or json, got 'xml'", "results", r, "--format", "xml"),
            c("sql: query that does not parse", "bad query", "sql", r, "SELEC * FROM trials"),
            c("sql: unknown column", "bad query && nope", "sql", r, "SELECT nope FROM trials"),
            c("sql: INSERT", "runs queries only && INSERT", "sql", r, "INSERT INTO trials SELECT * FROM trials"),
            c("sql: DELETE", "runs queries only && DELETE", "sql", r, "DELETE FROM trials"),
            c("sql: DROP TABLE", "runs queries only && DROP TABLE", "sql", r, "DROP TABLE trials"),
            c("sql: several statements", "one query at a time", "sql", r, "SELECT 1; DELETE FROM trials"),
            c("sql: reflect", "reflect() calls a Java method", "sql", r, "SELECT reflect('java.lang.System', 'exit', '0')"),
            c("results: statements in --where", "--where '1=1; DELETE FROM trials': a condition, not statements", "results", r, "--where", "1=1; DELETE FROM trials"),
            c("report: folder without tables", "holds no result tables", "report", fx.resolve("not-a-run").toString()),
            // forecasting: windows from a series, sequence layers, clipping
            c("window larger than the series", "window.size 30 && 12 observations && lower data.window.size", "train", series(SERIES, "  window: {size: 30, time: t, targets: [v]}\n", ""), "--output", OUT),
            c("horizon below 1", "data.window.horizon must be", "train", series(SERIES, "  window: {size: 3, horizon: 0, time: t, targets: [v]}\n", ""), "--output", OUT),
            c("time that does not parse", "line 4 && t && 2024-13-01", "train", series(SERIES.replace("2024-03-01", "2024-13-01"), "  window: {size: 3, time: t, targets: [v]}\n", ""), "--output", OUT),
            c("duplicate time", "two observations at 2024-02-01 && line 4", "train", series(SERIES.replace("2024-03-01", "2024-02-01"), "  window: {size: 3, time: t, targets: [v]}\n", ""), "--output", OUT),
            c("target that is not numeric", "line 5 && v && 'high'", "train", series(SERIES.replace(",4.0", ",high"), "  window: {size: 3, time: t, targets: [v]}\n", ""), "--output", OUT),
            c("random split of windows", "data.split.method random && leaks", "train", series(SERIES, "  window: {size: 3, time: t, targets: [v]}\n  split: {method: random}\n", ""), "--output", OUT),
            c("gap with missing: fail", "line 6 && v && data.missing", "train", series(SERIES.replace(",5.0", ","), "  window: {size: 3, time: t, targets: [v]}\n", ""), "--output", OUT),
            c("gru without sequence input", "model.layers[0].type 'gru' needs sequence input && data.window", "train", spec("model: {layers: [{type: gru, units: 4}, {type: output}]}\n"), "--output", OUT),
            c("transformer without sequence input", "model.layers[0].type 'transformer' needs sequence input", "train", spec("model: {layers: [{type: transformer, model_size: 8}, {type: output}]}\n"), "--output", OUT),
            c("heads that do not divide the model size", "model.layers[0].model_size 30 is not divisible by heads 4", "train", series(SERIES, "  window: {size: 3, time: t, targets: [v]}\n", "model: {layers: [{type: transformer, model_size: 30, heads: 4}, {type: output}]}\n"), "--output", OUT),
            c("clipping threshold 0", "training.gradient_clipping.threshold must be > 0, got 0", "train", spec("training: {gradient_clipping: {type: norm, threshold: 0}}\n"), "--output", OUT),
            // predict: models, data and output
            c("predict: model missing", "model " + fx.resolve("nope") + " does not exist && a model.zip", "predict", fx.resolve("nope").toString(), csv.toString(), "--output", OUT),
            c("predict: folder without a model", "holds no model.zip (nor best/model.zip)", "predict", fx.resolve("not-a-run").toString(), csv.toString(), "--output", OUT),
            c("predict: truncated model", "damaged.zip is damaged", "predict", fx.resolve("damaged.zip").toString(), csv.toString(), "--output", OUT),
            c("predict: file that is no model", "is not a Spindle model && good.csv is not a zip", "predict", csv.toString(), csv.toString(), "--output", OUT),
            c("predict: newer model format", "written by a newer Spindle (format 2); this build reads format 1: upgrade Spindle", "predict", fx.resolve("newer.zip").toString(), csv.toString(), "--output", OUT),
            c("predict: data missing", "nope.csv", "predict", r, fx.resolve("nope.csv").toString(), "--output", OUT),
            c("predict: feature column missing", "has no column 'b', which the model needs && the model's feature columns: a, b", "predict", r, rows("a,y\n1,0\n"), "--output", OUT),
            c("predict: non-numeric value", "line 3, column 'a' (1) && \"abc\" is not a number && the model was trained on numbers in this column", "predict", r, rows("a,b,y\n1,2,0\nabc,1,1\n"), "--output", OUT),
            c("predict: unseen category", "line 3, column 'color' (2) && category \"green\" never occurred in training && blue, red", "predict", catRun.toString(), rows("a,color\n1.0,red\n2.0,green\n"), "--output", OUT),
            c("predict: id column missing", "--id: && has no column 'key'", "predict", r, csv.toString(), "--id", "key", "--output", OUT),
            c("predict: existing output", "already exists && --overwrite", "predict", r, csv.toString(), "--output", sr),
            c("predict: unknown format", "--format must be parquet, csv or delta, got 'xml'", "predict", r, csv.toString(), "--format", "xml", "--output", OUT),
            c("predict: unknown category handling", "--unknown-category must be error or zeros, got 'skip'", "predict", r, csv.toString(), "--unknown-category", "skip", "--output", OUT),
            c("predict: unknown bad-record handling", "--on-bad-record must be fail or skip, got 'drop'", "predict", r, csv.toString(), "--on-bad-record", "drop", "--output", OUT)
        ));
        return a.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void refusedWithOneLineExitTwoAndNothingWritten(String name, String expected, List<String> args) throws Exception {
        Path out = fx.resolve("out-" + N.incrementAndGet());
        List<String> cli = args.stream().map(x -> x.equals(OUT) ? out.toString() : x).toList();
        Map<String, byte[]> before = ResumeTest.snapshot(fx);
        CliTest.Run r = CliTest.cli(cli.toArray(String[]::new));
        assertEquals(2, r.code(), () -> "exit code; stderr: " + r.err() + "\nstdout: " + r.out());
        String[] lines = r.err().strip().split("\n");
        assertEquals(1, lines.length, () -> "one line expected: " + r.err());
        assertTrue(lines[0].startsWith("error: "), r.err());
        for (String e : expected.split(" && ")) {
            assertTrue(lines[0].contains(e), () -> "expected '" + e + "' in: " + lines[0]);
        }
        assertFalse(r.err().contains("\tat ") || r.err().contains("Exception:"), () -> "no stack trace: " + r.err());
        assertFalse(Files.exists(out), "nothing written");
        ResumeTest.assertEqualsSnapshot(before, ResumeTest.snapshot(fx));
    }
}
