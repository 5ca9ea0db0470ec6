/**
 * The training doctor: diagnoses of a trial from its history (train-sample and validation metrics
 * per epoch), its final validation metrics and the data's class counts. Each diagnosis is a pure
 * function; each has a stable code, its evidence, one sentence of explanation and the fix as spec
 * changes. Nothing here touches Spark, files or DL4J.
 */
package io.spindle.driver.doctor;
