/**
 * The saved model as something to use: {@link io.spindle.driver.predict.SpindleModel} (the
 * network, the input pipeline the loader fitted, the resolved spec and the provenance) and
 * {@link io.spindle.driver.predict.ModelFile}, which adds the pipeline to a DL4J model zip as
 * {@code spindle-model.json} and reads it back, refusing a missing, damaged or newer model with
 * one line. Reads and writes model files only; no Spark jobs and no training live here.
 */
package io.spindle.driver.predict;
