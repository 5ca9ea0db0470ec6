package io.spindle.driver.predict;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * A trained model read back from its {@code model.zip}: the network with its parameters, the input
 * pipeline that turns data rows into its inputs and its outputs into predictions, the resolved
 * spec it was trained with and its provenance. Read with {@link ModelFile#load}.
 *
 * @param network the network (DL4J; not thread-safe: one per thread or executor)
 * @param pipeline the fitted input pipeline
 * @param spec the resolved spec of the run (a copy)
 * @param provenance the run's provenance: trial id, seed, versions (a copy)
 * @param path where the model was read from, for messages
 */
public record SpindleModel(MultiLayerNetwork network, InputPipeline pipeline, JsonNode spec, JsonNode provenance,
                           String path) {

    /** Copies the JSON documents so that the record cannot change through them. */
    public SpindleModel {
        Objects.requireNonNull(network, "network");
        Objects.requireNonNull(pipeline, "pipeline");
        Objects.requireNonNull(path, "path");
        spec = spec.deepCopy();
        provenance = provenance.deepCopy();
    }

    /** @return a copy of the resolved spec */
    @Override
    public JsonNode spec() {
        return spec.deepCopy();
    }

    /** @return a copy of the provenance */
    @Override
    public JsonNode provenance() {
        return provenance.deepCopy();
    }
}
