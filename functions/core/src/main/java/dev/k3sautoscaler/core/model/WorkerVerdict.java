package dev.k3sautoscaler.core.model;

import java.time.Instant;

/**
 * One worker as scale-down judged it this tick.
 *
 * @param cpuRequestsPercent    its pods' CPU requests in % of a worker's allocatable
 * @param memoryRequestsPercent the same for memory
 * @param empty                 no requests but DaemonSets' (the kube step confirms before removing it in bulk)
 * @param unneededSince         since when it has been unneeded at every tick, or null
 * @param unremovable           why it is not removed now; null when this decision removes it
 */
public record WorkerVerdict(String node, String instanceId, double cpuRequestsPercent, double memoryRequestsPercent,
                            boolean empty, Instant unneededSince, Unremovable unremovable) {

    public boolean removed() {
        return unremovable == null;
    }

    /** The worker and its verdict in one line, for the console. */
    public String line() {
        return node + ": " + (removed() ? "removed (" + (empty ? "empty" : DecisionWording.requestsShare(this)) + ")"
                : DecisionWording.unremovable(unremovable));
    }

    /**
     * The machine name of the verdict: {@code REMOVED}, the unremovable reason's code, or — when
     * something holds back every scale-down — that hold-back's own code ({@code OUTSIDE_DISRUPTION_WINDOW}).
     */
    public String code() {
        if (removed()) {
            return "REMOVED";
        }
        return unremovable instanceof Unremovable.HeldBack held ? held.holdBack().code().name()
                : unremovable.code().name();
    }

    /** Unneeded, but kept: the workers whose reasons say what stands between the cluster and its floor. */
    public boolean keptWhileUnneeded() {
        return !removed() && unneededSince != null;
    }
}
