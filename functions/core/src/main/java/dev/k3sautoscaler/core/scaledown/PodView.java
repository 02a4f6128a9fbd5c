package dev.k3sautoscaler.core.scaledown;

import java.util.Map;

/**
 * What the scale-down rules need to know about one pod.
 *
 * @param ownerKind   kind of the controller owner reference ({@code ReplicaSet}, {@code DaemonSet},
 *                    {@code StatefulSet}, {@code Job}, ...), null when the pod has no controller
 * @param phase       {@code status.phase}: Pending, Running, Succeeded, Failed, Unknown
 * @param terminating {@code metadata.deletionTimestamp} is set: it is already leaving
 * @param cpuMillis   effective CPU request (sum of containers, or the largest init container if higher)
 * @param nodeName    {@code spec.nodeName}; null when not scheduled
 * @param placement   where the scheduler may put it (selectors, affinity, tolerations)
 */
public record PodView(
        String namespace,
        String name,
        String ownerKind,
        Map<String, String> annotations,
        Map<String, String> labels,
        String phase,
        boolean terminating,
        long cpuMillis,
        long memoryBytes,
        String nodeName,
        Placement placement) {

    public PodView {
        annotations = Map.copyOf(annotations);
        labels = Map.copyOf(labels);
        placement = placement == null ? Placement.ANYWHERE : placement;
    }

    /** A pod with no scheduling constraint beyond its requests. */
    public PodView(String namespace, String name, String ownerKind, Map<String, String> annotations,
            Map<String, String> labels, String phase, boolean terminating, long cpuMillis, long memoryBytes, String nodeName) {
        this(namespace, name, ownerKind, annotations, labels, phase, terminating, cpuMillis, memoryBytes, nodeName,
                Placement.ANYWHERE);
    }

    public String qualifiedName() {
        return namespace + "/" + name;
    }

    public boolean isDaemonSet() {
        return "DaemonSet".equals(ownerKind);
    }

    public boolean isMirror() {
        return annotations.containsKey(NodeLabels.MIRROR_POD);
    }

    /** Succeeded or Failed: holds no resources the scheduler counts and needs no eviction. */
    public boolean finished() {
        return "Succeeded".equals(phase) || "Failed".equals(phase);
    }

    /** Counts against its node's allocatable, as the scheduler sees it. */
    public boolean occupiesNode() {
        return !finished();
    }
}
