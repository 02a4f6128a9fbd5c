package dev.k3sautoscaler.core.scaledown;

/**
 * What UncordonNode did, as facts with a stable {@link Code}; {@link NodeOperationWording} words it.
 * Only {@link Uncordoned} changed the node.
 */
public sealed interface UncordonOutcome {

    Code code();

    enum Code { UNCORDONED, NODE_GONE, NOT_OURS, CLAIMED_BY_OTHER }

    /** @param wasOurCordon we set spec.unschedulable, so it was cleared too */
    record Uncordoned(String node, boolean wasOurCordon) implements UncordonOutcome {
        public Code code() { return Code.UNCORDONED; }
    }

    /** @param node the node as the workflow named it (name, instance id, or both) */
    record NodeGone(String node) implements UncordonOutcome {
        public Code code() { return Code.NODE_GONE; }
    }

    /** No claim and no cordon of ours: an operator's cordon is never undone. */
    record NotOurs(String node) implements UncordonOutcome {
        public Code code() { return Code.NOT_OURS; }
    }

    /** Another purpose's drain holds the node now: left cordoned for it. */
    record ClaimedByOther(String node, DrainPurpose claim) implements UncordonOutcome {
        public Code code() { return Code.CLAIMED_BY_OTHER; }
    }
}
