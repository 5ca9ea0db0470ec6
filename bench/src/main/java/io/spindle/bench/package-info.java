/**
 * The benchmarks of {@code spindle bench}. {@code training}: single-JVM DL4J, Spindle
 * data-parallel, DL4J's {@code ParameterAveragingTrainingMaster} and Spark MLlib's
 * {@code MultilayerPerceptronClassifier}, run side by side on the same data, model and seed, with
 * the results written as CSV and markdown tables, Spindle's measured per-round costs and a cost
 * model of data-parallel efficiency at larger worker counts; with {@code --cluster}, Spindle's
 * MNIST case also on a 2-worker standalone cluster started by {@code deploy/standalone.sh}
 * ({@code StandaloneRunner}); a sequence case ({@code co2-lstm}: {@code conf/jobs/co2.yaml}'s LSTM
 * forecaster) trained by single-JVM DL4J and Spindle only, scored by test RMSE instead of accuracy
 * ({@code BenchCase.Kind}, {@code Quality}). {@code sweep}: Spindle's sweep runner
 * ({@code SweepJob}) on digits MLPs, trial-parallel against sequential, ASHA against no pruning,
 * TPE against random search, judged against the project's targets.
 *
 * <p>Pure parts (results, tables, targets, the cost model, the sweep plan) have no Spark dependency
 * and are unit tested; the runners ({@code *Runner}, {@code *Benchmark}) need a Spark session.
 * Nothing outside this module may depend on it: the application jar ({@code jobs}) must not carry
 * dl4j-spark or MLlib.
 */
package io.spindle.bench;
