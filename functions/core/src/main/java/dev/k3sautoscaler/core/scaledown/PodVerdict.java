package dev.k3sautoscaler.core.scaledown;

/** What a drain does with one pod, and the rule that decided it (shown to operators). */
public record PodVerdict(PodView pod, Action action, Rule rule) {
    public enum Action {
        /** Leaves with the node: DaemonSet, mirror and finished pods. Not evicted, not counted. */
        SKIP,
        /** Evicted through the Eviction API (a PodDisruptionBudget may still answer 429). */
        EVICT,
        /** Removal of its node is refused while it runs there. */
        BLOCK
    }

    /** The eviction rules in {@link EvictionRules}' order; the pod itself holds the facts (phase, owner). */
    public enum Rule {
        MIRROR, DAEMON_SET, FINISHED, SAFE_TO_EVICT_FALSE, DO_NOT_DISRUPT, SAFE_TO_EVICT_TRUE, NO_CONTROLLER,
        STATEFUL_SET, KUBE_SYSTEM, CONTROLLED
    }

    /** Why, in words: "StatefulSet pod". */
    public String reason() {
        return ScaleDownWording.rule(this);
    }

    /** "db/pg-0 (StatefulSet pod)". */
    public String describe() {
        return pod.qualifiedName() + " (" + reason() + ")";
    }
}
