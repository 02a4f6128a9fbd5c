package dev.k3sautoscaler.core.model;

/**
 * A registered worker Node as the metrics see it (the master is never in this list).
 *
 * @param instanceId           EC2 instance id from {@code spec.providerID} ({@code aws:///<az>/<id>}), null if the node has none
 * @param ready                the Ready condition is True
 * @param schedulable          not cordoned; a cordoned node is on its way out and does not count as capacity
 * @param requestedCpuMillis   summed CPU requests of the pods scheduled on it, DaemonSet pods and finished pods excluded
 * @param requestedMemoryBytes the same for memory
 */
public record WorkerNode(String name, String instanceId, boolean ready, boolean schedulable,
                         long requestedCpuMillis, long requestedMemoryBytes) {

    public WorkerNode {
        if (requestedCpuMillis < 0 || requestedMemoryBytes < 0) {
            throw new IllegalArgumentException("requests cannot be negative on " + name);
        }
    }

    /** A worker with nothing but DaemonSet pods on it (or whose requests are not of interest). */
    public WorkerNode(String name, String instanceId, boolean ready, boolean schedulable) {
        this(name, instanceId, ready, schedulable, 0, 0);
    }

    public boolean isCapacity() {
        return ready && schedulable;
    }

    /** Nothing but DaemonSet and mirror pods: removing it moves no workload. */
    public boolean empty() {
        return requestedCpuMillis == 0 && requestedMemoryBytes == 0;
    }
}
