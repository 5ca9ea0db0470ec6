package io.spindle.kernels;

import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The executor's training step: one narrow method that trains a partition for a round from the
 * broadcast state and returns the state after the round for the driver to average.
 */
public final class TrainingKernel {

    /** The current epoch's minibatches per trial and partition, so partial-epoch rounds reuse them. */
    private record EpochBatches(int epoch, List<DataSet> batches) { }

    private static final Map<String, EpochBatches> EPOCHS = new ConcurrentHashMap<>();
    /** The learning rate last set on each cached network: DL4J rebuilds the updater when it changes. */
    private static final Map<String, Double> RATES = new ConcurrentHashMap<>();
    /** The data set each trial's partition trained on last. */
    private static final Map<String, String> DATA_KEYS = new ConcurrentHashMap<>();

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
        String key = task.trialId() + "#" + partition;
        String previous = DATA_KEYS.put(key, task.dataKey());
        if (previous != null && !previous.equals(task.dataKey())) {
            ExecutorCache.evictData(previous, partition); // the shards were dealt anew: drop the old rows
        }
        ExecutorCache.PartitionData data = ExecutorCache.data(task.dataKey(), partition, () -> Batches.stack(rows));
        MultiLayerNetwork net = ExecutorCache.network(task.trialId(), "train#" + partition, task.configJson());
        synchronized (net) {
            long f0 = System.nanoTime();
            net.setParams(Nd4j.createFromArray(state.params()).reshape(1, state.params().length));
            double lr = task.learningRate();
            if (!Double.isNaN(lr) && !Double.valueOf(lr).equals(RATES.get(key))) {
                net.setLearningRate(lr); // rebuilds the updater's view array: fetch it afterwards
                RATES.put(key, lr);
            }
            INDArray updater = net.getUpdater().getStateViewArray();
            float[] start = state.updaterFor(partition);
            if (updater != null && start.length > 0) {
                updater.assign(Nd4j.createFromArray(start).reshape(updater.shape()));
            }
            net.getLayerWiseConfigurations().setIterationCount(task.iteration());
            net.getLayerWiseConfigurations().setEpochCount(task.epoch());
            long fetch = System.nanoTime() - f0;
            Nd4j.getRandom().setSeed(Batches.mix(task.seed(), 1_000_003L * task.epoch() + task.firstBatch(), partition));

            EpochBatches eb = EPOCHS.get(key);
            if (eb == null || eb.epoch() != task.epoch()) {
                int[] order = Batches.epochOrder((int) data.rows(), task.seed(), task.epoch(), partition);
                eb = new EpochBatches(task.epoch(), Batches.epoch(data, order, task.batchSize(), task.shape()));
                EPOCHS.put(key, eb);
            }
            List<DataSet> batches = eb.batches();
            int end = task.steps() < 0 ? batches.size() : Math.min(batches.size(), task.firstBatch() + task.steps());
            long samples = 0;
            double lossSum = 0;
            boolean finite = true;
            int trained = 0;
            long t0 = System.nanoTime();
            for (int b = task.firstBatch(); b < end; b++) {
                DataSet ds = batches.get(b);
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
     * Frees this executor's cached networks and batches of a trial.
     *
     * @param trialId the trial
     */
    public static void release(String trialId) {
        EPOCHS.keySet().removeIf(k -> k.startsWith(trialId + "#"));
        RATES.keySet().removeIf(k -> k.startsWith(trialId + "#"));
        DATA_KEYS.keySet().removeIf(k -> k.startsWith(trialId + "#"));
        ExecutorCache.evict(trialId);
    }
}
