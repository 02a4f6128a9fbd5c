package dev.k3sautoscaler.core.lifecycle;

import dev.k3sautoscaler.core.model.PendingLaunch;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The three views the reconcile compares, taken within one step.
 *
 * @param instances       this cluster's managed instances (pending … shutting-down), plus every id a Node or a
 *                        pending launch names that was looked up by id ({@link InstanceState#NOT_FOUND} when EC2
 *                        does not know it). An id in none of these was not looked up: nothing is concluded about it.
 * @param nodes           every Node of the cluster
 * @param pendingLaunches the state's launches in flight
 * @param joinTimeout     JOIN_TIMEOUT_SEC: younger instances are only ever adopted, never terminated
 * @param clusterId       the value the cluster tag must carry
 */
public record ReconcileObservation(List<ObservedInstance> instances, List<ObservedNode> nodes,
                                   List<PendingLaunch> pendingLaunches, Instant now, Duration joinTimeout,
                                   String clusterId) {

    public ReconcileObservation {
        instances = List.copyOf(instances);
        nodes = List.copyOf(nodes);
        pendingLaunches = pendingLaunches == null ? List.of() : List.copyOf(pendingLaunches);
        Objects.requireNonNull(now, "now");
        Objects.requireNonNull(joinTimeout, "joinTimeout");
        Objects.requireNonNull(clusterId, "clusterId");
    }
}
