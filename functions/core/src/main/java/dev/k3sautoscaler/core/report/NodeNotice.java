package dev.k3sautoscaler.core.report;

/**
 * A worker's scale-down status as the node annotation {@link #ANNOTATION} and, when it changes, a
 * node event: the operator's "why isn't this node removed?" answered where kubectl looks.
 *
 * @param code   {@code REMOVED} or the unremovable reason's code ({@code NOT_UNDERUTILIZED})
 * @param reason the verdict in words, as the console shows it
 */
public record NodeNotice(String node, String code, String reason) {
    public static final String ANNOTATION = "k3s-autoscaler/scale-down-status";
    public static final String REMOVED = "REMOVED";

    /** The annotation's value: the code first, so a script can cut it. */
    public String annotationValue() {
        return code + ": " + reason;
    }

    /** The event written when the status changes (none for a removal: CordonNode says that). */
    public ClusterEvent event() {
        return ClusterEvent.onNode(node, "ScaleDownStatus", false, "Evaluate", "scale-down: " + reason);
    }
}
