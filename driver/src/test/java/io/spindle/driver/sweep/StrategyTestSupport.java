package io.spindle.driver.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.ToDoubleFunction;

/** Drives strategies in tests. */
final class StrategyTestSupport {
    private StrategyTestSupport() {
    }

    /** Asks and tells {@code n} trials (or until exhausted), returning the proposals. */
    static List<Proposal> run(SearchStrategy s, int n, ToDoubleFunction<Config> objective) {
        List<Proposal> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Optional<Proposal> p = s.ask();
            if (p.isEmpty()) {
                break;
            }
            out.add(p.get());
            s.tell(p.get().trialId(), Outcome.completed(objective.applyAsDouble(p.get().config())));
        }
        return out;
    }

    /** The snapshot after a trip through JSON text, as a resumed sweep would read it. */
    static JsonNode viaText(JsonNode snapshot) {
        try {
            return Json.MAPPER.readTree(Json.MAPPER.writeValueAsString(snapshot));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
