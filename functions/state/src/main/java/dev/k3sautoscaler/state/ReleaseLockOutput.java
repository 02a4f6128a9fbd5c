package dev.k3sautoscaler.state;

import dev.k3sautoscaler.core.state.LeaseOutcome;
import dev.k3sautoscaler.core.state.LeaseWording;
import java.time.Instant;

/**
 * ReleaseLock's answer (also its step output). Releasing is idempotent: a lease that is already
 * released or was superseded is reported, never an error, and someone else's lock is never released.
 *
 * @param released true only when this call released the lock
 * @param status     what was found
 * @param releasedAt when this call released it (whole seconds; the next lease starts no earlier), else null
 * @param heldForSeconds how long the released lease held the lock, else null
 * @param reason     one line for the operator ({@code LeaseWording})
 * @param outcome    the same as a code; finer than {@code status}: NOT_HELD there is NOT_HELD or OWNER_HOLDS_NONE here
 */
public record ReleaseLockOutput(boolean released, Status status, Instant releasedAt, Long heldForSeconds, String reason,
                                LeaseOutcome.Code outcome) {

    static ReleaseLockOutput released(LeaseOutcome.Released outcome, Instant releasedAt) {
        return new ReleaseLockOutput(true, Status.RELEASED, releasedAt, outcome.heldForSeconds(),
                LeaseWording.reason(outcome), outcome.code());
    }

    static ReleaseLockOutput notReleased(LeaseOutcome outcome) {
        Status status = switch (outcome.code()) {
            case ALREADY_RELEASED -> Status.ALREADY_RELEASED;
            case SUPERSEDED -> Status.SUPERSEDED;
            case NOT_HELD, OWNER_HOLDS_NONE -> Status.NOT_HELD;
            default -> throw new IllegalArgumentException(outcome.code() + " is not a release that released nothing");
        };
        return new ReleaseLockOutput(false, status, null, null, LeaseWording.reason(outcome), outcome.code());
    }

    public enum Status {
        /** This call released the lease. */
        RELEASED,
        /** The lease was released before (a retried or repeated release). */
        ALREADY_RELEASED,
        /** The lease expired and another execution acquired the lock since; that lock is left alone. */
        SUPERSEDED,
        /** The store has no record of this lease (wrong cluster, or a lease never granted). */
        NOT_HELD
    }
}
