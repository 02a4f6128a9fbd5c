package dev.k3sautoscaler.simulator.cluster;

import dev.k3sautoscaler.core.scaledown.NodeLabels;
import dev.k3sautoscaler.core.scaledown.ProviderId;
import dev.k3sautoscaler.simulator.scenario.Scenario.CapacityType;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** One EC2 instance and the Node it registers as (mutable; the cluster hands out {@link NodeState} snapshots). */
final class SimNode {
    /** The label the worker bootstrap sets from the instance's placement (well-known Kubernetes label). */
    static final String ZONE_LABEL = "topology.kubernetes.io/zone";
    static final String CAPACITY_TYPE_LABEL = "k3s-autoscaler/capacity-type";
    static final String INSTANCE_TYPE_LABEL = "node.kubernetes.io/instance-type";

    final String instanceId;
    final String zone;
    final boolean master;
    final CapacityType capacityType;
    final long cpuMillis;
    final long memoryBytes;
    final long sequence;
    final Duration launchedAt;
    final Duration registersAt;
    final Duration readyAt;
    final Map<String, String> labels = new LinkedHashMap<>();
    boolean cordoned;
    boolean nodeDeleted;
    /** When the instance stops existing (terminated by a call, or the end of a Spot warning); null while it runs. */
    Duration instanceGoneAt;

    SimNode(String instanceId, String zone, boolean master, CapacityType capacityType, String instanceType,
            long cpuMillis, long memoryBytes, long sequence, Duration launchedAt, Duration registersAt, Duration readyAt) {
        this.instanceId = instanceId;
        this.zone = zone;
        this.master = master;
        this.capacityType = capacityType;
        this.cpuMillis = cpuMillis;
        this.memoryBytes = memoryBytes;
        this.sequence = sequence;
        this.launchedAt = launchedAt;
        this.registersAt = registersAt;
        this.readyAt = readyAt;
        labels.put(ZONE_LABEL, zone);
        labels.put(INSTANCE_TYPE_LABEL, instanceType);
        labels.put(CAPACITY_TYPE_LABEL, capacityType.label());
        if (master) {
            labels.put(NodeLabels.ROLE_CONTROL_PLANE, "true");
            labels.put(NodeLabels.ROLE_MASTER, "true");
        } else {
            labels.put(NodeLabels.MANAGED, "true");
        }
    }

    /** The bootstrap names the node after its instance id. */
    String name() {
        return instanceId;
    }

    boolean instanceRunning(Duration now) {
        return instanceGoneAt == null || now.compareTo(instanceGoneAt) < 0;
    }

    /** The Node object exists: the agent registered and nobody deleted it (K3s has no cloud controller to remove it). */
    boolean registered(Duration now) {
        return !nodeDeleted && now.compareTo(registersAt) >= 0
                && (instanceGoneAt == null || registersAt.compareTo(instanceGoneAt) <= 0);
    }

    boolean ready(Duration now) {
        return registered(now) && instanceRunning(now) && now.compareTo(readyAt) >= 0;
    }

    /** Takes new workload pods: the master keeps its control-plane NoSchedule taint, cordoned nodes take none. */
    boolean acceptsWorkloads(Duration now) {
        return !master && !cordoned && ready(now);
    }

    NodeState snapshot(Duration now) {
        return new NodeState(name(), instanceId, ProviderId.of(zone, instanceId), zone, master, capacityType,
                cpuMillis, memoryBytes, Map.copyOf(labels), ready(now), cordoned);
    }
}
