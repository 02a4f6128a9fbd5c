package dev.k3sautoscaler.core.model;

import java.time.Instant;
import java.util.List;

/**
 * The durable scaling memory of one cluster (stored in DynamoDB, read under the lock), everything
 * the otherwise stateless policy needs: cooldowns, backoff, capacity in flight, skipped offerings.
 */
public record ScalingState(
        Instant lastScaleUpAt,
        Instant lastScaleDownAt,
        Instant lastFailureAt,
        int consecutiveFailures,
        List<PendingLaunch> pendingLaunches,
        List<UnavailableOffering> unavailableOfferings,
        boolean paused,
        String pausedReason) {

    public ScalingState {
        pendingLaunches = pendingLaunches == null ? List.of() : List.copyOf(pendingLaunches);
        unavailableOfferings = unavailableOfferings == null ? List.of() : List.copyOf(unavailableOfferings);
        if (consecutiveFailures < 0) {
            throw new IllegalArgumentException("consecutiveFailures cannot be negative");
        }
    }

    /** A cluster the autoscaler has never acted on. */
    public static ScalingState initial() {
        return new ScalingState(null, null, null, 0, List.of(), List.of(), false, null);
    }

    public ScalingState withLastScaleUpAt(Instant at) {
        return new ScalingState(at, lastScaleDownAt, lastFailureAt, consecutiveFailures, pendingLaunches,
                unavailableOfferings, paused, pausedReason);
    }

    public ScalingState withLastScaleDownAt(Instant at) {
        return new ScalingState(lastScaleUpAt, at, lastFailureAt, consecutiveFailures, pendingLaunches,
                unavailableOfferings, paused, pausedReason);
    }

    public ScalingState withFailures(int count, Instant lastAt) {
        return new ScalingState(lastScaleUpAt, lastScaleDownAt, lastAt, count, pendingLaunches,
                unavailableOfferings, paused, pausedReason);
    }

    public ScalingState withPendingLaunches(List<PendingLaunch> launches) {
        return new ScalingState(lastScaleUpAt, lastScaleDownAt, lastFailureAt, consecutiveFailures, launches,
                unavailableOfferings, paused, pausedReason);
    }

    public ScalingState withPaused(boolean isPaused, String reason) {
        return new ScalingState(lastScaleUpAt, lastScaleDownAt, lastFailureAt, consecutiveFailures, pendingLaunches,
                unavailableOfferings, isPaused, reason);
    }
}
