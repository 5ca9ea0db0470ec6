/**
 * Job specs: the YAML contract users write. Parsed once into immutable records
 * ({@link io.spindle.driver.spec.JobSpec}), validated against one schema definition
 * ({@link io.spindle.driver.spec.SpecSchema}) that also produces the JSON Schema, layered over a
 * preset ({@link io.spindle.driver.spec.Presets}). Nothing here touches Spark, data or DL4J.
 */
package io.spindle.driver.spec;
