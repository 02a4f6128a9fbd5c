package dev.k3sautoscaler.core.scaledown;

/** Label, annotation and taint names the scale-down rules read; each shared with an upstream tool where one exists. */
public final class NodeLabels {
    /** Set on every worker by the autoscaler's launch template (and EC2 tag); nothing else carries it. */
    public static final String MANAGED = "k3s-autoscaler/managed";
    /** Our NoSchedule taint while a node is being drained; UncordonNode removes only this one. */
    public static final String DRAINING_TAINT = "k3s-autoscaler/draining";
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
