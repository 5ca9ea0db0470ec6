package io.spindle.driver.job;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.dataset.api.preprocessor.DataNormalization;
import org.nd4j.linalg.dataset.api.preprocessor.serializer.NormalizerSerializer;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Writes a network in DL4J's model zip layout ({@code configuration.json}, {@code coefficients.bin},
 * {@code normalizer.bin}), readable by {@code ModelSerializer.restoreMultiLayerNetworkAndNormalizer},
 * plus any further entries (Spindle's {@code spindle-model.json}, see
 * {@link io.spindle.driver.predict.ModelFile}).
 * DL4J's own writer cannot be used here: with the commons-io that Spark 3.5 ships, its
 * close-shielded zip stream is flushed after closing and throws.
 */
public final class ModelZip {

    private ModelZip() {
    }

    /**
     * @param net the network (its parameters are written; no updater state)
     * @param normalizer the fitted normalizer, or null
     * @param out the stream to write to (left open)
     * @throws IOException on write failure
     */
    public static void write(MultiLayerNetwork net, DataNormalization normalizer, OutputStream out) throws IOException {
        write(net, normalizer, java.util.Map.of(), out);
    }

    /**
     * Writes the network, its normalizer and more entries, which DL4J's reader passes over.
     *
     * @param net the network (its parameters are written; no updater state)
     * @param normalizer the fitted normalizer, or null
     * @param extra entry name to content, written after the network's entries in the map's order
     * @param out the stream to write to (left open)
     * @throws IOException on write failure
     */
    public static void write(MultiLayerNetwork net, DataNormalization normalizer, java.util.Map<String, byte[]> extra,
                             OutputStream out) throws IOException {
        ZipOutputStream zip = new ZipOutputStream(out);
        zip.putNextEntry(new ZipEntry("configuration.json"));
        zip.write(net.getLayerWiseConfigurations().toJson().getBytes(StandardCharsets.UTF_8));
        zip.closeEntry();
        zip.putNextEntry(new ZipEntry("coefficients.bin"));
        DataOutputStream data = new DataOutputStream(new BufferedOutputStream(zip));
        Nd4j.write(net.params(), data);
        data.flush();
        zip.closeEntry();
        if (normalizer != null) {
            zip.putNextEntry(new ZipEntry("normalizer.bin"));
            NormalizerSerializer.getDefault().write(normalizer, new KeepOpen(zip));
            zip.closeEntry();
        }
        for (java.util.Map.Entry<String, byte[]> e : extra.entrySet()) {
            zip.putNextEntry(new ZipEntry(e.getKey()));
            zip.write(e.getValue());
            zip.closeEntry();
        }
        zip.finish();
        zip.flush();
    }
}
