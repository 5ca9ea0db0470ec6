package io.spindle.driver.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Caps how many proposals of a wrapped strategy may run at once (as Ray Tune's
 * {@code ConcurrencyLimiter}). {@link #ask()} keeps its meaning (empty = exhausted), so the
 * driver checks {@link #hasCapacity()} before asking; asking at capacity is a call-order error.
 */
public final class Limited implements SearchStrategy {
    private final SearchStrategy inner;
    private final int maxPending;
    private final Set<String> pending;

    /**
     * @param inner the strategy to limit
     * @param maxPending the most trials asked and not yet told, {@code >= 1}
     */
    public Limited(SearchStrategy inner, int maxPending) {
        this(inner, maxPending, new LinkedHashSet<>());
    }

    private Limited(SearchStrategy inner, int maxPending, Set<String> pending) {
        if (maxPending < 1) {
            throw new IllegalArgumentException("maxPending must be >= 1, got " + maxPending);
        }
        this.inner = java.util.Objects.requireNonNull(inner, "inner");
        this.maxPending = maxPending;
        this.pending = pending;
    }

    /** @return whether another trial may be asked for now */
    public boolean hasCapacity() {
        return pending.size() < maxPending;
    }

    /** @return how many asked trials have not been told yet */
    public int pending() {
        return pending.size();
    }

    /**
     * @param trialId a trial this strategy proposed
     * @return whether it was asked for and has not been told yet
     */
    public boolean pending(String trialId) {
        return pending.contains(trialId);
    }

    /**
     * @throws IllegalStateException when {@link #hasCapacity()} is false
     */
    @Override
    public Optional<Proposal> ask() {
        if (!hasCapacity()) {
            throw new IllegalStateException(pending.size() + " trials are pending (limit " + maxPending
                    + "); tell an outcome first, or check hasCapacity() before ask()");
        }
        Optional<Proposal> p = inner.ask();
        p.ifPresent(x -> pending.add(x.trialId()));
        return p;
    }

    @Override
    public void tell(String trialId, Outcome outcome) {
        inner.tell(trialId, outcome);
        pending.remove(trialId);
    }

    @Override
    public JsonNode snapshot() {
        ObjectNode o = Json.F.objectNode();
        o.put("type", "limited");
        o.put("maxPending", maxPending);
        pending.forEach(o.putArray("pending")::add);
        o.set("inner", inner.snapshot());
        return o;
    }

    /**
     * @param snapshot from {@link #snapshot()}
     * @param restoreInner rebuilds the wrapped strategy from its own snapshot
     * @return a limiter that continues where the snapshot was taken
     */
    public static Limited restore(JsonNode snapshot, Function<JsonNode, SearchStrategy> restoreInner) {
        Json.expectType(snapshot, "limited");
        Set<String> pending = new LinkedHashSet<>();
        Json.require(snapshot, "pending").forEach(n -> pending.add(n.textValue()));
        return new Limited(restoreInner.apply(Json.require(snapshot, "inner")),
                Json.require(snapshot, "maxPending").intValue(), pending);
    }
}
