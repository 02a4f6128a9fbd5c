package dev.k3sautoscaler.core.report;

import java.util.List;

/**
 * What one tick tells the cluster: the status ConfigMap's content, an event per unschedulable pod
 * (at most {@link ClusterReporting#MAX_POD_NOTICES}), each worker's scale-down status. {@code due}
 * says whether to write it at all: only when the digest of its facts changed, or pods still wait and
 * the last write is {@link ClusterReporting#REFRESH} old, so a quiet tick invokes nothing.
 */
public record ClusterReport(ClusterStatus status, List<PodNotice> pods, String digest, boolean due) {
    public ClusterReport {
        pods = List.copyOf(pods);
    }

    /** Each worker's scale-down status (the status holds them once). */
    public List<NodeNotice> nodes() {
        return status.nodes();
    }

    /** The same report with these workers' statuses (an empty list: carried without them). */
    public ClusterReport withNodes(List<NodeNotice> nodes) {
        return new ClusterReport(status.withNodes(nodes), pods, digest, due);
    }
}
