package dev.k3sautoscaler.core.model;

import java.util.List;

/**
 * Scale-down's view of every worker this tick: who is removed, why each other one is not, and the
 * per-node timers to keep.
 *
 * @param workers         every worker with its verdict, by name
 * @param unneeded        the timers after this tick (what the state item should hold)
 * @param unneededChanged the timers differ from the state's: the tick records them
 */
public record ScaleDownPlan(List<WorkerVerdict> workers, List<UnneededNode> unneeded, boolean unneededChanged) {
    public static final ScaleDownPlan NONE = new ScaleDownPlan(List.of(), List.of(), false);

    public ScaleDownPlan {
        workers = workers == null ? List.of() : List.copyOf(workers);
        unneeded = unneeded == null ? List.of() : List.copyOf(unneeded);
    }

    public List<WorkerVerdict> removed() {
        return workers.stream().filter(WorkerVerdict::removed).toList();
    }
}
