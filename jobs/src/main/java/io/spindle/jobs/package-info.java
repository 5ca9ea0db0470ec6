/**
 * Entry points: the {@code spindle} command line ({@link io.spindle.jobs.Main}), which is also
 * the {@code spark-submit} main class. Only argument handling, sessions and exit codes live here.
 */
package io.spindle.jobs;
