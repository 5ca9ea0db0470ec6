package io.spindle.bench;

/**
 * Predicts the data-parallel efficiency of Spindle's parameter-averaging round at larger worker
 * counts from the costs measured on {@code local[2]}.
 *
 * <p>Per round, every worker trains the same number of minibatches (the measured averaging
 * period: weak scaling, the global batch grows with the workers), then the state travels:
 * <pre>
 *   round(N)      = compute + overhead + transfer(N)
 *   transfer(N)   = stateBytes * 8 * ceil(log2 N) * 2 / bandwidth     (tree model)
 *   efficiency(N) = compute / round(N)
 *   speedup(N)    = N * efficiency(N)
 * </pre>
 * {@code compute} is the measured median slowest-worker training time of a round;
 * {@code overhead} the measured median broadcast + fetch + aggregate time (job scheduling,
 * (de)serialization, averaging), taken as independent of N; {@code transfer} sends the
 * parameters and updater state down a binary broadcast tree and the sums back up a binary
 * aggregation tree, each {@code ceil(log2 N)} hops of {@code stateBytes} at {@code bandwidth}
 * bits per second, with no overlap between hops or with compute. Efficiency 1 means no time is
 * lost to communication; speedup is relative to one worker computing without any overhead.
 *
 * <p>Also given, for comparison, is the <em>gather</em> variant: the broadcast goes down the same
 * tree but every worker sends its result straight to the driver (Spark's {@code reduce}), whose
 * link then carries {@code N * resultBytes}: {@code transfer(N) = stateBytes * 8 * ceil(log2 N) /
 * bandwidth + N * resultBytes * 8 / bandwidth}. The measured overhead comes from one machine with
 * no network, so the model is optimistic: it ignores task scheduling that grows with N,
 * stragglers and contention.
 *
 * @param computeMs measured compute per round
 * @param overheadMs measured fixed overhead per round
 * @param stateBytes bytes of parameters plus updater state sent to each worker
 * @param resultBytes bytes each worker sends back (gather variant)
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

    /**
     * @param workers N
     * @param bandwidthGbps link bandwidth in gigabits per second, &gt; 0
     * @return tree-model transfer time of one round in ms
     */
    public double transferMs(int workers, double bandwidthGbps) {
        return bits(stateBytes) * treeDepth(workers) * 2 / bitsPerMs(bandwidthGbps);
    }

    /**
     * @param workers N
     * @param bandwidthGbps link bandwidth in gigabits per second, &gt; 0
     * @return tree-model round time in ms
     */
    public double roundMs(int workers, double bandwidthGbps) {
        return computeMs + overheadMs + transferMs(workers, bandwidthGbps);
    }

    /**
     * @param workers N
     * @param bandwidthGbps link bandwidth in gigabits per second, &gt; 0
     * @return tree-model efficiency, compute / round time, in (0, 1]
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
        return (bits(stateBytes) * treeDepth(workers) + bits(resultBytes) * workers) / bitsPerMs(bandwidthGbps);
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
