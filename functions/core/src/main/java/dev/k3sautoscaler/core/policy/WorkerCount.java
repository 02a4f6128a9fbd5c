package dev.k3sautoscaler.core.policy;

import dev.k3sautoscaler.core.model.ClusterMetrics;
import dev.k3sautoscaler.core.model.FleetView;
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
 * {@code total} guards MAX_WORKERS and is never an undercount of what is billed; {@code capacity}
 * (Ready and not cordoned) guards MIN_WORKERS on the way down and is never an overcount; {@code live}
 * (Ready workers, cordoned or not, plus launches in flight) restores MIN_WORKERS on the way up: a
 * NotReady Node that no launch explains — a worker whose kubelet died, or the Node of a terminated
 * instance whose deletion failed — is not a worker to count on. Launches past the join timeout are
 * not in flight any more: the reconcile terminates them. A worker the K3s API saw turn Ready moments
 * ago ({@link FleetView#justReadyInstanceIds()}) that the scraped metrics do not show Ready yet is
 * still in flight: its launch record is cleared, but the pods it is taking still read as unschedulable.
 *
 * <p>With an EC2 view ({@link FleetView#observed()}), {@code total} is every machine that costs
 * money: this cluster's managed instances that are pending or running (a launch that crashed before
 * it was recorded, one that never registered) plus launches not yet visible in EC2 plus Nodes of
 * machines it does not manage; the Node of an instance EC2 reports gone (a ghost) counts for nothing.
 * Without one (EC2 could not be read) it falls back to the Nodes plus the recorded launches.
 *
 * @param inFlight launches whose node is not Ready yet, as the metrics see it: capacity that is coming (empty bins)
 */
public record WorkerCount(int total, int capacity, int inFlight, int live) {

    /** Without an EC2 view: the Nodes and the recorded launches. */
    public static WorkerCount of(ClusterMetrics metrics, ScalingState state, Instant now, Duration joinTimeout) {
        return of(metrics, FleetView.unobserved("no EC2 view"), state, now, joinTimeout);
    }

    public static WorkerCount of(ClusterMetrics metrics, FleetView fleet, ScalingState state, Instant now,
                                 Duration joinTimeout) {
        Set<String> gone = gone(fleet);
        List<WorkerNode> workers = present(metrics, fleet);
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
        Set<String> billed = new HashSet<>(fleet.billedInstanceIds());
        int unregistered = 0;
        int inFlight = 0;
        Set<String> counted = new HashSet<>();
        for (PendingLaunch launch : state.pendingLaunches()) {
            boolean expired = !now.isBefore(launch.launchedAt().plus(joinTimeout));
            if (expired || readyInstances.contains(launch.instanceId()) || gone.contains(launch.instanceId())) {
                continue;
            }
            inFlight++;
            counted.add(launch.instanceId());
            billed.add(launch.instanceId());
            if (!registeredInstances.contains(launch.instanceId())) {
                unregistered++;
            }
        }
        // A worker the API saw turn Ready after the metrics were scraped: the join cleared its launch, but
        // the scrape still shows it NotReady and the pods it is taking unschedulable. An empty worker on its way.
        for (String arrived : fleet.justReadyInstanceIds()) {
            if (!readyInstances.contains(arrived) && !counted.contains(arrived) && !gone.contains(arrived)) {
                inFlight++;
            }
        }
        int capacity = (int) workers.stream().filter(WorkerNode::isCapacity).count();
        int ready = (int) workers.stream().filter(WorkerNode::ready).count();
        int total = fleet.observed() ? billedOrRegistered(billed, workers) : workers.size() + unregistered;
        return new WorkerCount(total, capacity, inFlight, ready + inFlight);
    }

    /** The registered workers, less the Nodes of instances EC2 reports gone (ghosts count for nothing). */
    static List<WorkerNode> present(ClusterMetrics metrics, FleetView fleet) {
        Set<String> gone = gone(fleet);
        return metrics.workers().stream()
                .filter(worker -> worker.instanceId() == null || !gone.contains(worker.instanceId()))
                .toList();
    }

    private static Set<String> gone(FleetView fleet) {
        return fleet.observed() ? Set.copyOf(fleet.goneInstanceIds()) : Set.of();
    }

    /** Every billed instance once, plus the Nodes whose machine is not one of ours (hand-joined, other tags). */
    private static int billedOrRegistered(Set<String> billed, List<WorkerNode> workers) {
        Set<String> machines = new HashSet<>(billed);
        for (WorkerNode worker : workers) {
            machines.add(worker.instanceId() != null ? worker.instanceId() : "node/" + worker.name());
        }
        return machines.size();
    }
}
