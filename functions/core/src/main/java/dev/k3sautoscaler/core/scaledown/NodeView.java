package dev.k3sautoscaler.core.scaledown;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What the scale-down rules need to know about one Node, free of any Kubernetes client type.
 *
 * @param instanceId          EC2 instance id from {@code spec.providerID}, null when the node has none
 * @param created             {@code metadata.creationTimestamp}; older nodes are preferred for removal
 * @param deleting            {@code metadata.deletionTimestamp} is set
 * @param unschedulable       {@code spec.unschedulable} (cordoned)
 * @param taints              taints with effect NoSchedule or NoExecute (ours included)
 */
public record NodeView(
        String name,
        String instanceId,
        Map<String, String> labels,
        Map<String, String> annotations,
        Instant created,
        boolean ready,
        boolean deleting,
        boolean unschedulable,
        List<NodeTaint> taints,
        long allocatableCpuMillis,
        long allocatableMemoryBytes) {

    public NodeView {
        labels = Map.copyOf(labels);
        annotations = Map.copyOf(annotations);
        taints = List.copyOf(taints);
    }

    public List<String> noScheduleTaintKeys() {
        return taints.stream().map(NodeTaint::key).toList();
    }

    /** The node as the scheduler would see it without our claim on it: not cordoned, without our taint. */
    public NodeView asIfUnclaimed() {
        return new NodeView(name, instanceId, labels, annotations, created, ready, deleting, false,
                taints.stream().filter(taint -> !taint.key().equals(NodeLabels.DRAINING_TAINT)).toList(),
                allocatableCpuMillis, allocatableMemoryBytes);
    }

    /** Carries {@code k3s-autoscaler/managed=true}, which only the autoscaler's launch template sets. */
    public boolean managed() {
        return "true".equals(labels.get(NodeLabels.MANAGED));
    }

    /** K3s labels its server nodes with both role labels; either one means "never remove". */
    public boolean controlPlane() {
        return labels.containsKey(NodeLabels.ROLE_CONTROL_PLANE) || labels.containsKey(NodeLabels.ROLE_MASTER);
    }

    public boolean scaleDownDisabled() {
        return "true".equals(annotations.get(NodeLabels.SCALE_DOWN_DISABLED));
    }

    /** Our NoSchedule taint is present: we cordoned it (and may resume or undo that). */
    public boolean drainingByUs() {
        return noScheduleTaintKeys().contains(NodeLabels.DRAINING_TAINT);
    }

    /** Who holds our drain claim on this node; empty when we have not cordoned it. */
    public java.util.Optional<DrainPurpose> drainClaim() {
        return drainingByUs()
                ? java.util.Optional.of(DrainPurpose.ofClaim(annotations.get(NodeLabels.DRAIN_PURPOSE)))
                : java.util.Optional.empty();
    }

    /** When a scale-down found this node empty, or null. */
    public Instant drainedAt() {
        return parsedInstant(annotations.get(NodeLabels.DRAINED_AT));
    }

    /** When our drain claim was taken, or null (unknown, or no claim). */
    public Instant drainClaimedAt() {
        return parsedInstant(annotations.get(NodeLabels.DRAIN_CLAIMED_AT));
    }

    private static Instant parsedInstant(String value) {
        if (value == null) {
            return null;
        }
        try {
            return Instant.parse(value);
        } catch (java.time.format.DateTimeParseException e) {
            // Written by us, but an annotation anyone can edit: unreadable is unknown, never a guess.
            return null;
        }
    }

    /** Cordoned or tainted by someone else: an operator or another tool owns this node right now. */
    public boolean cordonedBySomeoneElse() {
        return unschedulable && !drainingByUs();
    }

    /** Where moved pods may go, each as its tolerations allow: Ready, not cordoned, not going away, a worker. */
    public boolean targetForMovedPods() {
        return ready && !unschedulable && !deleting && !controlPlane();
    }

    /** The scheduler would place new pods here: Ready, not cordoned, not going away, no blocking taint. */
    public boolean acceptsPods() {
        return ready && !unschedulable && !deleting && taints.isEmpty();
    }
}
