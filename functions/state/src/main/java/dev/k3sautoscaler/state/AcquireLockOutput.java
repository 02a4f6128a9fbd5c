package dev.k3sautoscaler.state;

import dev.k3sautoscaler.core.model.ScalingState;
import dev.k3sautoscaler.core.state.LeaseOutcome;
import dev.k3sautoscaler.core.state.LeaseWording;
import java.time.Instant;

/**
 * AcquireLock's answer (also its step output). A busy lock is an answer, not an error: the
 * workflow ends cleanly with "lock busy".
 *
 * @param acquired  true when this execution now holds the lock
 * @param lease     the lease to pass to Renew/Record/Release (only when acquired)
 * @param state     the cluster's scaling state, read in the same write as the acquisition (only when acquired)
 * @param heldBy    the execution holding the lock (only when busy)
 * @param heldUntil when that lease expires unless renewed (only when busy)
 * @param reason    one line for the operator ({@code LeaseWording})
 * @param outcome   the same as a code: ACQUIRED, BUSY or BUSY_RELEASED_LATER
 */
public record AcquireLockOutput(boolean acquired, Lease lease, ScalingState state, String heldBy, Instant heldUntil,
                            String reason, LeaseOutcome.Code outcome) {

    static AcquireLockOutput acquired(Lease lease, ScalingState state) {
        LeaseOutcome outcome = new LeaseOutcome.Acquired(lease.fencingToken(), lease.expiresAt());
        return new AcquireLockOutput(true, lease, state, null, null, LeaseWording.reason(outcome), outcome.code());
    }

    static AcquireLockOutput busy(String heldBy, Instant heldUntil, LeaseOutcome outcome) {
        return new AcquireLockOutput(false, null, null, heldBy, heldUntil, LeaseWording.reason(outcome), outcome.code());
    }
}
