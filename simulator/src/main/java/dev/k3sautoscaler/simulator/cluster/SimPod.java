package dev.k3sautoscaler.simulator.cluster;

import dev.k3sautoscaler.simulator.scenario.Scenario.Workload;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;

/** One pod of a workload (mutable; the cluster hands out {@link PodState} snapshots). */
final class SimPod {
    final Workload owner;
    final String name;
    final long sequence;
    final Duration createdAt;
    final int ordinal;
    /** Stable per incarnation: a StatefulSet pod recreated under the same name gets a new uid. */
    final String uid;
    String nodeName;
    PodPhase phase = PodPhase.PENDING;
    Duration unschedulableSince;
    /** When the scheduler first failed to place it; kept after binding, for the run's wait records. */
    Duration waitingSince;
    /** Bound and past the pod start-up time: counts as healthy for a PodDisruptionBudget. */
    Duration readyAt;
    /** When it was deleted or evicted (its deletionTimestamp); null until then. */
    Duration deletedAt;
    Duration goneAt;

    SimPod(Workload owner, String name, int ordinal, long sequence, Duration createdAt) {
        this.owner = owner;
        this.name = name;
        this.ordinal = ordinal;
        this.sequence = sequence;
        this.createdAt = createdAt;
        this.uid = UUID.nameUUIDFromBytes((key() + "@" + createdAt.toMillis()).getBytes(StandardCharsets.UTF_8)).toString();
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

    /** Holds resources on its node: running, or terminating there. */
    boolean holdsResources() {
        return nodeName != null && phase != PodPhase.PENDING;
    }

    PodState snapshot() {
        return new PodState(owner.namespace(), name, owner.kind(), owner.name(), owner.cpuMillis(), owner.memoryBytes(),
                owner.annotations(), uid, nodeName, phase, createdAt, unschedulableSince, readyAt, deletedAt);
    }
}
