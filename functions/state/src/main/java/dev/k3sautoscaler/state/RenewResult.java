package dev.k3sautoscaler.state;

/**
 * RenewLock's answer (also its step output): the same owner and fencing token, a later expiry.
 *
 * @param lease  the renewed lease; pass it on instead of the old one
 * @param reason one line for the operator
 */
public record RenewResult(Lease lease, String reason) {
}
