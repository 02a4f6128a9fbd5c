package dev.k3sautoscaler.core.state;

import java.time.Instant;

/**
 * What an acquire, renew or release of the scaling lease found, as facts with a stable {@link Code};
 * {@link LeaseWording} words it. A lost lease on renew is an error ({@code LockLost}), not an outcome.
 */
public sealed interface LeaseOutcome {

    Code code();

    enum Code {
        ACQUIRED, BUSY, BUSY_RELEASED_LATER, RENEWED,
        RELEASED, ALREADY_RELEASED, SUPERSEDED, NOT_HELD, OWNER_HOLDS_NONE
    }

    // ---- acquire ----

    record Acquired(long token, Instant until) implements LeaseOutcome {
        public Code code() { return Code.ACQUIRED; }
    }

    record Busy(String holder, Instant until, long token) implements LeaseOutcome {
        public Code code() { return Code.BUSY; }
    }

    /**
     * Free, but released at a time this call's clock has not reached: the clocks of two Lambdas
     * differ by a fraction of a second.
     */
    record BusyReleasedLater(Instant releasedAt, Instant clock) implements LeaseOutcome {
        public Code code() { return Code.BUSY_RELEASED_LATER; }
    }

    // ---- renew ----

    record Renewed(long token, Instant until) implements LeaseOutcome {
        public Code code() { return Code.RENEWED; }
    }

    // ---- release ----

    /** @param acquisitionAnswerLost released by owner alone, because the execution never learnt its token */
    record Released(long token, long heldForSeconds, boolean acquisitionAnswerLost) implements LeaseOutcome {
        public Code code() { return Code.RELEASED; }
    }

    record AlreadyReleased(long token) implements LeaseOutcome {
        public Code code() { return Code.ALREADY_RELEASED; }
    }

    /** @param holder who holds the lock now, or null when the later lease was released too */
    record Superseded(long token, long current, String holder) implements LeaseOutcome {
        public Code code() { return Code.SUPERSEDED; }
    }

    /** The store has no record of this lease: a wrong cluster, or a lease never granted. */
    record NotHeld(long token, String owner, long current) implements LeaseOutcome {
        public Code code() { return Code.NOT_HELD; }
    }

    /** A release by owner alone found no lease of that owner. */
    record OwnerHoldsNone(String owner) implements LeaseOutcome {
        public Code code() { return Code.OWNER_HOLDS_NONE; }
    }
}
