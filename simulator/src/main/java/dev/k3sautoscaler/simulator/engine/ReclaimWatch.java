package dev.k3sautoscaler.simulator.engine;

import com.fasterxml.jackson.databind.JsonNode;
import dev.k3sautoscaler.contract.Step;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Watches the invocations for a decision that waits on capacity EC2 is taking back: once a Spot
 * drain's record names an instance, no later Decide may find it among the launches in flight
 * ({@link Invariants.Name#NO_RECLAIMED_INSTANCE_IN_FLIGHT}).
 */
final class ReclaimWatch {
    private final Set<String> reclaimed = new HashSet<>();
    private final List<Invariants.Violation> violations = new ArrayList<>();

    /** Before a function runs: a Decide's state against the drains recorded so far. */
    void invoking(String function, JsonNode input, String execution) {
        if (Step.DECIDE.functionName().equals(function) && violations.size() < WorldWatch.KEPT_PER_INVARIANT) {
            Invariants.reclaimedInFlight(input, reclaimed, execution + "'s Decide").ifPresent(violations::add);
        }
    }

    /** After it ran: a Spot drain's record names the instances EC2 takes back. */
    void completed(String function, JsonNode input) {
        JsonNode outcome = input.path("outcome");
        if (Step.RECORD_OUTCOME.functionName().equals(function) && "SPOT_DRAIN".equals(outcome.path("action").asText())) {
            outcome.path("instanceIds").forEach(id -> reclaimed.add(id.asText()));
        }
    }

    List<Invariants.Violation> violations() {
        return List.copyOf(violations);
    }
}
