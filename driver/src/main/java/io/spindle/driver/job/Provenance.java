package io.spindle.driver.job;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.spindle.driver.spec.JobSpec;
import io.spindle.driver.spec.SpecTrees;

/** Where a saved model came from: resolved spec, seed and the versions of everything that ran it. */
public final class Provenance {

    private Provenance() {
    }

    /** @return Spindle's version */
    public static String spindleVersion() {
        return io.spindle.driver.results.BuildInfo.spindle();
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
        v.put("dl4j", io.spindle.driver.results.BuildInfo.dl4j());
        v.put("java", System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")");
        v.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
        p.put("nd4j_backend", org.nd4j.linalg.factory.Nd4j.getBackend().getClass().getSimpleName());
        p.put("layer_kernels", io.spindle.kernels.nn.OneDnn.jvmPath());
        p.set("spec", spec.resolved());
        return p;
    }
}
