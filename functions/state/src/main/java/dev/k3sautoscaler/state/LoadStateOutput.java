package dev.k3sautoscaler.state;

import dev.k3sautoscaler.core.model.ScalingState;
import java.time.Instant;

/**
 * LoadState's answer (also its step output): the scaling state read without taking the lock, for
 * the scheduled tick's preliminary decision; the actuation re-reads it under the lock.
 *
 * @param state         the cluster's scaling state (initial when the cluster was never acted on)
 * @param locked        a live lease exists now
 * @param lockOwner     its owner (only when locked)
 * @param lockExpiresAt its expiry (only when locked)
 * @param fencingToken  the number of acquisitions so far
 * @param version       the state item's version read (0: never acted on); with {@code state}, the tick's
 *                      records write against it ({@link StateBasis})
 * @param reason        one line for the operator
 */
public record LoadStateOutput(ScalingState state, boolean locked, String lockOwner, Instant lockExpiresAt,
                            long fencingToken, long version, String reason) {
}
