package dev.k3sautoscaler.core.model;

/** Why a decision was made; also the reason dimension of the scale-event metrics. */
public enum ScaleTrigger {
    /** Pods the scheduler cannot place; the fast path, no cooldown. */
    UNSCHEDULABLE_PODS,
    /** CPU above CPU_UP for the whole sustain window. */
    HIGH_CPU,
    /** Memory above MEM_UP. */
    HIGH_MEMORY,
    /** Less room free than HEADROOM_CPU_MILLIS / HEADROOM_MEMORY_MIB keep for pods to come. */
    HEADROOM,
    /** Fewer workers than MIN_WORKERS. */
    BELOW_MIN,
    /** Workers unneeded (requests under CPU_DOWN / MEM_DOWN) for IDLE_DOWN_SEC. */
    IDLE,
    /** An EC2 rebalance recommendation: a replacement launched first, or the node drained (REBALANCE_ACTION). */
    REBALANCE,
    /** An operator's force-scale-up or force-scale-down (docs/operations-manual-controls.md). */
    MANUAL,
    /** Nothing to do, or something blocked every action (see the decision's reason and blocked list). */
    NONE
}
