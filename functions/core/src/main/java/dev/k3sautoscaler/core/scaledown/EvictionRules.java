package dev.k3sautoscaler.core.scaledown;

import dev.k3sautoscaler.core.scaledown.PodVerdict.Action;

/**
 * Which pods block the removal of their node, which are evicted and which are ignored. The rules
 * and their order follow Cluster Autoscaler's drain rules (simulator/drain) and Karpenter's
 * do-not-disrupt annotation; docs/kube.md compares them side by side.
 *
 * <ol>
 *   <li>mirror, DaemonSet and finished pods are skipped: they go with the node;</li>
 *   <li>{@code safe-to-evict=false} and {@code karpenter.sh/do-not-disrupt=true} always block;</li>
 *   <li>{@code safe-to-evict=true} makes the pod evictable, overriding the soft rules below (as in CA);</li>
 *   <li>soft rules: no controller (nothing would recreate it), StatefulSet pods (configurable:
 *       their volumes are zonal and their identity sticky), non-DaemonSet kube-system pods.</li>
 * </ol>
 */
public final class EvictionRules {
    public static final String KUBE_SYSTEM = "kube-system";

    private final boolean statefulSetPodsBlock;

    /** @param statefulSetPodsBlock true (the default) keeps nodes running StatefulSet pods */
    public EvictionRules(boolean statefulSetPodsBlock) {
        this.statefulSetPodsBlock = statefulSetPodsBlock;
    }

    public static EvictionRules defaults() {
        return new EvictionRules(true);
    }

    public PodVerdict judge(PodView pod) {
        if (pod.isMirror()) {
            return new PodVerdict(pod, Action.SKIP, "mirror pod: owned by the kubelet");
        }
        if (pod.isDaemonSet()) {
            return new PodVerdict(pod, Action.SKIP, "DaemonSet pod: runs on every node");
        }
        if (pod.finished()) {
            return new PodVerdict(pod, Action.SKIP, "finished (" + pod.phase() + ")");
        }
        if ("false".equals(pod.annotations().get(NodeLabels.SAFE_TO_EVICT))) {
            return new PodVerdict(pod, Action.BLOCK, NodeLabels.SAFE_TO_EVICT + "=false");
        }
        if ("true".equals(pod.annotations().get(NodeLabels.DO_NOT_DISRUPT))) {
            return new PodVerdict(pod, Action.BLOCK, NodeLabels.DO_NOT_DISRUPT + "=true");
        }
        if ("true".equals(pod.annotations().get(NodeLabels.SAFE_TO_EVICT))) {
            return new PodVerdict(pod, Action.EVICT, NodeLabels.SAFE_TO_EVICT + "=true");
        }
        if (pod.ownerKind() == null) {
            return new PodVerdict(pod, Action.BLOCK, "no controller: nothing would recreate it");
        }
        if (statefulSetPodsBlock && "StatefulSet".equals(pod.ownerKind())) {
            return new PodVerdict(pod, Action.BLOCK, "StatefulSet pod");
        }
        if (KUBE_SYSTEM.equals(pod.namespace())) {
            return new PodVerdict(pod, Action.BLOCK, "kube-system pod that is not a DaemonSet");
        }
        return new PodVerdict(pod, Action.EVICT, "owned by " + pod.ownerKind());
    }
}
