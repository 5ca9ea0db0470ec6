/**
 * The HTML report of a run folder: one self-contained file whose charts (XChart, rendered to SVG)
 * are embedded, so it opens without a network. Reads the result tables; writes nothing else.
 */
package io.spindle.driver.report;
