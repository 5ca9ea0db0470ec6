package io.spindle.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.spindle.driver.job.Provenance;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * What can be checked here of the YARN and Kubernetes deployment files, which cannot run on this
 * machine: the YAML parses, the main class exists, every file the Dockerfile copies exists (or is
 * the application jar the build makes), the paths the job names are inside the image, and the
 * scripts parse.
 */
class DeployFilesTest {

    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    @Test
    void sparkApplicationNamesWhatTheImageHolds() throws Exception {
        JsonNode app = new ObjectMapper(new YAMLFactory()).readTree(ROOT.resolve("deploy/k8s/spindle-train.yaml").toFile());
        assertEquals("SparkApplication", app.get("kind").asText());
        assertEquals("sparkoperator.k8s.io/v1beta2", app.get("apiVersion").asText());
        String main = app.at("/spec/mainClass").asText();
        assertEquals(Main.class, Class.forName(main));
        String dockerfile = Files.readString(ROOT.resolve("deploy/k8s/Dockerfile"));
        Matcher copy = Pattern.compile("(?m)^COPY (\\S+) (\\S+)$").matcher(dockerfile);
        java.util.Map<String, String> copies = new java.util.LinkedHashMap<>();
        while (copy.find()) {
            copies.put(copy.group(2), copy.group(1));
        }
        String jarInImage = app.at("/spec/mainApplicationFile").asText().replaceFirst("^local://", "");
        String jarSource = copies.get(jarInImage);
        assertEquals("jobs/target/spindle-jobs-" + Provenance.spindleVersion() + "-app.jar", jarSource,
                "the image holds the application jar the build makes (jobs, classifier app, this version)");
        copies.forEach((to, from) -> {
            if (!from.equals(jarSource)) {
                assertTrue(Files.exists(ROOT.resolve(from)), "COPY " + from + ": missing");
            }
        });
        for (JsonNode arg : app.at("/spec/arguments")) {
            String a = arg.asText().replaceFirst("^data.path=", "");
            if (a.startsWith("/opt/spindle/")) {
                String inRepo = a.substring("/opt/spindle/".length());
                String copied = copies.keySet().stream().filter(to -> a.startsWith(to + "/") || a.equals(to))
                        .findFirst().orElseThrow(() -> new AssertionError(a + " is not in the image"));
                assertTrue(Files.exists(ROOT.resolve(copies.get(copied)).resolve(a.substring(copied.length() + 1))),
                        a + " -> " + inRepo);
            }
        }
        assertTrue(Files.readString(ROOT.resolve("deploy/k8s/submit.sh")).contains("local://" + jarInImage));
    }

    @Test
    void scriptsParseAndTheGpuDiscoveryScriptSpeaksSparksFormat() throws Exception {
        for (String s : List.of("standalone.sh", "gpu-smoke.sh", "gpu-discovery.sh", "java-opens.sh", "k8s/submit.sh", "yarn/submit.sh")) {
            Process p = new ProcessBuilder("bash", "-n", ROOT.resolve("deploy").resolve(s).toString())
                    .redirectErrorStream(true).start();
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            assertEquals(0, p.exitValue(), s + ": " + new String(p.getInputStream().readAllBytes()));
        }
        Process p = new ProcessBuilder("bash", ROOT.resolve("deploy/gpu-discovery.sh").toString()).start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        JsonNode gpus = new ObjectMapper().readTree(p.getInputStream());
        assertEquals("gpu", gpus.get("name").asText());
        assertTrue(gpus.get("addresses").isArray());
        for (String s : List.of("deploy/yarn/submit.sh", "deploy/k8s/submit.sh", "deploy/standalone.sh")) {
            assertTrue(Files.readString(ROOT.resolve(s)).contains("io.spindle.jobs.Main"), s + " names the main class");
        }
    }
}
