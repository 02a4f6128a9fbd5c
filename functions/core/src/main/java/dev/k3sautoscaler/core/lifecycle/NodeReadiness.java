package dev.k3sautoscaler.core.lifecycle;

import java.time.Instant;

/**
 * Where a registered Node stands on its way to Ready, as a code plus what its Ready condition said;
 * {@link #detail()} is its one wording. A Node that has not been Ready since it registered is
 * joining: the node controller's "Kubelet stopped posting node status" then means its kubelet has
 * not posted yet, not that it was lost.
 *
 * @param condition the Ready condition's reason (e.g. {@code KubeletNotReady}), null when there is none
 * @param message   the Ready condition's message, null or blank when there is none
 */
public record NodeReadiness(Code code, String condition, String message) {
    /** The node controller's reason when no kubelet status arrived within its grace period. */
    static final String NODE_STATUS_UNKNOWN = "NodeStatusUnknown";

    public enum Code {
        READY,
        /** Registered, and not Ready at any time since: booting, CNI starting, image pulls. */
        JOINING,
        /** Was Ready after it registered, and is not now: a kubelet or network that was lost. */
        NOT_READY
    }

    /**
     * @param created        the Node's creationTimestamp (null when unknown)
     * @param readyChangedAt the Ready condition's lastTransitionTime (null when unknown); a transition
     *                       after registration means the node was Ready at some point
     */
    public static NodeReadiness of(boolean ready, Instant created, Instant readyChangedAt, String condition,
                                   String message) {
        if (ready) {
            return new NodeReadiness(Code.READY, condition, message);
        }
        boolean wasReady = created != null && readyChangedAt != null && readyChangedAt.isAfter(created);
        return new NodeReadiness(wasReady ? Code.NOT_READY : Code.JOINING, condition, message);
    }

    /** "Ready", "joining: not Ready yet (KubeletNotReady: container runtime network not ready)", ... */
    public String detail() {
        return switch (code) {
            case READY -> "Ready";
            case JOINING -> "joining: not Ready yet (" + (condition == null ? "no Ready condition reported yet"
                    : NODE_STATUS_UNKNOWN.equals(condition) ? "its kubelet has not posted a status yet"
                    : conditionLine()) + ")";
            case NOT_READY -> condition == null ? "NotReady" : conditionLine();
        };
    }

    private String conditionLine() {
        return condition + (message == null || message.isBlank() ? "" : ": " + message);
    }
}
