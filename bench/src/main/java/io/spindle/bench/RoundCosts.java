package io.spindle.bench;

import io.spindle.driver.train.RoundStats;
import java.util.Arrays;
import java.util.List;
import java.util.function.ToLongFunction;

/**
 * Median per-round costs of one Spindle run, from the trainer's {@link RoundStats}: one row of
 * {@code bench-rounds.csv} and the measured inputs of the {@link CostModel}.
 *
 * @param caseName the benchmark case
 * @param workers data-parallel workers
 * @param minibatches median minibatches per worker per round (the averaging period used)
 * @param rounds rounds measured
 * @param broadcastMs median driver time to publish the broadcast
 * @param fetchMs median slowest-worker time to obtain the broadcast and load it into its network
 * @param computeMs median slowest-worker time in training steps
 * @param aggregateMs median rest of the round: scheduling, result transfer, aggregation, averaging
 * @param wallMs median driver wall time of a round
 * @param stateBytes bytes of parameters plus updater state broadcast per round
 */
public record RoundCosts(String caseName, int workers, int minibatches, int rounds, double broadcastMs, double fetchMs,
                         double computeMs, double aggregateMs, double wallMs, long stateBytes) {

    /** The column names of {@code bench-rounds.csv}, in order. */
    public static final String HEADER =
            "case,workers,minibatches_per_round,rounds,broadcast_ms,fetch_ms,compute_ms,aggregate_ms,wall_ms,state_bytes";

    /**
     * @param caseName the benchmark case
     * @param rounds every round of a run, in order (at least one)
     * @return the medians of the rounds' costs
     * @throws IllegalArgumentException when {@code rounds} is empty
     */
    public static RoundCosts of(String caseName, List<RoundStats> rounds) {
        if (rounds.isEmpty()) {
            throw new IllegalArgumentException(caseName + ": no Spindle rounds were recorded");
        }
        RoundStats first = rounds.get(0);
        return new RoundCosts(caseName, first.workers(), (int) median(rounds, RoundStats::minibatches), rounds.size(),
                ms(median(rounds, RoundStats::broadcastNanos)), ms(median(rounds, RoundStats::fetchNanos)),
                ms(median(rounds, RoundStats::computeNanos)), ms(median(rounds, RoundStats::aggregateNanos)),
                ms(median(rounds, RoundStats::wallNanos)), first.stateBytes());
    }

    /** @return what a round costs besides compute: broadcast, fetch and aggregate (medians summed) */
    public double overheadMs() {
        return broadcastMs + fetchMs + aggregateMs;
    }

    /**
     * @param values numbers (at least one)
     * @return the median (the mean of the two middle values for an even count)
     */
    static double median(long[] values) {
        long[] v = values.clone();
        Arrays.sort(v);
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
    }

    private static double median(List<RoundStats> rounds, ToLongFunction<RoundStats> f) {
        return median(rounds.stream().mapToLong(f).toArray());
    }

    private static double ms(double nanos) {
        return nanos / 1e6;
    }
}
