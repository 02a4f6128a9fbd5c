package dev.k3sautoscaler.core.model;

import java.time.Instant;

/**
 * A worker seen unneeded (its pods' requests below CPU_DOWN / MEM_DOWN of its allocatable, Ready,
 * schedulable) at every tick since {@code since}; it may be removed once that is IDLE_DOWN_SEC ago.
 * Kept in the state item so the Lambdas stay stateless.
 */
public record UnneededNode(String node, String instanceId, Instant since) {
    public UnneededNode {
        if (node == null || node.isBlank() || since == null) {
            throw new IllegalArgumentException("an unneeded node needs its name and since when");
        }
    }
}
