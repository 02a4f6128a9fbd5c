package dev.k3sautoscaler.core.scaledown;

/** Label, annotation and taint names the scale-down rules read; each shared with an upstream tool where one exists. */
public final class NodeLabels {
    /** Set on every worker by the autoscaler's launch template (and EC2 tag); nothing else carries it. */
    public static final String MANAGED = "k3s-autoscaler/managed";
    /** Our NoSchedule taint while a node is being drained; UncordonNode removes only this one. */
    public static final String DRAINING_TAINT = "k3s-autoscaler/draining";
    /**
     * Who holds our drain claim on a node, as a {@link DrainPurpose} value: one owner per cordon, so a
     * scale-down never undoes the cordon of a Spot interruption drain running on the same node.
     */
    public static final String DRAIN_PURPOSE = "k3s-autoscaler/drain-purpose";
    /** When the drain claim was taken (ISO-8601): a claim no execution can still own is found by its age. */
    public static final String DRAIN_CLAIMED_AT = "k3s-autoscaler/drain-claimed-at";
    /** When a scale-down found the node empty (ISO-8601): if its termination fails, the reconcile finishes it. */
    public static final String DRAINED_AT = "k3s-autoscaler/drained-at";
    public static final String ROLE_CONTROL_PLANE = "node-role.kubernetes.io/control-plane";
    public static final String ROLE_MASTER = "node-role.kubernetes.io/master";
    /** Cluster Autoscaler's node opt-out; honoured so operators need to learn one annotation. */
    public static final String SCALE_DOWN_DISABLED = "cluster-autoscaler.kubernetes.io/scale-down-disabled";
    /** Cluster Autoscaler's pod annotation: "false" blocks removal, "true" overrides the soft rules. */
    public static final String SAFE_TO_EVICT = "cluster-autoscaler.kubernetes.io/safe-to-evict";
    /** Karpenter's pod annotation: "true" blocks voluntary disruption. */
    public static final String DO_NOT_DISRUPT = "karpenter.sh/do-not-disrupt";
    /** Present on static (mirror) pods; the kubelet owns them and the API cannot evict them. */
    public static final String MIRROR_POD = "kubernetes.io/config.mirror";

    private NodeLabels() {
    }
}
