/**
 * The training benchmark ({@code spindle bench training}): single-JVM DL4J, Spindle
 * data-parallel, DL4J's {@code ParameterAveragingTrainingMaster} and Spark MLlib's
 * {@code MultilayerPerceptronClassifier}, run side by side on the same data, model and seed, with
 * the results written as CSV and markdown tables, Spindle's measured per-round costs and a cost
 * model of data-parallel efficiency at larger worker counts.
 *
 * <p>Pure parts (results, tables, the cost model) have no Spark dependency and are unit tested;
 * the runners ({@code *Runner}) need a Spark context. Nothing outside this module may depend on
 * it: the application jar ({@code jobs}) must not carry dl4j-spark or MLlib.
 */
package io.spindle.bench;
