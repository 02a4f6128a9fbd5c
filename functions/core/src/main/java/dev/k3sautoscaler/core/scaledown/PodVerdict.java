package dev.k3sautoscaler.core.scaledown;

/** What a drain does with one pod, and why (the reason is shown to operators). */
public record PodVerdict(PodView pod, Action action, String reason) {
    public enum Action {
        /** Leaves with the node: DaemonSet, mirror and finished pods. Not evicted, not counted. */
        SKIP,
        /** Evicted through the Eviction API (a PodDisruptionBudget may still answer 429). */
        EVICT,
        /** Removal of its node is refused while it runs there. */
        BLOCK
    }

    public String describe() {
        return pod.qualifiedName() + " (" + reason + ")";
    }
}
