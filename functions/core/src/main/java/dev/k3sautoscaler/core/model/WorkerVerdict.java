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

    public String code() {
        return removed() ? "REMOVED" : unremovable.code().name();
    }
}
