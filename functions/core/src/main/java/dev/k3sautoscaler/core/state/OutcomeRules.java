package dev.k3sautoscaler.core.state;

import dev.k3sautoscaler.core.model.BlockedNode;
import dev.k3sautoscaler.core.model.PendingLaunch;
import dev.k3sautoscaler.core.model.ScalingAction;
import dev.k3sautoscaler.core.model.ScalingState;
import dev.k3sautoscaler.core.model.UnavailableOffering;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * How an {@link Outcome} changes the cluster's {@link ScalingState}. Pure: the DynamoDB adapter reads
 * the state under the lease, calls {@link #apply}, and writes the result back conditionally.
 *
 * <table>
 *   <caption>Effects by action and result</caption>
 *   <tr><th>action</th><th>SUCCEEDED</th><th>PARTIAL</th><th>FAILED</th><th>ABORTED</th><th>PREEMPTED</th></tr>
 *   <tr><td>SCALE_UP</td><td>lastScaleUpAt=now, failures reset</td><td>lastScaleUpAt=now, failure counted</td><td>failure counted</td><td>failures reset</td><td>nothing</td></tr>
 *   <tr><td>SCALE_DOWN</td><td>lastScaleDownAt=now, failures reset</td><td>lastScaleDownAt=now, failure counted</td><td>scale-down failure counted, node blocked</td><td>failures reset, node blocked</td><td>nothing</td></tr>
 *   <tr><td>JOIN_CHECK</td><td>failures reset</td><td>failure counted (nothing when every overdue worker was
 *   Spot-interrupted meanwhile)</td><td>failure counted (likewise)</td><td>failures reset</td><td>nothing</td></tr>
 *   <tr><td>SPOT_DRAIN</td><td colspan="3">no cooldown or failure change (an interruption is not our decision); its
 *   instances are blocked as {@link BlockedNode#SPOT_INTERRUPTED} for {@link #INTERRUPTED_MEMORY}</td></tr>
 *   <tr><td>NOOP</td><td colspan="3">no cooldown or failure change</td></tr>
 *   <tr><td>LOCK_BROKEN</td><td colspan="3">no change to the scaling state (the lease itself is removed by the store)</td></tr>
 *   <tr><td>RECONCILE</td><td colspan="3">only the pending launches (adopted, cleared); no cooldown or failure change</td></tr>
 *   <tr><td>LEASE_LOST</td><td colspan="3">nothing at all: the state belongs to the lease's new holder</td></tr>
 *   <tr><td>PAUSE / RESUME</td><td colspan="3">paused=true with the reason / paused=false and failures reset</td></tr>
 *   <tr><td>SCALE_DOWN with removals</td><td colspan="3">any removed: lastScaleDownAt=now; an element's error counts
 *   one failure; aborted and failed elements block their instances; otherwise failures reset</td></tr>
 *   <tr><td>UNNEEDED</td><td colspan="3">only the per-node scale-down timers, replaced by the tick's, and
 *   what the cluster was told (when the tick reported)</td></tr>
 * </table>
 *
 * <p>For every action: pending launches in {@code clearPendingLaunches} are removed and those in
 * {@code addPendingLaunches} added (by instance id, the newer entry wins); unavailable offerings
 * that expired by {@code now} are pruned and the new ones added (one entry per type x AZ x capacity type);
 * blocked nodes likewise expire, a scale-down that ended FAILED or ABORTED blocks its instances for
 * {@link #BLOCKED_NODE_MEMORY}, and {@code addBlockedNodes} are added as given (workers whose pods had
 * no place to go, passed over for {@link #UNREMOVABLE_RECHECK}). A failure is counted with its direction: a scale-down's failures back off
 * scale-downs only.
 */
public final class OutcomeRules {
    /**
     * How long a node whose scale-down could not finish is passed over. Longer than a drain timeout:
     * a drain that just spent DRAIN_TIMEOUT_SEC learning that a PodDisruptionBudget will not yield
     * should not start again minutes later on the same node.
     */
    public static final java.time.Duration BLOCKED_NODE_MEMORY = java.time.Duration.ofMinutes(30);

    /**
     * How long a worker SelectScaleDownTarget found unremovable (a blocking pod, pods with no place to
     * go) is passed over before it is judged again: long enough that an unneeded but unmovable node does
     * not start an actuation every tick, short enough to notice when its pods move.
     */
    public static final java.time.Duration UNREMOVABLE_RECHECK = java.time.Duration.ofMinutes(5);

    /**
     * How long a Spot-drained instance is held as interrupted. EC2 reclaims it two minutes after the
     * warning, but a launch it cut short is judged at its join timeout (JOIN_TIMEOUT_SEC, at most an
     * hour after the launch): the join check must still find it here then. It leaves the launches in
     * flight at once.
     */
    public static final java.time.Duration INTERRUPTED_MEMORY = java.time.Duration.ofMinutes(70);

    private OutcomeRules() {
    }

    public static ScalingState apply(ScalingState before, Outcome outcome, Instant now) {
        Objects.requireNonNull(before, "before");
        Objects.requireNonNull(now, "now");
        List<String> problems = outcome == null ? List.of("outcome is required") : outcome.problems();
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("invalid outcome: " + String.join("; ", problems));
        }
        ScalingState state = new ScalingState(before.lastScaleUpAt(), before.lastScaleDownAt(), before.lastFailureAt(),
                before.consecutiveFailures(), pendingAfter(before, outcome),
                offeringsAfter(before, outcome, now), before.paused(), before.pausedReason(), before.failedAction(),
                blockedAfter(before, outcome, now), before.unneededNodes(), before.reported());
        return switch (outcome.action()) {
            case SCALE_UP -> countResult(capacityChanged(outcome) ? state.withLastScaleUpAt(now) : state, outcome, now,
                    ScalingAction.SCALE_UP);
            case SCALE_DOWN -> outcome.removals().isEmpty()
                    ? countResult(capacityChanged(outcome) ? state.withLastScaleDownAt(now) : state, outcome, now,
                            ScalingAction.SCALE_DOWN)
                    : severalRemoved(state, outcome, now);
            case JOIN_CHECK -> reclaimedBeforeJoining(before, outcome, now) ? state
                    : countResult(state, outcome, now, ScalingAction.SCALE_UP);
            case SPOT_DRAIN, NOOP, LOCK_BROKEN, RECONCILE -> state;
            case LEASE_LOST -> before;
            case UNNEEDED -> outcome.reported() == null ? state.withUnneededNodes(outcome.unneededNodes())
                    : state.withUnneededNodes(outcome.unneededNodes()).withReported(outcome.reported());
            case PAUSE -> state.withPaused(true, outcome.reason());
            case RESUME -> state.withPaused(false, null).withFailures(0, state.lastFailureAt());
        };
    }

    /**
     * A join check that failed only for workers a Spot drain handed back to EC2 in the meantime: EC2
     * took them, our launch did not fail, so no failure is counted (no backoff for the next scale-up).
     */
    private static boolean reclaimedBeforeJoining(ScalingState before, Outcome outcome, Instant now) {
        if (!outcome.result().countsAsFailure() || outcome.instanceIds().isEmpty()) {
            return false;
        }
        return BlockedNode.spotInterrupted(before.blockedNodes(), now).containsAll(outcome.instanceIds());
    }

    /**
     * SUCCEEDED and PARTIAL changed the fleet, so the cooldown starts; FAILED and ABORTED left it as it
     * was; PREEMPTED changed it, but not by our decision.
     */
    private static boolean capacityChanged(Outcome outcome) {
        return switch (outcome.result()) {
            case SUCCEEDED, PARTIAL -> true;
            case FAILED, ABORTED, PREEMPTED -> false;
        };
    }

    /**
     * A scale-down of several workers: any removal starts the delay after a scale-down; only an error
     * counts a failure (an aborted drain is an answer about its node, which stays blocked); workers all
     * preempted change nothing.
     */
    private static ScalingState severalRemoved(ScalingState state, Outcome outcome, Instant now) {
        boolean removed = outcome.count() > 0;
        ScalingState after = removed ? state.withLastScaleDownAt(now) : state;
        if (outcome.firstFailedRemoval().isPresent()) {
            boolean sameDirection = after.consecutiveFailures() == 0 || after.failedAction() == ScalingAction.SCALE_DOWN;
            return after.withFailures(after.consecutiveFailures() + 1, now, sameDirection ? ScalingAction.SCALE_DOWN : null);
        }
        return outcome.result() == OutcomeResult.PREEMPTED ? after : after.withFailures(0, after.lastFailureAt());
    }

    private static ScalingState countResult(ScalingState state, Outcome outcome, Instant now, ScalingAction direction) {
        if (outcome.result() == OutcomeResult.PREEMPTED) {
            return state;
        }
        if (outcome.result().countsAsFailure()) {
            // Failures of both directions in a row back off both (null); a streak of one direction backs off that one.
            boolean sameDirection = state.consecutiveFailures() == 0 || state.failedAction() == direction;
            return state.withFailures(state.consecutiveFailures() + 1, now, sameDirection ? direction : null);
        }
        return state.withFailures(0, state.lastFailureAt());
    }

    private static List<BlockedNode> blockedAfter(ScalingState before, Outcome outcome, Instant now) {
        Map<String, BlockedNode> byInstance = new LinkedHashMap<>();
        for (BlockedNode node : before.blockedNodes()) {
            if (node.isActive(now)) {
                byInstance.put(node.instanceId(), node);
            }
        }
        boolean unfinishedScaleDown = outcome.action() == OutcomeAction.SCALE_DOWN
                && (outcome.result() == OutcomeResult.ABORTED || outcome.result() == OutcomeResult.FAILED);
        if (outcome.action() == OutcomeAction.SPOT_DRAIN) {
            outcome.instanceIds().forEach(id -> byInstance.put(id,
                    new BlockedNode(id, BlockedNode.SPOT_INTERRUPTED, now.plus(INTERRUPTED_MEMORY))));
        }
        for (BlockedNode node : outcome.addBlockedNodes()) {
            if (node.isActive(now)) {
                byInstance.put(node.instanceId(), node);
            }
        }
        for (NodeRemoval removal : outcome.removals()) {
            if (removal.result() == NodeRemoval.Result.ABORTED || removal.result() == NodeRemoval.Result.FAILED) {
                byInstance.put(removal.instanceId(), new BlockedNode(removal.instanceId(), removal.reason(),
                        now.plus(BLOCKED_NODE_MEMORY)));
            }
        }
        if (unfinishedScaleDown && outcome.removals().isEmpty()) {
            for (String instanceId : outcome.instanceIds()) {
                byInstance.put(instanceId, new BlockedNode(instanceId, outcome.reason(), now.plus(BLOCKED_NODE_MEMORY)));
            }
        }
        return List.copyOf(byInstance.values());
    }

    private static List<PendingLaunch> pendingAfter(ScalingState before, Outcome outcome) {
        Set<String> cleared = Set.copyOf(outcome.clearPendingLaunches());
        Map<String, PendingLaunch> byId = new LinkedHashMap<>();
        for (PendingLaunch launch : before.pendingLaunches()) {
            if (!cleared.contains(launch.instanceId())) {
                byId.put(launch.instanceId(), launch);
            }
        }
        for (PendingLaunch launch : outcome.addPendingLaunches()) {
            byId.put(launch.instanceId(), launch);
        }
        return List.copyOf(byId.values());
    }

    private static List<UnavailableOffering> offeringsAfter(ScalingState before, Outcome outcome, Instant now) {
        Map<String, UnavailableOffering> byKey = new LinkedHashMap<>();
        for (UnavailableOffering offering : before.unavailableOfferings()) {
            if (offering.until() != null && offering.isActive(now)) {
                byKey.put(key(offering), offering);
            }
        }
        for (UnavailableOffering offering : outcome.addUnavailableOfferings()) {
            if (offering.isActive(now)) {
                byKey.put(key(offering), offering);
            }
        }
        return List.copyOf(byKey.values());
    }

    private static String key(UnavailableOffering offering) {
        return offering.instanceType() + "|" + offering.availabilityZone() + "|" + offering.capacityType();
    }
}
