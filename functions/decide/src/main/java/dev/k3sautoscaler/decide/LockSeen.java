package dev.k3sautoscaler.decide;

import java.time.Instant;

/**
 * The lock as the tick's LoadState saw it ({@code $.loaded}; its other fields are ignored): what the
 * status ConfigMap says about it, and whether a wanted scale-up waits for a running actuation.
 */
public record LockSeen(boolean locked, String lockOwner, Instant lockExpiresAt) {
}
