package dev.k3sautoscaler.simulator.cluster;

import dev.k3sautoscaler.simulator.scenario.Scenario.Kind;
import java.time.Duration;
import java.util.Map;

/**
 * A pod as the Kubernetes API would serve it.
 *
 * @param uid                 the object's uid: one per incarnation of the name
 * @param nodeName            null while pending
 * @param readyAt             when the pod's containers are up (Ready condition), null while pending
 * @param unschedulableSince  when the scheduler first failed to place it (PodScheduled=False); null once bound or before the first try
 * @param deletedAt           when it was deleted or evicted (metadata.deletionTimestamp); null unless terminating
 */
public record PodState(
        String namespace,
        String name,
        Kind ownerKind,
        String ownerName,
        long cpuMillis,
        long memoryBytes,
        Map<String, String> annotations,
        String uid,
        String nodeName,
        PodPhase phase,
        Duration createdAt,
        Duration unschedulableSince,
        Duration readyAt,
        Duration deletedAt) {

    public String qualifiedName() {
        return namespace + "/" + name;
    }
}
