/**
 * Whole jobs as the CLI runs them ({@code train}): output folder checks, orchestration of data,
 * model and trainer, and the files a run writes (model, provenance, summary).
 */
package io.spindle.driver.job;
