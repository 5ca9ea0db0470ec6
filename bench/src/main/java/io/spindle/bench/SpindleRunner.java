package io.spindle.bench;

import io.spindle.driver.spec.JobSpec;
import io.spindle.driver.train.Decision;
import io.spindle.driver.train.EpochRecord;
import io.spindle.driver.train.RoundStats;
import io.spindle.driver.train.Status;
import io.spindle.driver.train.TrainListener;
import io.spindle.driver.train.TrainResult;
import io.spindle.driver.train.Trainer;
import io.spindle.driver.train.TrialCallback;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;

/**
 * System (b): Spindle's data-parallel {@link Trainer} through its public API, 2 workers on
 * {@code local[2]}. Training time is the sum of the rounds' wall times (broadcast, training,
 * aggregation and averaging; the per-epoch evaluation is left out); the test quality (accuracy,
 * or RMSE for the sequence case) is the trainer's own per-epoch evaluation of its validation split,
 * which {@link BenchData} makes the benchmark's test rows.
 */
final class SpindleRunner {

    /** The per-round costs and the run. */
    record Result(SystemRun run, List<RoundStats> rounds) {
        /** @return minibatches per worker per round the trainer used (its first round has the full period) */
        int averagingPeriod() {
            return rounds.get(0).minibatches();
        }
    }

    /** The reason a run stopped by the case's time budget gives. */
    private static final String BUDGET_SPENT = "time budget spent";

    private SpindleRunner() {
    }

    /**
     * @param caseName the case
     * @param system the system's name in the tables
     * @param sc the Spark context ({@code local[2]})
     * @param spec the case's spec ({@code training.epochs} = the budget's epoch cap)
     * @param conf the network configuration
     * @param data the benchmark data
     * @param budget epochs and time budget
     * @return the run and every round's costs
     */
    static Result run(String caseName, String system, JavaSparkContext sc, JobSpec spec, MultiLayerConfiguration conf, BenchData data,
                      Budget budget) {
        List<RoundStats> rounds = new ArrayList<>();
        List<EpochPoint> points = new ArrayList<>();
        long[] nanos = {0};
        long[] samples = {0};
        TrainListener listener = new TrainListener() {
            @Override
            public void onRound(RoundStats round) {
                rounds.add(round);
                nanos[0] += round.wallNanos();
                samples[0] += round.samples();
            }

            @Override
            public void onEpoch(EpochRecord epoch) {
                Double value = epoch.validation().get(data.quality().metric());
                if (value == null) {
                    throw new IllegalStateException("Spindle's epoch record has no validation " + data.quality().metric()
                            + "; metrics: " + epoch.validation().keySet());
                }
                points.add(new EpochPoint(epoch.epoch(), nanos[0] / 1e9, samples[0], value, data.quality()));
            }
        };
        // the case's time budget (training time in rounds) is a decision after each epoch
        TrialCallback timeBudget = e -> !e.partial() && !e.lastEpoch()
                && !budget.allowsAnother(e.record().epoch(), nanos[0] / 1e9)
                ? Decision.stop(Status.EARLY_STOPPED, BUDGET_SPENT) : Decision.CONTINUE;
        TrainResult r = new Trainer(sc, Clock.systemUTC()).withCallbacks(List.of(timeBudget))
                .train(spec, data.prepared(), conf.clone(), listener);
        String status = r.status() == Status.COMPLETED || r.diagnosis().equals(BUDGET_SPENT) ? ""
                : "; trainer status " + r.status() + " " + r.diagnosis();
        if (points.isEmpty()) {
            throw new IllegalStateException(caseName + ": Spindle finished no epoch" + status);
        }
        int workers = rounds.get(0).workers();
        String period = spec.cluster().averagingPeriod().map(p -> p + " minibatches")
                .orElse("default (" + rounds.get(0).minibatches() + " minibatches per worker per round)");
        String optimizer = spec.training().optimizer();
        double factor = spec.cluster().lrFactor(workers, optimizer);
        SystemRun run = new SystemRun(caseName, system, points, "Trainer.train, cluster.workers "
                + workers + " on " + sc.master() + ", lr_scaling " + spec.cluster().lrScaling() + " ("
                + spec.cluster().lrScalingFor(optimizer) + ", lr " + spec.training().lr() * factor
                + (factor == 1.0 ? ""
                : ", reached after a warmup of " + spec.cluster().lrWarmupEpochs() + " epoch(s)")
                + "), averaging_period " + period
                + ", batch " + spec.training().batchSize() + " per worker; "
                + budget.stopReason(points.size(), nanos[0] / 1e9) + status);
        return new Result(run, rounds);
    }
}
