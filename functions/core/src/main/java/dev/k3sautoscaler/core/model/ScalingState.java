package dev.k3sautoscaler.core.model;

import java.time.Instant;
import java.util.List;

/**
 * The durable scaling memory of one cluster (stored in DynamoDB, read under the lock), everything
 * the otherwise stateless policy needs: cooldowns, backoff, capacity in flight, skipped offerings,
 * nodes whose drain could not finish.
 *
 * @param failedAction which direction the consecutive failures came from: a scale-down's trouble
 *                     backs off scale-downs only, never a scale-up (null: unknown, backs off both)
 * @param blockedNodes workers not to choose for scale-down again before their {@code until}
 * @param unneededNodes workers unneeded at every tick since their {@code since} (per-node scale-down timers)
 * @param reported     what the cluster was last told (status ConfigMap, events), or null
 */
public record ScalingState(
        Instant lastScaleUpAt,
        Instant lastScaleDownAt,
        Instant lastFailureAt,
        int consecutiveFailures,
        List<PendingLaunch> pendingLaunches,
        List<UnavailableOffering> unavailableOfferings,
        boolean paused,
        String pausedReason,
        ScalingAction failedAction,
        List<BlockedNode> blockedNodes,
        List<UnneededNode> unneededNodes,
        ReportMark reported) {

    public ScalingState {
        unneededNodes = unneededNodes == null ? List.of() : List.copyOf(unneededNodes);
        pendingLaunches = pendingLaunches == null ? List.of() : List.copyOf(pendingLaunches);
        unavailableOfferings = unavailableOfferings == null ? List.of() : List.copyOf(unavailableOfferings);
        blockedNodes = blockedNodes == null ? List.of() : List.copyOf(blockedNodes);
        if (consecutiveFailures < 0) {
            throw new IllegalArgumentException("consecutiveFailures cannot be negative");
        }
    }

    public ScalingState(Instant lastScaleUpAt, Instant lastScaleDownAt, Instant lastFailureAt, int consecutiveFailures,
                        List<PendingLaunch> pendingLaunches, List<UnavailableOffering> unavailableOfferings,
                        boolean paused, String pausedReason) {
        this(lastScaleUpAt, lastScaleDownAt, lastFailureAt, consecutiveFailures, pendingLaunches, unavailableOfferings,
                paused, pausedReason, null, List.of(), List.of(), null);
    }

    public ScalingState(Instant lastScaleUpAt, Instant lastScaleDownAt, Instant lastFailureAt, int consecutiveFailures,
                        List<PendingLaunch> pendingLaunches, List<UnavailableOffering> unavailableOfferings,
                        boolean paused, String pausedReason, ScalingAction failedAction, List<BlockedNode> blockedNodes) {
        this(lastScaleUpAt, lastScaleDownAt, lastFailureAt, consecutiveFailures, pendingLaunches, unavailableOfferings,
                paused, pausedReason, failedAction, blockedNodes, List.of(), null);
    }

    /** A cluster the autoscaler has never acted on. */
    public static ScalingState initial() {
        return new ScalingState(null, null, null, 0, List.of(), List.of(), false, null);
    }

    /** The failure backoff holds back scale-ups too, unless every counted failure was a scale-down's. */
    public boolean failuresBlockScaleUp() {
        return consecutiveFailures > 0 && failedAction != ScalingAction.SCALE_DOWN;
    }

    /** The blocked-node entry for this instance that is still active at {@code now}, if any. */
    public java.util.Optional<BlockedNode> blocked(String instanceId, Instant now) {
        return blockedNodes.stream().filter(b -> b.instanceId().equals(instanceId) && b.isActive(now)).findFirst();
    }

    public ScalingState withLastScaleUpAt(Instant at) {
        return new ScalingState(at, lastScaleDownAt, lastFailureAt, consecutiveFailures, pendingLaunches,
                unavailableOfferings, paused, pausedReason, failedAction, blockedNodes, unneededNodes, reported);
    }

    public ScalingState withLastScaleDownAt(Instant at) {
        return new ScalingState(lastScaleUpAt, at, lastFailureAt, consecutiveFailures, pendingLaunches,
                unavailableOfferings, paused, pausedReason, failedAction, blockedNodes, unneededNodes, reported);
    }

    public ScalingState withFailures(int count, Instant lastAt) {
        return withFailures(count, lastAt, count == 0 ? null : failedAction);
    }

    public ScalingState withFailures(int count, Instant lastAt, ScalingAction failed) {
        return new ScalingState(lastScaleUpAt, lastScaleDownAt, lastAt, count, pendingLaunches,
                unavailableOfferings, paused, pausedReason, failed, blockedNodes, unneededNodes, reported);
    }

    public ScalingState withPendingLaunches(List<PendingLaunch> launches) {
        return new ScalingState(lastScaleUpAt, lastScaleDownAt, lastFailureAt, consecutiveFailures, launches,
                unavailableOfferings, paused, pausedReason, failedAction, blockedNodes, unneededNodes, reported);
    }

    public ScalingState withPaused(boolean isPaused, String reason) {
        return new ScalingState(lastScaleUpAt, lastScaleDownAt, lastFailureAt, consecutiveFailures, pendingLaunches,
                unavailableOfferings, isPaused, reason, failedAction, blockedNodes, unneededNodes, reported);
    }

    public ScalingState withBlockedNodes(List<BlockedNode> nodes) {
        return new ScalingState(lastScaleUpAt, lastScaleDownAt, lastFailureAt, consecutiveFailures, pendingLaunches,
                unavailableOfferings, paused, pausedReason, failedAction, nodes, unneededNodes, reported);
    }

    public ScalingState withUnneededNodes(List<UnneededNode> nodes) {
        return new ScalingState(lastScaleUpAt, lastScaleDownAt, lastFailureAt, consecutiveFailures, pendingLaunches,
                unavailableOfferings, paused, pausedReason, failedAction, blockedNodes, nodes, reported);
    }

    public ScalingState withReported(ReportMark mark) {
        return new ScalingState(lastScaleUpAt, lastScaleDownAt, lastFailureAt, consecutiveFailures, pendingLaunches,
                unavailableOfferings, paused, pausedReason, failedAction, blockedNodes, unneededNodes, mark);
    }
}
