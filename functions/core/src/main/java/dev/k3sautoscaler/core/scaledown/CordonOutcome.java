package dev.k3sautoscaler.core.scaledown;

/**
 * What CordonNode did with a node's drain claim, as facts with a stable {@link Code};
 * {@link NodeOperationWording} words it.
 */
public sealed interface CordonOutcome {

    Code code();

    enum Code { CORDONED, ALREADY_CORDONED, TOOK_OVER, LEFT_TO_HIGHER_CLAIM }

    /** @param wasUnschedulable someone cordoned it before us, so UncordonNode leaves it cordoned */
    record Cordoned(String node, DrainPurpose purpose, boolean wasUnschedulable) implements CordonOutcome {
        public Code code() { return Code.CORDONED; }
    }

    /** A repeat call for the purpose that already holds the claim: nothing changed. */
    record AlreadyCordoned(String node, DrainPurpose purpose) implements CordonOutcome {
        public Code code() { return Code.ALREADY_CORDONED; }
    }

    /** @param from the lower claim taken over; its drain stops as preempted */
    record TookOver(String node, DrainPurpose from, DrainPurpose purpose) implements CordonOutcome {
        public Code code() { return Code.TOOK_OVER; }
    }

    /** A claim of higher rank holds the node: it is left alone, and this purpose's drain stops. */
    record LeftToHigherClaim(String node, DrainPurpose claim, DrainPurpose purpose) implements CordonOutcome {
        public Code code() { return Code.LEFT_TO_HIGHER_CLAIM; }
    }
}
