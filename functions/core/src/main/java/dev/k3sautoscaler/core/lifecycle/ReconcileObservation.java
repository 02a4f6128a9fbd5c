package dev.k3sautoscaler.core.lifecycle;

import dev.k3sautoscaler.core.model.PendingLaunch;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Set;

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
 * @param claimOutlived   the age past which no execution can still own a scale-down's or rebalance's drain
 *                        claim (DRAIN_TIMEOUT_SEC + LOCK_TTL_SEC + the actuation's wind-down): such a claim
 *                        is a lease lost mid-drain, and the node is given back
 * @param interrupted     instances a Spot drain handed back to EC2, which reclaims them: not capacity to come
 */
public record ReconcileObservation(List<ObservedInstance> instances, List<ObservedNode> nodes,
                                   List<PendingLaunch> pendingLaunches, Instant now, Duration joinTimeout,
                                   String clusterId, Duration claimOutlived, Set<String> interrupted) {

    public ReconcileObservation {
        instances = List.copyOf(instances);
        nodes = List.copyOf(nodes);
        pendingLaunches = pendingLaunches == null ? List.of() : List.copyOf(pendingLaunches);
        Objects.requireNonNull(now, "now");
        Objects.requireNonNull(joinTimeout, "joinTimeout");
        Objects.requireNonNull(clusterId, "clusterId");
        Objects.requireNonNull(claimOutlived, "claimOutlived");
        interrupted = interrupted == null ? Set.of() : Set.copyOf(interrupted);
    }
}
