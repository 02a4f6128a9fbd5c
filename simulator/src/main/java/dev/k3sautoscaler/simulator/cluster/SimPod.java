package dev.k3sautoscaler.simulator.cluster;

import dev.k3sautoscaler.simulator.scenario.Scenario.Workload;
import java.time.Duration;

/** One pod of a workload (mutable; the cluster hands out {@link PodState} snapshots). */
final class SimPod {
    final Workload owner;
    final String name;
    final long sequence;
    final Duration createdAt;
    final int ordinal;
    String nodeName;
    PodPhase phase = PodPhase.PENDING;
    Duration unschedulableSince;
    /** When the scheduler first failed to place it; kept after binding, for the run's wait records. */
    Duration waitingSince;
    /** Bound and past the pod start-up time: counts as healthy for a PodDisruptionBudget. */
    Duration readyAt;
    Duration goneAt;

    SimPod(Workload owner, String name, int ordinal, long sequence, Duration createdAt) {
        this.owner = owner;
        this.name = name;
        this.ordinal = ordinal;
        this.sequence = sequence;
        this.createdAt = createdAt;
    }

    String key() {
        return owner.namespace() + "/" + name;
    }

    void bind(String node, Duration now, Duration startup) {
        nodeName = node;
        readyAt = now.plus(startup);
        phase = PodPhase.RUNNING;
        unschedulableSince = null;
    }

    /** Holds resources on a node: running, or terminating there. */
    boolean occupies(String node) {
        return node.equals(nodeName) && phase != PodPhase.PENDING;
    }

    PodState snapshot() {
        return new PodState(owner.namespace(), name, owner.kind(), owner.name(), owner.cpuMillis(), owner.memoryBytes(),
                owner.annotations(), nodeName, phase, createdAt, unschedulableSince, readyAt);
    }
}
