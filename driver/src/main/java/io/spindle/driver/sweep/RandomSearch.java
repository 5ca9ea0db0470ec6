package io.spindle.driver.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * Random search: every proposal is drawn independently from the space's priors (Bergstra and
 * Bengio, "Random Search for Hyper-Parameter Optimization", JMLR 13, 2012). Trial {@code k} draws
 * from the {@code k}-th {@link SplittableRandom#split()} of {@code new SplittableRandom(seed)},
 * so the same seed gives the same proposals whatever the outcomes.
 */
public final class RandomSearch implements SearchStrategy {
    private final Space space;
    private final long seed;
    private final int maxTrials;
    private final SplittableRandom root;
    private final Trials trials;

    /**
     * @param space the space to search
     * @param seed the root seed
     * @param maxTrials proposals before exhaustion, {@code >= 1}
     */
    public RandomSearch(Space space, long seed, int maxTrials) {
        this(space, seed, maxTrials, new Trials());
    }

    private RandomSearch(Space space, long seed, int maxTrials, Trials trials) {
        if (maxTrials < 1) {
            throw new IllegalArgumentException("random search maxTrials must be >= 1, got " + maxTrials);
        }
        this.space = java.util.Objects.requireNonNull(space, "space");
        this.seed = seed;
        this.maxTrials = maxTrials;
        this.root = trials.randomAfterTrials(seed);
        this.trials = trials;
    }

    @Override
    public Optional<Proposal> ask() {
        if (trials.size() >= maxTrials) {
            return Optional.empty();
        }
        return Optional.of(trials.propose(space.sample(root.split())));
    }

    @Override
    public void tell(String trialId, Outcome outcome) {
        trials.tell(trialId, outcome);
    }

    @Override
    public JsonNode snapshot() {
        ObjectNode o = Json.F.objectNode();
        o.put("type", "random");
        o.set("space", space.toJson());
        o.put("seed", seed);
        o.put("maxTrials", maxTrials);
        o.set("trials", trials.toJson());
        return o;
    }

    /**
     * @param space the sweep's space, which must equal the snapshot's
     * @param snapshot from {@link #snapshot()}
     * @return a strategy that continues where the snapshot was taken
     * @throws IllegalArgumentException when the snapshot is of another type or another space
     */
    public static RandomSearch restore(Space space, JsonNode snapshot) {
        Json.expectType(snapshot, "random");
        checkSpace(space, snapshot);
        return new RandomSearch(space, Json.require(snapshot, "seed").longValue(),
                Json.require(snapshot, "maxTrials").intValue(), Trials.fromJson(Json.require(snapshot, "trials")));
    }

    static void checkSpace(Space space, JsonNode snapshot) {
        Space saved = Space.fromJson(Json.require(snapshot, "space"));
        if (!saved.equals(space)) {
            throw new IllegalArgumentException("snapshot was taken over another search space: " + saved
                    + "; the sweep now defines " + space + ". Restore with the original space or start a new sweep");
        }
    }
}
