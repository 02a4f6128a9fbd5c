package dev.k3sautoscaler.core.scaledown;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Hand-made nodes and pods for the pure rules: a t3.small worker is 1930m CPU and 1.4 GiB allocatable. */
final class Cluster {
    static final long MIB = 1024L * 1024L;
    static final long WORKER_CPU = 1930;
    static final long WORKER_MEMORY = 1400 * MIB;
    static final Instant T0 = Instant.parse("2026-11-01T00:00:00Z");

    private Cluster() {
    }

    static NodeView worker(String name, int ageRank) {
        return new NodeView(name, "i-" + name, Map.of(NodeLabels.MANAGED, "true"), Map.of(),
                T0.plusSeconds(ageRank * 60L), true, false, false, List.of(), WORKER_CPU, WORKER_MEMORY);
    }

    static NodeView master() {
        return new NodeView("master", "i-master", Map.of(NodeLabels.ROLE_CONTROL_PLANE, "true",
                NodeLabels.ROLE_MASTER, "true"), Map.of(), T0, true, false, false, List.of(), WORKER_CPU, WORKER_MEMORY);
    }

    static NodeView withLabels(NodeView node, Map<String, String> labels) {
        return new NodeView(node.name(), node.instanceId(), labels, node.annotations(), node.created(), node.ready(),
                node.deleting(), node.unschedulable(), node.taints(), node.allocatableCpuMillis(),
                node.allocatableMemoryBytes());
    }

    static NodeView withAnnotation(NodeView node, String key, String value) {
        return new NodeView(node.name(), node.instanceId(), node.labels(), Map.of(key, value), node.created(),
                node.ready(), node.deleting(), node.unschedulable(), node.taints(),
                node.allocatableCpuMillis(), node.allocatableMemoryBytes());
    }

    static NodeView deleting(NodeView node) {
        return new NodeView(node.name(), node.instanceId(), node.labels(), node.annotations(), node.created(),
                node.ready(), true, node.unschedulable(), node.taints(), node.allocatableCpuMillis(),
                node.allocatableMemoryBytes());
    }

    static NodeView cordoned(NodeView node, List<String> taintKeys) {
        return new NodeView(node.name(), node.instanceId(), node.labels(), node.annotations(), node.created(),
                node.ready(), node.deleting(), true, taintKeys.stream().map(NodeTaint::noSchedule).toList(),
                node.allocatableCpuMillis(), node.allocatableMemoryBytes());
    }

    static NodeView withoutProviderId(NodeView node) {
        return new NodeView(node.name(), null, node.labels(), node.annotations(), node.created(), node.ready(),
                node.deleting(), node.unschedulable(), node.taints(), node.allocatableCpuMillis(),
                node.allocatableMemoryBytes());
    }

    static PodView pod(String name, String node) {
        return pod("default", name, "ReplicaSet", Map.of(), node, 100, 64 * MIB);
    }

    static PodView pod(String namespace, String name, String ownerKind, Map<String, String> annotations, String node,
                       long cpuMillis, long memoryBytes) {
        return new PodView(namespace, name, ownerKind, annotations, Map.of(), "Running", false, cpuMillis, memoryBytes,
                node);
    }

    static PodView sized(String name, String node, long cpuMillis, long memoryMib) {
        return pod("default", name, "ReplicaSet", Map.of(), node, cpuMillis, memoryMib * MIB);
    }

    static PodView phase(PodView pod, String phase) {
        return new PodView(pod.namespace(), pod.name(), pod.ownerKind(), pod.annotations(), pod.labels(), phase,
                pod.terminating(), pod.cpuMillis(), pod.memoryBytes(), pod.nodeName());
    }

    static Map<String, String> map(String... keyValues) {
        Map<String, String> map = new HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            map.put(keyValues[i], keyValues[i + 1]);
        }
        return map;
    }
}
