package dev.k3sautoscaler.state;

import dev.k3sautoscaler.runtime.InputCheck;
import java.time.Instant;
import java.util.List;

/**
 * Proof of holding the scaling lock, passed from AcquireLock to every later step that writes.
 *
 * @param owner        the execution that acquired it
 * @param fencingToken the acquisition's number; a higher one means someone acquired since, and this lease is stale
 * @param expiresAt    when other executions may take the lock over unless it is renewed
 */
public record Lease(String owner, Long fencingToken, Instant expiresAt) {

    /** Problems of a lease given as step input, prefixed with its field path. */
    public static List<String> problems(String field, Lease lease) {
        if (lease == null) {
            return List.of(field + " is required (the lease AcquireLock returned)");
        }
        return InputCheck.start()
                .required(field + ".owner", lease.owner())
                .required(field + ".fencingToken", lease.fencingToken())
                .check(lease.fencingToken() == null || lease.fencingToken() > 0, field + ".fencingToken must be positive")
                .problems();
    }

    @Override
    public String toString() {
        return owner + " (token " + fencingToken + ", until " + expiresAt + ")";
    }
}
