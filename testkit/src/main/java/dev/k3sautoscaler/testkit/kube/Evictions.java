package dev.k3sautoscaler.testkit.kube;

/**
 * Who decides an eviction once the API server has found the pod and checked the uid precondition:
 * the PodDisruptionBudgets among the objects it serves ({@link ServerEvictions}, the default), or a
 * world model that owns the pods (the simulator's cluster).
 */
@FunctionalInterface
public interface Evictions {
    EvictionAnswer evict(String namespace, String name);
}
