package dev.k3sautoscaler.simulator.cluster;

/** The pod lifecycle the simulation models: no image pulls, no crash loops. */
public enum PodPhase {
    /** Not bound to a node yet (PodScheduled=False once the scheduler has tried). */
    PENDING,
    /** Bound and running (the simulation has no container start time). */
    RUNNING,
    /** Deleted or evicted, still holding its node's resources for the termination grace period. */
    TERMINATING
}
