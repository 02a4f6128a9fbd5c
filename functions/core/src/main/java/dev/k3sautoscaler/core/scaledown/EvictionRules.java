package dev.k3sautoscaler.core.scaledown;

import dev.k3sautoscaler.core.scaledown.PodVerdict.Action;
import dev.k3sautoscaler.core.scaledown.PodVerdict.Rule;

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
            return new PodVerdict(pod, Action.SKIP, Rule.MIRROR);
        }
        if (pod.isDaemonSet()) {
            return new PodVerdict(pod, Action.SKIP, Rule.DAEMON_SET);
        }
        if (pod.finished()) {
            return new PodVerdict(pod, Action.SKIP, Rule.FINISHED);
        }
        if ("false".equals(pod.annotations().get(NodeLabels.SAFE_TO_EVICT))) {
            return new PodVerdict(pod, Action.BLOCK, Rule.SAFE_TO_EVICT_FALSE);
        }
        if ("true".equals(pod.annotations().get(NodeLabels.DO_NOT_DISRUPT))) {
            return new PodVerdict(pod, Action.BLOCK, Rule.DO_NOT_DISRUPT);
        }
        if ("true".equals(pod.annotations().get(NodeLabels.SAFE_TO_EVICT))) {
            return new PodVerdict(pod, Action.EVICT, Rule.SAFE_TO_EVICT_TRUE);
        }
        if (pod.ownerKind() == null) {
            return new PodVerdict(pod, Action.BLOCK, Rule.NO_CONTROLLER);
        }
        if (statefulSetPodsBlock && "StatefulSet".equals(pod.ownerKind())) {
            return new PodVerdict(pod, Action.BLOCK, Rule.STATEFUL_SET);
        }
        if (KUBE_SYSTEM.equals(pod.namespace())) {
            return new PodVerdict(pod, Action.BLOCK, Rule.KUBE_SYSTEM);
        }
        return new PodVerdict(pod, Action.EVICT, Rule.CONTROLLED);
    }
}
