package dev.k3sautoscaler.core.model;

/**
 * A registered worker Node as the metrics see it (the master is never in this list).
 *
 * @param instanceId  EC2 instance id from {@code spec.providerID} ({@code aws:///<az>/<id>}), null if the node has none
 * @param ready       the Ready condition is True
 * @param schedulable not cordoned; a cordoned node is on its way out and does not count as capacity
 */
public record WorkerNode(String name, String instanceId, boolean ready, boolean schedulable) {
    public boolean isCapacity() {
        return ready && schedulable;
    }
}
