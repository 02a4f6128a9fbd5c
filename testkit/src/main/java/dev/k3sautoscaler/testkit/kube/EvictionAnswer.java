package dev.k3sautoscaler.testkit.kube;

/** What the policy/v1 Eviction subresource answers; {@link KubeApiDispatcher} writes each as its HTTP status. */
public enum EvictionAnswer {
    /** 201: the pod is terminating (or already was). */
    EVICTED,
    /** 429: a PodDisruptionBudget allows no disruption now; the caller retries later. */
    BLOCKED_BY_PDB,
    /** 404: no such pod. */
    NOT_FOUND,
    /** 409: the uid precondition names another incarnation of the pod (a StatefulSet pod recreated under its name). */
    UID_MISMATCH
}
