package dev.k3sautoscaler.simulator.cluster;

/** What the eviction subresource answers; the fake API later maps these to HTTP statuses. */
public enum EvictionResult {
    /** 201: the pod is terminating (or already was). */
    EVICTED,
    /** 429: a PodDisruptionBudget allows no disruption now; retry later. */
    BLOCKED_BY_PDB,
    /** 404: no such pod. */
    NOT_FOUND
}
