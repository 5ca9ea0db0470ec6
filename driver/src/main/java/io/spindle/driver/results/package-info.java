/**
 * Result tables: every run's trials and epochs as tables that plain Spark SQL reads (Delta Lake
 * under the run's output folder), the store interface the driver writes through, and the
 * background writer that keeps training from waiting on table commits. Nothing here trains.
 */
package io.spindle.driver.results;
