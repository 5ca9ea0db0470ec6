package io.spindle.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spindle.driver.SharedSpark;
import java.awt.image.BufferedImage;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code spindle report} writes one self-contained page whose charts render in a real browser:
 * headless Chromium loads it from disk (no network), its DOM holds the charts, and its screenshot
 * is not blank. The setup installs Chromium (Debian package {@code chromium}) when it is missing.
 */
class ReportTest {

    @TempDir
    static Path tmp;

    static Path run;
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    @BeforeAll
    static void train() {
        SharedSpark.session();
        run = tmp.resolve("digits");
        CliTest.Run r = CliTest.trainExample("digits.yaml", "digits.csv", run, "training.epochs=5");
        assertEquals(0, r.code(), r.err());
        CliTest.Run rep = CliTest.cli("report", run.toString());
        assertEquals(0, rep.code(), rep.err());
    }

    /** @return the Chromium binary, installed with apt-get when missing; empty when that cannot be done */
    static String chromium() throws Exception {
        for (String name : List.of("chromium", "chromium-browser")) {
            for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
                if (Files.isExecutable(Path.of(dir, name))) {
                    return Path.of(dir, name).toString();
                }
            }
        }
        System.err.println("ReportTest: Chromium is missing; installing the Debian package chromium with apt-get");
        Process p = new ProcessBuilder("sh", "-c", "(apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install"
                + " -y -q chromium) > " + tmp.resolve("apt.log") + " 2>&1").start();
        boolean done = p.waitFor(10, TimeUnit.MINUTES);
        if (done && p.exitValue() == 0 && Files.isExecutable(Path.of("/usr/bin/chromium"))) {
            return "/usr/bin/chromium";
        }
        String why = "ReportTest: CANNOT INSTALL CHROMIUM (apt-get " + (done ? "exit " + p.exitValue() : "timed out")
                + "); the browser checks of report.html do not run";
        System.err.println(why);
        Assumptions.abort(why);
        return "";
    }

    static String browse(String chromium, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(chromium, "--headless=new", "--no-sandbox", "--disable-gpu",
                "--disable-dev-shm-usage", "--no-first-run", "--user-data-dir=" + tmp.resolve("profile")));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectError(tmp.resolve("chromium.log").toFile()).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(2, TimeUnit.MINUTES), "chromium finished");
        return out;
    }

    @Test
    void reportIsSelfContained() throws Exception {
        String html = Files.readString(run.resolve("report.html"));
        assertFalse(Pattern.compile("(src|href)\\s*=\\s*[\"']?(https?:)?//", Pattern.CASE_INSENSITIVE).matcher(html).find(),
                "nothing loaded from elsewhere");
        assertFalse(html.contains("<script"), "no scripts");
    }

    @Test
    void chartsRenderInHeadlessChromium() throws Exception {
        String chromium = chromium();
        String url = run.resolve("report.html").toUri().toString();
        String dom = browse(chromium, "--dump-dom", url);
        assertTrue(dom.contains("id=\"leaderboard\""), "leaderboard in the DOM");
        Matcher svg = Pattern.compile("<svg[^>]*>").matcher(dom);
        int charts = 0;
        while (svg.find()) {
            charts++;
        }
        assertEquals(5, charts, "loss, accuracy, learning rate, the diagnosis's evidence and confusion matrix charts");
        for (String title : List.of("Loss per epoch", "Validation accuracy per epoch", "Learning rate per epoch",
                "Evidence: train-sample vs validation loss", "rows: actual, columns: predicted")) {
            assertTrue(dom.contains("aria-label=\"" + title + "\""), "chart " + title);
        }

        Path png = tmp.resolve("report.png");
        browse(chromium, "--screenshot=" + png, "--window-size=1280,1800", url);
        BufferedImage img = ImageIO.read(png.toFile());
        Set<Integer> colors = new HashSet<>();
        long nonWhite = 0;
        for (int y = 0; y < img.getHeight(); y += 2) {
            for (int x = 0; x < img.getWidth(); x += 2) {
                int rgb = img.getRGB(x, y) & 0xffffff;
                colors.add(rgb);
                if (rgb != 0xffffff) {
                    nonWhite++;
                }
            }
        }
        double inked = nonWhite / (img.getWidth() / 2.0 * img.getHeight() / 2.0);
        assertTrue(colors.size() > 50 && inked > 0.10, "screenshot is not blank: " + colors.size() + " colours, "
                + Math.round(inked * 100) + "% inked");
    }

    @Test
    void aSweepReportShowsEachHyperparameterAgainstTheMetric() throws Exception {
        Path sweep = tmp.resolve("sweep");
        CliTest.Run r = CliTest.cli("sweep", ROOT.resolve("conf/sweeps/demo.yaml").toString(), "--set",
                "data.path=" + ROOT.resolve("conf/datasets/digits.csv"), "--set", "training.epochs=4", "--set",
                "sweep.trials=4", "--output", sweep.toString());
        assertEquals(0, r.code(), r.err() + r.out());
        CliTest.Run rep = CliTest.cli("report", sweep.toString());
        assertEquals(0, rep.code(), rep.err());
        String dom = browse(chromium(), "--dump-dom", sweep.resolve("report.html").toUri().toString());
        assertTrue(dom.contains("id=\"importance\""), "hyperparameter sensitivity ranking");
        for (String param : List.of("training_lr", "model_layers_0_units", "model_layers_1_units")) {
            assertTrue(dom.contains("aria-label=\"" + param + "\""), "chart of " + param + " against the metric");
        }
        assertTrue(dom.contains("aria-label=\"rows: actual, columns: predicted\""), "the best trial's confusion matrix");
        assertTrue(dom.contains("<th class=\"l\">training_lr</th>"), "the leaderboard shows the sweep's hyperparameters");
    }

    @Test
    void aFolderWithoutTablesIsRefused() throws Exception {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        ResultsCliTest.assertBadInput(CliTest.cli("report", empty.toString()), "holds no result tables");
        assertFalse(Files.exists(empty.resolve("report.html")), "nothing written");
    }
}
