package dev.k3sautoscaler.core.model;

import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * A worker whose scale-down could not finish (a PodDisruptionBudget that never yielded, a pod that
 * would not leave, capacity lost meanwhile, a termination that failed): it is not chosen again until
 * {@code until}, so the next scale-down tries another node or waits instead of cordoning the same
 * one every cycle.
 */
public record BlockedNode(String instanceId, String reason, Instant until) {
    /**
     * The reason a Spot drain records its instance under: EC2 reclaims it within two minutes, so it is
     * neither a scale-down candidate nor a launch to wait for (the reconcile does not adopt it).
     */
    public static final String SPOT_INTERRUPTED = "Spot interruption: EC2 reclaims the instance";

    public boolean isActive(Instant now) {
        return until != null && now.isBefore(until);
    }

    /** The instances {@code blocked} holds as Spot-interrupted at {@code now}: EC2's to reclaim, not capacity to come. */
    public static Set<String> spotInterrupted(Collection<BlockedNode> blocked, Instant now) {
        Set<String> ids = new LinkedHashSet<>();
        blocked.stream().filter(node -> node != null && SPOT_INTERRUPTED.equals(node.reason()) && node.isActive(now))
                .forEach(node -> ids.add(node.instanceId()));
        return ids;
    }
}
