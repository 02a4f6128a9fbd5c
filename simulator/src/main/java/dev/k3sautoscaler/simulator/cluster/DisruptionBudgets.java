package dev.k3sautoscaler.simulator.cluster;

import dev.k3sautoscaler.simulator.scenario.Scenario.Pdb;

/**
 * The policy/v1 PodDisruptionBudget arithmetic the eviction subresource applies (the fabric8 CRUD
 * mock enforces none of it). {@code disruptionsAllowed = currentHealthy - desiredHealthy}, where
 * desiredHealthy is minAvailable, or the controller's expected pod count minus maxUnavailable;
 * an eviction of a healthy pod is refused (HTTP 429) when no disruption is allowed.
 */
final class DisruptionBudgets {
    private DisruptionBudgets() {
    }

    /**
     * @param currentHealthy  the budget's pods that are running on a Ready node and not terminating
     * @param expectedPods    the controller's desired replica count
     */
    static int disruptionsAllowed(Pdb pdb, int currentHealthy, int expectedPods) {
        int desiredHealthy = pdb.minAvailable() != null
                ? pdb.minAvailable()
                : Math.max(0, expectedPods - pdb.maxUnavailable());
        return Math.max(0, currentHealthy - desiredHealthy);
    }
}
