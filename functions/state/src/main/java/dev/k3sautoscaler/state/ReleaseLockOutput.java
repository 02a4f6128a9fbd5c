package dev.k3sautoscaler.state;

import java.time.Instant;

/**
 * ReleaseLock's answer (also its step output). Releasing is idempotent: a lease that is already
 * released or was superseded is reported, never an error, and someone else's lock is never released.
 *
 * @param released true only when this call released the lock
 * @param status     what was found
 * @param releasedAt when this call released it (whole seconds; the next lease starts no earlier), else null
 * @param heldForSeconds how long the released lease held the lock, else null
 * @param reason     one line for the operator
 */
public record ReleaseLockOutput(boolean released, Status status, Instant releasedAt, Long heldForSeconds, String reason) {

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
