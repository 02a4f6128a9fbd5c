package dev.k3sautoscaler.core.policy;

import dev.k3sautoscaler.core.model.ClusterMetrics;
import dev.k3sautoscaler.core.model.PendingLaunch;
import dev.k3sautoscaler.core.model.ScalingState;
import dev.k3sautoscaler.core.model.WorkerNode;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * How many workers there are, seen three ways so each bound errs on the safe side:
 * {@code total} (every registered worker plus launches not yet registered) guards MAX_WORKERS and
 * is never an undercount; {@code capacity} (Ready and not cordoned) guards MIN_WORKERS on the way
 * down and is never an overcount; {@code live} (Ready workers, cordoned or not, plus launches in
 * flight) restores MIN_WORKERS on the way up: a NotReady Node that no launch explains — a worker
 * whose kubelet died, or the Node of a terminated instance whose deletion failed — is not a worker
 * to count on. Launches past the join timeout are not in flight any more: the actuation that
 * launched them terminates them.
 *
 * @param inFlight launches whose node is not Ready yet: capacity that is coming (empty bins)
 */
public record WorkerCount(int total, int capacity, int inFlight, int live) {

    public static WorkerCount of(ClusterMetrics metrics, ScalingState state, Instant now, Duration joinTimeout) {
        List<WorkerNode> workers = metrics.workers();
        Set<String> readyInstances = new HashSet<>();
        Set<String> registeredInstances = new HashSet<>();
        for (WorkerNode worker : workers) {
            if (worker.instanceId() != null) {
                registeredInstances.add(worker.instanceId());
                if (worker.ready()) {
                    readyInstances.add(worker.instanceId());
                }
            }
        }
        int unregistered = 0;
        int inFlight = 0;
        for (PendingLaunch launch : state.pendingLaunches()) {
            boolean expired = !now.isBefore(launch.launchedAt().plus(joinTimeout));
            if (expired || readyInstances.contains(launch.instanceId())) {
                continue;
            }
            inFlight++;
            if (!registeredInstances.contains(launch.instanceId())) {
                unregistered++;
            }
        }
        int capacity = (int) workers.stream().filter(WorkerNode::isCapacity).count();
        int ready = (int) workers.stream().filter(WorkerNode::ready).count();
        return new WorkerCount(workers.size() + unregistered, capacity, inFlight, ready + inFlight);
    }
}
