package io.spindle.bench;

/**
 * Predicts the data-parallel efficiency of Spindle's parameter-averaging round at larger worker
 * counts from the costs measured on {@code local[2]}.
 *
 * <p>Per round, every worker trains the same number of minibatches (the measured averaging
 * period: weak scaling, the global batch grows with the workers), then the state travels:
 * <pre>
 *   round(N)      = compute + overhead + transfer(N)
 *   transfer(N)   = (stateBytes * ceil(log2 N) + resultBytes * inbound(N)) * 8 / bandwidth
 *   inbound(N)    = N                  for N &lt;= 8  (results gathered by the driver)
 *                 = 8 + ceil(N / 8)    for N &gt; 8   (groups of 8 combined on executors first)
 *   efficiency(N) = compute / round(N)
 *   speedup(N)    = N * efficiency(N)
 * </pre>
 * {@code compute} is the measured median slowest-worker training time of a round;
 * {@code overhead} the measured median broadcast + fetch + aggregate time (job scheduling,
 * copies, averaging), taken as independent of N. The broadcast goes down a binary tree
 * ({@code ceil(log2 N)} hops of {@code stateBytes}, as Spark's torrent broadcast spreads it);
 * the results come up the trainer's own aggregation: up to 8 workers send straight to the driver,
 * beyond that each group of 8 consecutive partitions is combined on one executor (8 results in)
 * and the driver receives one per group. The busiest link sets the time, with no overlap between
 * hops or with compute. Efficiency 1 means no time is lost to communication; speedup is relative
 * to one worker computing without any overhead.
 *
 * <p>Also given, for comparison, is a flat <em>gather</em> where every worker sends its result
 * straight to the driver at any N ({@code inbound(N) = N}), as Spark's {@code reduce} or
 * {@code collect} would. The measured overhead comes from one machine with no network (in local
 * mode the trainer even hands state and results over in memory), so the model is optimistic: it
 * ignores serialization, task scheduling that grows with N, stragglers and contention.
 *
 * @param computeMs measured compute per round
 * @param overheadMs measured fixed overhead per round
 * @param stateBytes bytes of parameters plus updater state sent to each worker
 * @param resultBytes bytes each worker sends back
 */
public record CostModel(double computeMs, double overheadMs, long stateBytes, long resultBytes) {

    public CostModel {
        if (!(computeMs > 0) || Double.isInfinite(computeMs)) {
            throw new IllegalArgumentException("computeMs must be finite and > 0, got " + computeMs);
        }
        if (!(overheadMs >= 0) || Double.isInfinite(overheadMs)) {
            throw new IllegalArgumentException("overheadMs must be finite and >= 0, got " + overheadMs);
        }
        if (stateBytes < 0 || resultBytes < 0) {
            throw new IllegalArgumentException("stateBytes and resultBytes must be >= 0, got " + stateBytes + " and "
                    + resultBytes);
        }
    }

    /**
     * @param workers N, at least 1
     * @return the depth of a binary tree over N workers, {@code ceil(log2 N)} (0 for one worker)
     */
    public static int treeDepth(int workers) {
        if (workers < 1) {
            throw new IllegalArgumentException("workers must be >= 1, got " + workers);
        }
        return 32 - Integer.numberOfLeadingZeros(workers - 1);
    }

    /** Results combined per group on executors beyond this many workers (the trainer's fan-in). */
    public static final int FAN_IN = 8;

    /**
     * @param workers N, at least 1
     * @return results arriving at the busiest receiver of the trainer's aggregation
     */
    public static int inbound(int workers) {
        treeDepth(workers);
        return workers <= FAN_IN ? workers : FAN_IN + (workers + FAN_IN - 1) / FAN_IN;
    }

    /**
     * @param workers N
     * @param bandwidthGbps link bandwidth in gigabits per second, &gt; 0
     * @return transfer time of one round in ms (broadcast tree down, the trainer's aggregation up)
     */
    public double transferMs(int workers, double bandwidthGbps) {
        return (bits(stateBytes) * treeDepth(workers) + bits(resultBytes) * (workers == 1 ? 0 : inbound(workers)))
                / bitsPerMs(bandwidthGbps);
    }

    /**
     * @param workers N
     * @param bandwidthGbps link bandwidth in gigabits per second, &gt; 0
     * @return round time in ms
     */
    public double roundMs(int workers, double bandwidthGbps) {
        return computeMs + overheadMs + transferMs(workers, bandwidthGbps);
    }

    /**
     * @param workers N
     * @param bandwidthGbps link bandwidth in gigabits per second, &gt; 0
     * @return efficiency, compute / round time, in (0, 1]
     */
    public double efficiency(int workers, double bandwidthGbps) {
        return computeMs / roundMs(workers, bandwidthGbps);
    }

    /**
     * @param workers N
     * @param bandwidthGbps link bandwidth in gigabits per second, &gt; 0
     * @return gather-variant transfer time of one round in ms
     */
    public double gatherTransferMs(int workers, double bandwidthGbps) {
        return (bits(stateBytes) * treeDepth(workers) + bits(resultBytes) * (workers == 1 ? 0 : workers))
                / bitsPerMs(bandwidthGbps);
    }

    /**
     * @param workers N
     * @param bandwidthGbps link bandwidth in gigabits per second, &gt; 0
     * @return gather-variant efficiency, in (0, 1]
     */
    public double gatherEfficiency(int workers, double bandwidthGbps) {
        return computeMs / (computeMs + overheadMs + gatherTransferMs(workers, bandwidthGbps));
    }

    private static double bits(long bytes) {
        return bytes * 8.0;
    }

    private static double bitsPerMs(double bandwidthGbps) {
        if (!(bandwidthGbps > 0) || Double.isInfinite(bandwidthGbps)) {
            throw new IllegalArgumentException("bandwidth must be finite and > 0 Gbit/s, got " + bandwidthGbps);
        }
        return bandwidthGbps * 1e6;
    }
}
