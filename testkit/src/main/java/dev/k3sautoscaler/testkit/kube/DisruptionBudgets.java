package dev.k3sautoscaler.testkit.kube;

import io.fabric8.kubernetes.api.model.IntOrString;

/**
 * The policy/v1 PodDisruptionBudget arithmetic the eviction subresource applies (the fabric8 CRUD
 * server enforces none of it): {@code disruptionsAllowed = currentHealthy - desiredHealthy}, where
 * desiredHealthy is minAvailable, or the expected pod count minus maxUnavailable. An eviction of a
 * healthy pod is refused (HTTP 429) when no disruption is allowed.
 */
public final class DisruptionBudgets {
    private DisruptionBudgets() {
    }

    /** A budget with neither bound wants none healthy, as the disruption controller computes it. */
    public static int desiredHealthy(Integer minAvailable, Integer maxUnavailable, int expectedPods) {
        if (minAvailable != null) {
            return minAvailable;
        }
        return maxUnavailable == null ? 0 : Math.max(0, expectedPods - maxUnavailable);
    }

    /**
     * @param currentHealthy the budget's pods that are running on a Ready node and not terminating
     * @param expectedPods   the controller's desired replica count
     */
    public static int disruptionsAllowed(Integer minAvailable, Integer maxUnavailable, int currentHealthy, int expectedPods) {
        return Math.max(0, currentHealthy - desiredHealthy(minAvailable, maxUnavailable, expectedPods));
    }

    /** A bound as the object states it: a count, or a percentage of the expected pods rounded up (as upstream). */
    static Integer bound(IntOrString value, int expectedPods) {
        if (value == null) {
            return null;
        }
        if (value.getStrVal() == null) {
            return value.getIntVal();
        }
        String percent = value.getStrVal();
        if (!percent.endsWith("%")) {
            throw new IllegalArgumentException("a PodDisruptionBudget bound is a count or a percentage: " + percent);
        }
        int share = Integer.parseInt(percent.substring(0, percent.length() - 1));
        return (int) Math.ceil(share * expectedPods / 100.0);
    }
}
