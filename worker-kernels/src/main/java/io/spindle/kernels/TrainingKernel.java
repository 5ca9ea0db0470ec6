package io.spindle.kernels;

import java.util.Iterator;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The executor's training step: one narrow method that trains a partition for a round from the
 * broadcast state and returns the state after the round for the driver to average.
 */
public final class TrainingKernel {

    /**
     * What a trial's training network carries between rounds besides its weights, attached to its
     * cache entry so that it goes when the network goes: the learning rate last set on it (DL4J
     * rebuilds the updater when it changes), the current epoch's row order (minibatches are pulled
     * from the shared partition arrays by it, never shuffled in place) and the data key it last
     * trained on.
     */
    private static final class Slot {
        Double rate;
        int epoch = -1;
        int[] order;
        String dataKey;
    }

    private TrainingKernel() {
    }

    /**
     * Trains {@code task.steps()} minibatches (or to the end of the epoch) of this partition,
     * starting from {@code state}, on the network this executor keeps for the trial.
     *
     * @param partition the partition index
     * @param rows the partition's rows (read only the first time this executor sees the partition)
     * @param task what to train
     * @param state parameters and updater state to start from
     * @return the parameters (and, when shared, updater state) after the round, with loss and counts
     */
    public static PartitionResult train(int partition, Iterator<Block> rows, WorkerTask task, ModelState state) {
        boolean keepsState = !task.shareUpdater();
        ExecutorCache.Held held = ExecutorCache.held(task.trialId(), "train#" + partition, task.configJson(), keepsState);
        MultiLayerNetwork net = held.net();
        synchronized (net) {
            Slot slot = (Slot) held.attachment();
            boolean built = slot == null;
            if (built) {
                slot = new Slot();
                held.attach(slot);
            }
            if (slot.dataKey != null && !slot.dataKey.equals(task.dataKey())) {
                ExecutorCache.evictData(slot.dataKey, partition); // the shards were dealt anew: drop the old rows
            }
            slot.dataKey = task.dataKey();
            ExecutorCache.PartitionData data = ExecutorCache.data(task.dataKey(), partition, () -> Batches.stack(rows));
            long f0 = System.nanoTime();
            net.setParams(Nd4j.createFromArray(state.params()).reshape(1, state.params().length));
            double lr = task.learningRate();
            if (!Double.isNaN(lr) && !Double.valueOf(lr).equals(slot.rate)) {
                net.setLearningRate(lr); // rebuilds the updater's view array: fetch it afterwards
                slot.rate = lr;
            }
            INDArray updater = net.getUpdater().getStateViewArray();
            float[] start = state.updaterFor(partition);
            if (built && keepsState && start.length == 0 && task.iteration() > 0 && updater != null && updater.length() > 0) {
                throw new IllegalStateException("trial " + task.trialId() + ": this executor no longer holds the optimizer"
                        + " state worker " + partition + " keeps (cluster.average_updater: false); it was lost with its"
                        + " executor or expired after -Dspindle.cache.kept.expire.minutes unused. Resume the run from its"
                        + " last checkpoint (--resume), or set cluster.average_updater: true");
            }
            if (updater != null && start.length > 0) {
                updater.assign(Nd4j.createFromArray(start).reshape(updater.shape()));
            }
            net.getLayerWiseConfigurations().setIterationCount(task.iteration());
            net.getLayerWiseConfigurations().setEpochCount(task.epoch());
            long fetch = System.nanoTime() - f0;
            Nd4j.getRandom().setSeed(Batches.mix(task.seed(), 1_000_003L * task.epoch() + task.firstBatch(), partition));

            if (slot.order == null || slot.epoch != task.epoch() || slot.order.length != data.rows()) {
                slot.order = Batches.epochOrder((int) data.rows(), task.seed(), task.epoch(), partition);
                slot.epoch = task.epoch();
            }
            int[] order = slot.order;
            int batches = Batches.count(order.length, task.batchSize());
            int end = task.steps() < 0 ? batches : Math.min(batches, task.firstBatch() + task.steps());
            long samples = 0;
            double lossSum = 0;
            boolean finite = true;
            int trained = 0;
            long t0 = System.nanoTime();
            for (int b = task.firstBatch(); b < end; b++) {
                DataSet ds = Batches.batch(data, order, b, task.batchSize(), task.shape());
                net.fit(ds);
                // the data loss: DL4J's score also holds the L2 / weight-decay penalty
                double score = net.score() - net.calcRegularizationScore(true);
                trained++;
                samples += ds.numExamples();
                lossSum += score * ds.numExamples();
                if (!Double.isFinite(score)) {
                    finite = false;
                    break;
                }
            }
            long nanos = System.nanoTime() - t0;
            float[] params = net.params().toFloatVector();
            if (finite && !Double.isFinite(net.params().sumNumber().doubleValue())) {
                finite = false;
            }
            float[] upd = updater == null || !task.shareUpdater() ? new float[0] : updater.toFloatVector();
            return new PartitionResult(params, upd, samples, trained, lossSum, finite, fetch, nanos);
        }
    }

    /**
     * @param trialId the trial
     * @param partition the partition
     * @return the updater state of this executor's network for the partition (empty when it has none)
     */
    public static float[] updaterState(String trialId, int partition) {
        return ExecutorCache.cached(trialId, "train#" + partition).map(net -> {
            synchronized (net) {
                INDArray state = net.getUpdater() == null ? null : net.getUpdater().getStateViewArray();
                return state == null ? new float[0] : state.toFloatVector();
            }
        }).orElse(new float[0]);
    }

    /**
     * Frees this executor's cached networks of a trial, with what is attached to them, and data
     * cached under the trial's own keys (data shared between trials goes with its data key).
     *
     * @param trialId the trial
     */
    public static void release(String trialId) {
        ExecutorCache.evict(trialId);
    }
}
