package io.spindle.kernels;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** Turns partition rows into arrays and epochs into seeded, shuffled minibatches. */
public final class Batches {

    private Batches() {
    }

    /**
     * Stacks a partition's blocks into one feature and one label matrix.
     *
     * @param blocks the partition's rows
     * @return the partition as two matrices (zero rows when empty)
     */
    public static ExecutorCache.PartitionData stack(Iterator<Block> blocks) {
        List<INDArray> fs = new ArrayList<>();
        List<INDArray> ls = new ArrayList<>();
        List<INDArray> os = new ArrayList<>();
        int fw = 0;
        int lw = 0;
        while (blocks.hasNext()) {
            Block b = blocks.next();
            if (b.rows() == 0) {
                continue;
            }
            fw = b.featureWidth();
            lw = b.labelWidth();
            fs.add(Nd4j.create(b.features(), new long[] {b.rows(), fw}, 'c'));
            ls.add(Nd4j.create(b.labels(), new long[] {b.rows(), lw}, 'c'));
            if (b.offsets().length > 0) {
                os.add(Nd4j.create(b.offsets(), new long[] {b.rows(), lw}, 'c'));
            }
        }
        if (fs.isEmpty()) {
            return new ExecutorCache.PartitionData(Nd4j.create(DataType.FLOAT, 0, 0), Nd4j.create(DataType.FLOAT, 0, 0));
        }
        return new ExecutorCache.PartitionData(
                fs.size() == 1 ? fs.get(0) : Nd4j.vstack(fs.toArray(INDArray[]::new)),
                ls.size() == 1 ? ls.get(0) : Nd4j.vstack(ls.toArray(INDArray[]::new)),
                os.isEmpty() ? null : os.size() == 1 ? os.get(0) : Nd4j.vstack(os.toArray(INDArray[]::new)));
    }

    /**
     * The row order of one epoch of one partition: a Fisher-Yates shuffle seeded by the trial
     * seed, the epoch and the partition, so every run with the same seed sees the same batches.
     *
     * @param rows rows in the partition
     * @param seed trial seed
     * @param epoch 0-based epoch
     * @param partition partition index
     * @return a permutation of 0..rows-1
     */
    public static int[] epochOrder(int rows, long seed, int epoch, int partition) {
        SplittableRandom rng = new SplittableRandom(mix(seed, epoch, partition));
        int[] order = new int[rows];
        for (int i = 0; i < rows; i++) {
            order[i] = i;
        }
        for (int i = rows - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    /**
     * @param data the partition
     * @param order the epoch's row order
     * @param batchSize rows per minibatch (the last one may be smaller)
     * @param shape input and label shaping
     * @return the epoch's minibatches in order, as views into one shuffled copy
     */
    public static List<DataSet> epoch(ExecutorCache.PartitionData data, int[] order, int batchSize, InputShape shape) {
        List<DataSet> out = new ArrayList<>();
        if (order.length == 0) {
            return out;
        }
        INDArray f = Nd4j.pullRows(data.features(), 1, order);
        INDArray l = Nd4j.pullRows(data.labels(), 1, order);
        for (int start = 0; start < order.length; start += batchSize) {
            int end = Math.min(order.length, start + batchSize);
            INDArray fb = f.get(NDArrayIndex.interval(start, end), NDArrayIndex.all());
            INDArray lb = l.get(NDArrayIndex.interval(start, end), NDArrayIndex.all());
            out.add(new DataSet(shape.features(fb), shape.labels(lb)));
        }
        return out;
    }

    /**
     * @param rows rows in the partition
     * @param batchSize rows per minibatch
     * @return minibatches in one epoch of it (the last one may be smaller)
     */
    public static int count(int rows, int batchSize) {
        return (rows + batchSize - 1) / batchSize;
    }

    /**
     * One minibatch of an epoch, pulled from the partition's arrays by the epoch's row order: the
     * same rows, in the same order, as {@link #epoch}'s minibatch {@code index}, as a fresh copy
     * (the cached arrays, shared between trials, are never shuffled or changed in place).
     *
     * @param data the partition
     * @param order the epoch's row order
     * @param index the minibatch, from 0
     * @param batchSize rows per minibatch
     * @param shape input and label shaping
     * @return the minibatch
     */
    public static DataSet batch(ExecutorCache.PartitionData data, int[] order, int index, int batchSize, InputShape shape) {
        int start = index * batchSize;
        int end = Math.min(order.length, start + batchSize);
        if (start >= end) {
            throw new IllegalArgumentException("minibatch " + index + " of " + batchSize + " rows is past the "
                    + order.length + " rows of the partition");
        }
        int[] rows = java.util.Arrays.copyOfRange(order, start, end);
        INDArray f = Nd4j.pullRows(data.features(), 1, rows);
        INDArray l = Nd4j.pullRows(data.labels(), 1, rows);
        return new DataSet(shape.features(f), shape.labels(l));
    }

    /** @return a well-mixed 64-bit seed derived from the parts (SplitMix64 finalizer) */
    public static long mix(long seed, long a, long b) {
        long z = seed + 0x9E3779B97F4A7C15L * (a + 1) + 0xBF58476D1CE4E5B9L * (b + 1);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
