package io.spindle.driver.job;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.spindle.driver.spec.JobSpec;
import io.spindle.driver.spec.SpecTrees;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** Where a saved model came from: resolved spec, seed and the versions of everything that ran it. */
public final class Provenance {

    private static final Properties VERSIONS = load();

    private Provenance() {
    }

    private static Properties load() {
        Properties p = new Properties();
        try (InputStream in = Provenance.class.getResourceAsStream("/spindle-version.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }

    /** @return Spindle's version */
    public static String spindleVersion() {
        return VERSIONS.getProperty("spindle", "unknown");
    }

    /**
     * @param spec the resolved spec
     * @param trialId the trial
     * @return the provenance document
     */
    public static ObjectNode of(JobSpec spec, String trialId) {
        ObjectNode p = SpecTrees.MAPPER.createObjectNode();
        p.put("trial_id", trialId);
        p.put("seed", spec.training().seed());
        ObjectNode v = p.putObject("versions");
        v.put("spindle", spindleVersion());
        v.put("spark", org.apache.spark.package$.MODULE$.SPARK_VERSION());
        v.put("dl4j", VERSIONS.getProperty("dl4j", "unknown"));
        v.put("java", System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")");
        v.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
        p.put("nd4j_backend", org.nd4j.linalg.factory.Nd4j.getBackend().getClass().getSimpleName());
        p.set("spec", spec.resolved());
        return p;
    }
}
