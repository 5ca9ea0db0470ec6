package io.spindle.kernels;

import io.spindle.kernels.eval.MetricsAccumulator;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
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
        return run(partition, rows, task, state, null).get(0).round();
    }

    /**
     * Trains whole epochs of this partition in turn, starting from {@code state}, and evaluates each
     * epoch's parameters on the rows of the validation split and the train sample this executor
     * caches. Every epoch trains exactly as {@link #train} would in a round of its own. The task
     * ends after the last of {@code task.rates()}, after an epoch whose loss or parameters are not
     * finite, after the epoch that passes {@code task.maxNanos()}, or after an epoch it could not
     * evaluate (an evaluation split's rows are not cached here: the driver evaluates that one).
     *
     * @param partition the partition index (the trial's one worker: 0)
     * @param rows the partition's rows (read only the first time this executor sees the partition)
     * @param task the epochs, their rates and the evaluations
     * @param state parameters and updater state to start from
     * @return one result per epoch trained, in order
     */
    public static List<EpochResult> trainEpochs(int partition, Iterator<Block> rows, EpochsTask task, ModelState state) {
        return run(partition, rows, task.first(), state, task);
    }

    private static List<EpochResult> run(int partition, Iterator<Block> rows, WorkerTask task, ModelState state,
                                         EpochsTask epochs) {
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
            setRate(net, slot, epochs == null ? task.learningRate() : epochs.rates()[0]);
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
            long fetch = System.nanoTime() - f0;
            List<EpochResult> out = new ArrayList<>();
            int count = epochs == null ? 1 : epochs.rates().length;
            int iteration = task.iteration();
            long begun = System.nanoTime();
            for (int k = 0; k < count; k++) {
                int epoch = task.epoch() + k;
                if (k > 0) {
                    setRate(net, slot, epochs.rates()[k]);
                }
                net.getLayerWiseConfigurations().setIterationCount(iteration);
                net.getLayerWiseConfigurations().setEpochCount(epoch);
                Nd4j.getRandom().setSeed(Batches.mix(task.seed(), 1_000_003L * epoch + task.firstBatch(), partition));
                if (slot.order == null || slot.epoch != epoch || slot.order.length != data.rows()) {
                    slot.order = Batches.epochOrder((int) data.rows(), task.seed(), epoch, partition);
                    slot.epoch = epoch;
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
                iteration += end - task.firstBatch(); // what the driver counts for the round
                float[] params = net.params().toFloatVector();
                if (finite && !Double.isFinite(net.params().sumNumber().doubleValue())) {
                    finite = false;
                }
                INDArray view = net.getUpdater().getStateViewArray();
                float[] upd = view == null || !task.shareUpdater() ? new float[0] : view.toFloatVector();
                PartitionResult round = new PartitionResult(params, upd, samples, trained, lossSum, finite,
                        k == 0 ? fetch : 0, nanos);
                if (epochs == null) {
                    out.add(new EpochResult(round, null, null));
                    break;
                }
                Optional<MetricsAccumulator> val = finite ? EvaluationKernel.evaluateCached(epochs.validation(),
                        epochs.validationPartitions(), params) : Optional.empty();
                Optional<MetricsAccumulator> sample = val.isPresent() ? EvaluationKernel.evaluateCached(epochs.sample(),
                        epochs.samplePartitions(), params) : Optional.empty();
                boolean evaluated = val.isPresent() && sample.isPresent();
                out.add(new EpochResult(round, evaluated ? val.get() : null, evaluated ? sample.get() : null));
                if (!evaluated || (epochs.maxNanos() > 0 && System.nanoTime() - begun >= epochs.maxNanos())) {
                    break;
                }
            }
            return out;
        }
    }

    private static void setRate(MultiLayerNetwork net, Slot slot, double lr) {
        if (!Double.isNaN(lr) && !Double.valueOf(lr).equals(slot.rate)) {
            net.setLearningRate(lr); // rebuilds the updater's view array (keeping its state): fetch it afterwards
            slot.rate = lr;
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
