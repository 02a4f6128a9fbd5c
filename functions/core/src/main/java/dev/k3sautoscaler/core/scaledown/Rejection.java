package dev.k3sautoscaler.core.scaledown;

/** A node that was not chosen for removal, and why. */
public record Rejection(String node, RejectionReason reason) {

    public RejectionReason.Code code() {
        return reason.code();
    }

    /** Why, in words an operator reads in the console. */
    public String rejectedBecause() {
        return ScaleDownWording.rejection(reason);
    }

    /** The master is never a candidate: it is not one of the workers passed over. */
    public boolean ofAWorker() {
        return reason.code() != RejectionReason.Code.CONTROL_PLANE;
    }
}
