package dev.k3sautoscaler.fleet;

import java.util.List;

/**
 * @param terminated  ids this call asked EC2 to terminate (now shutting-down)
 * @param alreadyGone ids already shutting-down, terminated or unknown to EC2: done, nothing to do
 */
public record TerminateWorkersOutput(List<String> terminated, List<String> alreadyGone, String reason) {

    TerminateWorkersOutput replayed() {
        return new TerminateWorkersOutput(terminated, alreadyGone, reason + FleetIdempotency.REPLAYED);
    }
}
