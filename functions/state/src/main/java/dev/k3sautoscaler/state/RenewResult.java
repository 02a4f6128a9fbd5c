package dev.k3sautoscaler.state;

import dev.k3sautoscaler.core.state.LeaseOutcome;
import dev.k3sautoscaler.core.state.LeaseWording;

/**
 * RenewLock's answer (also its step output): the same owner and fencing token, a later expiry.
 *
 * @param lease  the renewed lease; pass it on instead of the old one
 * @param reason  one line for the operator ({@code LeaseWording})
 * @param outcome the same as a code: RENEWED (a lost lease is the error LockLost, not an outcome)
 */
public record RenewResult(Lease lease, String reason, LeaseOutcome.Code outcome) {

    static RenewResult of(Lease renewed) {
        LeaseOutcome outcome = new LeaseOutcome.Renewed(renewed.fencingToken(), renewed.expiresAt());
        return new RenewResult(renewed, LeaseWording.reason(outcome), outcome.code());
    }
}
