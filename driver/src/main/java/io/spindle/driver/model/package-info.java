/**
 * Network building: a resolved spec plus the data's layout become a DL4J
 * {@code MultiLayerConfiguration}. No Spark, no I/O.
 */
package io.spindle.driver.model;
