package dev.k3sautoscaler.core.model;

/**
 * A registered worker Node as the metrics see it (the master is never in this list).
 *
 * @param instanceId           EC2 instance id from {@code spec.providerID} ({@code aws:///<az>/<id>}), null if the node has none
 * @param ready                the Ready condition is True
 * @param schedulable          not cordoned; a cordoned node is on its way out and does not count as capacity
 * @param requestedCpuMillis   summed CPU requests of the pods scheduled on it, DaemonSet pods and finished pods
 *                             excluded; null when unknown (then the worker is never judged underutilized)
 * @param requestedMemoryBytes the same for memory
 */
public record WorkerNode(String name, String instanceId, boolean ready, boolean schedulable,
                         Long requestedCpuMillis, Long requestedMemoryBytes) {

    public WorkerNode {
        if ((requestedCpuMillis != null && requestedCpuMillis < 0)
                || (requestedMemoryBytes != null && requestedMemoryBytes < 0)) {
            throw new IllegalArgumentException("requests cannot be negative on " + name);
        }
    }

    /** A worker whose requests are not known (or not of interest). */
    public WorkerNode(String name, String instanceId, boolean ready, boolean schedulable) {
        this(name, instanceId, ready, schedulable, null, null);
    }

    public boolean requestsKnown() {
        return requestedCpuMillis != null && requestedMemoryBytes != null;
    }

    public boolean isCapacity() {
        return ready && schedulable;
    }

    /** Nothing but DaemonSet and mirror pods: removing it moves no workload. */
    public boolean empty() {
        return requestsKnown() && requestedCpuMillis == 0 && requestedMemoryBytes == 0;
    }
}
