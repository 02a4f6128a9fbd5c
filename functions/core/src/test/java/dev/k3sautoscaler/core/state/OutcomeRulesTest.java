package dev.k3sautoscaler.core.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k3sautoscaler.core.model.BlockedNode;
import dev.k3sautoscaler.core.model.PendingLaunch;
import dev.k3sautoscaler.core.model.ScalingAction;
import dev.k3sautoscaler.core.model.ScalingState;
import dev.k3sautoscaler.core.model.UnavailableOffering;
import dev.k3sautoscaler.core.model.UnneededNode;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class OutcomeRulesTest {
    private static final Instant EARLIER = Instant.parse("2026-01-01T09:00:00Z");
    private static final Instant NOW = Instant.parse("2026-01-01T10:00:00Z");

    private static PendingLaunch launch(String id) {
        return new PendingLaunch(id, "t3.small", "eu-west-1a", EARLIER);
    }

    private static UnavailableOffering offering(String az, Instant until) {
        return new UnavailableOffering("t3.small", az, "on-demand", until, "InsufficientInstanceCapacity");
    }

    private static ScalingState failedTwice() {
        return ScalingState.initial().withFailures(2, EARLIER);
    }

    private static Outcome outcome(OutcomeAction action, OutcomeResult result) {
        return Outcome.of(action, result, 1, action + " " + result);
    }

    @Test
    void successfulScaleUp_setsLastScaleUpAt_andResetsFailures() {
        // GIVEN two failures so far
        ScalingState before = failedTwice();

        // WHEN a scale-up succeeds
        ScalingState after = OutcomeRules.apply(before, outcome(OutcomeAction.SCALE_UP, OutcomeResult.SUCCEEDED), NOW);

        // THEN the cooldown starts now and the backoff is over
        assertEquals(NOW, after.lastScaleUpAt());
        assertEquals(0, after.consecutiveFailures());
        assertEquals(EARLIER, after.lastFailureAt(), "the last failure stays visible for the operator");
    }

    @Test
    void failedScaleUp_countsAFailure_andLeavesTheCooldownAlone() {
        // GIVEN two failures so far
        ScalingState before = failedTwice();

        // WHEN a scale-up fails
        ScalingState after = OutcomeRules.apply(before, outcome(OutcomeAction.SCALE_UP, OutcomeResult.FAILED), NOW);

        // THEN a third failure is counted at now, and no scale-up time is set (nothing launched)
        assertEquals(3, after.consecutiveFailures());
        assertEquals(NOW, after.lastFailureAt());
        assertNull(after.lastScaleUpAt());
    }

    @Test
    void partialScaleUp_startsTheCooldown_andCountsAFailure() {
        // WHEN 2 of 3 launches succeed
        ScalingState after = OutcomeRules.apply(ScalingState.initial(),
                outcome(OutcomeAction.SCALE_UP, OutcomeResult.PARTIAL), NOW);

        // THEN capacity changed (cooldown) and something failed (backoff)
        assertEquals(NOW, after.lastScaleUpAt());
        assertEquals(1, after.consecutiveFailures());
        assertEquals(NOW, after.lastFailureAt());
    }

    @Test
    void successfulScaleDown_setsLastScaleDownAt() {
        ScalingState after = OutcomeRules.apply(failedTwice(),
                outcome(OutcomeAction.SCALE_DOWN, OutcomeResult.SUCCEEDED), NOW);

        assertEquals(NOW, after.lastScaleDownAt());
        assertNull(after.lastScaleUpAt());
        assertEquals(0, after.consecutiveFailures());
    }

    @Test
    void abortedScaleDown_isNoFailure_butBlocksItsNode_soTheSameDrainIsNotRetriedAtOnce() {
        // GIVEN a drain a PodDisruptionBudget kept past its timeout
        Outcome aborted = new Outcome(OutcomeAction.SCALE_DOWN, OutcomeResult.ABORTED, 0, List.of("i-0ccc"),
                "1 pod blocked by a PodDisruptionBudget", null, List.of(), List.of(), List.of());

        // WHEN recorded
        ScalingState after = OutcomeRules.apply(ScalingState.initial(), aborted, NOW);

        // THEN no failure, no cooldown; the node is passed over for the blocked-node memory, then forgotten
        assertNull(after.lastScaleDownAt());
        assertEquals(0, after.consecutiveFailures());
        assertEquals("1 pod blocked by a PodDisruptionBudget", after.blocked("i-0ccc", NOW).orElseThrow().reason());
        assertTrue(after.blocked("i-0ccc", NOW.plus(OutcomeRules.BLOCKED_NODE_MEMORY)).isEmpty());
        ScalingState later = OutcomeRules.apply(after, outcome(OutcomeAction.NOOP, OutcomeResult.SUCCEEDED),
                NOW.plus(OutcomeRules.BLOCKED_NODE_MEMORY));
        assertEquals(List.of(), later.blockedNodes());
    }

    @Test
    void failedScaleDowns_backOffScaleDownsOnly_andAScaleUpFailureInBetweenBacksOffBoth() {
        // GIVEN a scale-down that failed twice
        ScalingState downFailed = OutcomeRules.apply(OutcomeRules.apply(ScalingState.initial(),
                outcome(OutcomeAction.SCALE_DOWN, OutcomeResult.FAILED), EARLIER),
                outcome(OutcomeAction.SCALE_DOWN, OutcomeResult.FAILED), NOW);

        // THEN the streak is a scale-down's: scale-ups are not held back
        assertEquals(2, downFailed.consecutiveFailures());
        assertEquals(dev.k3sautoscaler.core.model.ScalingAction.SCALE_DOWN, downFailed.failedAction());
        assertFalse(downFailed.failuresBlockScaleUp());

        // WHEN a scale-up fails next
        ScalingState both = OutcomeRules.apply(downFailed, outcome(OutcomeAction.SCALE_UP, OutcomeResult.FAILED), NOW);

        // THEN both directions back off
        assertEquals(3, both.consecutiveFailures());
        assertTrue(both.failuresBlockScaleUp());
    }

    @Test
    void preemptedScaleDown_changesNothing() {
        ScalingState before = failedTwice();

        ScalingState after = OutcomeRules.apply(before, outcome(OutcomeAction.SCALE_DOWN, OutcomeResult.PREEMPTED), NOW);

        assertEquals(before, after);
    }

    @Test
    void launch_recordsPendingLaunches_andJoinCheck_clearsThem() {
        // GIVEN a scale-up that launched two instances
        Outcome launched = new Outcome(OutcomeAction.SCALE_UP, OutcomeResult.SUCCEEDED, 2, List.of("i-1", "i-2"),
                "scale-up +2", null, List.of(launch("i-1"), launch("i-2")), List.of(), List.of());
        ScalingState inFlight = OutcomeRules.apply(ScalingState.initial(), launched, EARLIER);

        // WHEN the join check reports i-1 joined (i-2 still booting)
        Outcome joined = new Outcome(OutcomeAction.JOIN_CHECK, OutcomeResult.SUCCEEDED, 1, List.of("i-1"),
                "i-1 Ready", null, List.of(), List.of("i-1"), List.of());
        ScalingState after = OutcomeRules.apply(inFlight, joined, NOW);

        // THEN only i-2 is still in flight, and the scale-up time is the launch's, not the join's
        assertEquals(List.of("i-1", "i-2"), inFlight.pendingLaunches().stream().map(PendingLaunch::instanceId).toList());
        assertEquals(List.of("i-2"), after.pendingLaunches().stream().map(PendingLaunch::instanceId).toList());
        assertEquals(EARLIER, after.lastScaleUpAt());
    }

    @Test
    void joinCheck_withInstancesThatNeverJoined_countsAFailure() {
        ScalingState inFlight = ScalingState.initial().withPendingLaunches(List.of(launch("i-1")));
        Outcome neverJoined = new Outcome(OutcomeAction.JOIN_CHECK, OutcomeResult.FAILED, 1, List.of("i-1"),
                "i-1 not Ready after 600 s; terminated", "JoinTimeout", List.of(), List.of("i-1"), List.of());

        ScalingState after = OutcomeRules.apply(inFlight, neverJoined, NOW);

        assertTrue(after.pendingLaunches().isEmpty());
        assertEquals(1, after.consecutiveFailures());
    }

    @Test
    void addingTheSamePendingLaunchTwice_keepsOneEntry() {
        Outcome launched = new Outcome(OutcomeAction.SCALE_UP, OutcomeResult.SUCCEEDED, 1, List.of("i-1"),
                "scale-up +1", null, List.of(launch("i-1")), List.of(), List.of());
        ScalingState once = OutcomeRules.apply(ScalingState.initial(), launched, NOW);

        ScalingState twice = OutcomeRules.apply(once, launched, NOW);

        assertEquals(1, twice.pendingLaunches().size());
    }

    @Test
    void expiredUnavailableOfferings_arePruned_andNewOnesRemembered() {
        // GIVEN one offering that expired and one still active
        ScalingState before = new ScalingState(null, null, null, 0, List.of(),
                List.of(offering("eu-west-1a", NOW), offering("eu-west-1b", NOW.plusSeconds(60))), false, null);
        Outcome capacityError = new Outcome(OutcomeAction.SCALE_UP, OutcomeResult.FAILED, 0, List.of(),
                "no t3.small in eu-west-1c", "InsufficientCapacity", List.of(), List.of(),
                List.of(offering("eu-west-1c", NOW.plusSeconds(180)), offering("eu-west-1d", NOW.minusSeconds(1))));

        // WHEN an outcome is applied at NOW (the first one's until)
        ScalingState after = OutcomeRules.apply(before, capacityError, NOW);

        // THEN 1a (expired at NOW) and 1d (already expired) are gone; 1b stays; 1c is new
        assertEquals(List.of("eu-west-1b", "eu-west-1c"),
                after.unavailableOfferings().stream().map(UnavailableOffering::availabilityZone).toList());
    }

    @Test
    void rememberingAnOfferingAgain_replacesItsExpiry() {
        ScalingState before = new ScalingState(null, null, null, 0, List.of(),
                List.of(offering("eu-west-1a", NOW.plusSeconds(10))), false, null);
        Outcome again = new Outcome(OutcomeAction.SCALE_UP, OutcomeResult.FAILED, 0, List.of(), "still none", "X",
                List.of(), List.of(), List.of(offering("eu-west-1a", NOW.plusSeconds(300))));

        ScalingState after = OutcomeRules.apply(before, again, NOW);

        assertEquals(List.of(NOW.plusSeconds(300)), after.unavailableOfferings().stream().map(UnavailableOffering::until).toList());
    }

    @Test
    void spotDrain_andNoop_touchNeitherCooldownsNorFailures() {
        ScalingState before = failedTwice();

        for (OutcomeAction action : List.of(OutcomeAction.SPOT_DRAIN, OutcomeAction.NOOP)) {
            for (OutcomeResult result : OutcomeResult.values()) {
                ScalingState after = OutcomeRules.apply(before, outcome(action, result), NOW);
                assertEquals(before, after, action + "/" + result);
            }
        }
    }

    @Test
    void spotDrain_takesItsInstanceOutOfTheLaunches_andHoldsItAsInterrupted_withoutTouchingTheBackoff() {
        // GIVEN a launch in flight that EC2 warned it reclaims, and two failures so far
        ScalingState before = failedTwice().withPendingLaunches(List.of(launch("i-1"), launch("i-2")));
        Outcome drained = new Outcome(OutcomeAction.SPOT_DRAIN, OutcomeResult.SUCCEEDED, 1, List.of("i-1"), "i-1 is empty",
                null, List.of(), List.of("i-1"), List.of());

        ScalingState after = OutcomeRules.apply(before, drained, NOW);

        assertEquals(List.of(launch("i-2")), after.pendingLaunches());
        assertEquals(List.of(new BlockedNode("i-1", BlockedNode.SPOT_INTERRUPTED, NOW.plus(OutcomeRules.INTERRUPTED_MEMORY))),
                after.blockedNodes());
        assertEquals(before.withPendingLaunches(List.of(launch("i-2"))).withBlockedNodes(after.blockedNodes()), after,
                "no cooldown or failure change");
    }

    @Test
    void joinTimeout_ofAWorkerEc2TookBackMeanwhile_countsNoFailure_butAnyOtherOverdueWorkerDoes() {
        ScalingState before = failedTwice().withBlockedNodes(List.of(
                new BlockedNode("i-1", BlockedNode.SPOT_INTERRUPTED, NOW.plusSeconds(60))));
        Outcome reclaimed = new Outcome(OutcomeAction.JOIN_CHECK, OutcomeResult.PARTIAL, 1, List.of("i-1"), "0 of 1 Ready",
                null, List.of(), List.of(), List.of());
        Outcome alsoAnother = new Outcome(OutcomeAction.JOIN_CHECK, OutcomeResult.PARTIAL, 2, List.of("i-1", "i-2"),
                "0 of 2 Ready", null, List.of(), List.of(), List.of());

        assertEquals(2, OutcomeRules.apply(before, reclaimed, NOW).consecutiveFailures());
        assertEquals(3, OutcomeRules.apply(before, alsoAnother, NOW).consecutiveFailures());
        // a block that ran out is no evidence any more
        assertEquals(3, OutcomeRules.apply(before, reclaimed, NOW.plusSeconds(61)).consecutiveFailures());
    }

    @Test
    void pause_keepsTheReason_andResume_clearsItAndTheBackoff() {
        ScalingState paused = OutcomeRules.apply(failedTwice(),
                outcome(OutcomeAction.PAUSE, OutcomeResult.SUCCEEDED), NOW);
        ScalingState resumed = OutcomeRules.apply(paused, outcome(OutcomeAction.RESUME, OutcomeResult.SUCCEEDED), NOW);

        assertTrue(paused.paused());
        assertEquals("PAUSE SUCCEEDED", paused.pausedReason());
        assertFalse(resumed.paused());
        assertNull(resumed.pausedReason());
        assertEquals(0, resumed.consecutiveFailures());
    }

    @Test
    void unneeded_replacesOnlyTheTimers_andEveryOtherOutcomeKeepsThem() {
        ScalingState before = ScalingState.initial().withLastScaleDownAt(EARLIER)
                .withUnneededNodes(List.of(new UnneededNode("w-1", "i-1", EARLIER)));
        List<UnneededNode> timers = List.of(new UnneededNode("w-2", "i-2", NOW));

        ScalingState after = OutcomeRules.apply(before, Outcome.unneeded(timers, "per-node scale-down timers"), NOW);
        ScalingState afterNoop = OutcomeRules.apply(before, Outcome.of(OutcomeAction.NOOP, OutcomeResult.SUCCEEDED, 0, "x"), NOW);

        assertEquals(before.withUnneededNodes(timers), after);
        assertEquals(before.unneededNodes(), afterNoop.unneededNodes());
        assertTrue(OutcomeAction.UNNEEDED.lockless());
    }

    @Test
    void addedBlockedNodes_arePassedOverUntilTheirEnd_andExpiredOnesAreNotKept() {
        BlockedNode unmovable = new BlockedNode("i-1", "no place for pod shop/cart-1", NOW.plus(OutcomeRules.UNREMOVABLE_RECHECK));
        BlockedNode stale = new BlockedNode("i-2", "old", EARLIER);
        Outcome outcome = new Outcome(OutcomeAction.NOOP, OutcomeResult.SUCCEEDED, 0, List.of(), "no safe target", null,
                List.of(), List.of(), List.of(), List.of(), List.of(unmovable, stale), List.of());

        ScalingState after = OutcomeRules.apply(ScalingState.initial(), outcome, NOW);

        assertEquals(List.of(unmovable), after.blockedNodes());
        Outcome bad = new Outcome(OutcomeAction.NOOP, OutcomeResult.SUCCEEDED, 0, List.of(), "x", null,
                List.of(), List.of(), List.of(), List.of(), List.of(new BlockedNode("i-3", null, NOW)), List.of());
        assertEquals(List.of("outcome.addBlockedNodes[0] needs instanceId, reason and until"), bad.problems());
    }

    private static Outcome removals(NodeRemoval... removals) {
        return new Outcome(OutcomeAction.SCALE_DOWN, null, null, List.of(), "scale-down -3: unneeded", null, List.of(),
                List.of(), List.of(), List.of(), List.of(), List.of(removals));
    }

    private static NodeRemoval removal(String node, NodeRemoval.Result result, String reason) {
        return new NodeRemoval(node, "i-" + node, result, reason,
                result == NodeRemoval.Result.FAILED ? "dev.k3sautoscaler.errors.KubernetesApiUnavailable" : null);
    }

    @Test
    void severalRemovals_deriveTheResultCountAndReason_andBlockOnlyTheWorkersThatStayed() {
        Outcome outcome = removals(removal("w1", NodeRemoval.Result.REMOVED, "w1 is empty"),
                removal("w2", NodeRemoval.Result.ABORTED, "PDB shop/cart allows no eviction"),
                removal("w3", NodeRemoval.Result.REMOVED, "w3 is empty"));

        ScalingState after = OutcomeRules.apply(ScalingState.initial(), outcome, NOW);

        assertEquals(OutcomeResult.PARTIAL, outcome.result());
        assertEquals(2, outcome.count());
        assertEquals(List.of("i-w1", "i-w2", "i-w3"), outcome.instanceIds());
        assertEquals("scale-down -3: unneeded; not removed: w2 (aborted: PDB shop/cart allows no eviction)", outcome.reason());
        assertEquals(NOW, after.lastScaleDownAt());
        // An aborted drain is an answer about its node, not a failure of the autoscaler.
        assertEquals(0, after.consecutiveFailures());
        assertEquals(List.of("i-w2"), after.blockedNodes().stream().map(BlockedNode::instanceId).toList());
        assertTrue(outcome.firstFailedRemoval().isEmpty());
    }

    @Test
    void aFailedRemovalAmongSeveral_countsOneScaleDownFailure_andIsTheOneTheExecutionEndsWith() {
        Outcome outcome = removals(removal("w1", NodeRemoval.Result.REMOVED, "w1 is empty"),
                removal("w2", NodeRemoval.Result.FAILED, "API unavailable"),
                removal("w3", NodeRemoval.Result.PREEMPTED, "Spot interruption"));

        ScalingState after = OutcomeRules.apply(ScalingState.initial(), outcome, NOW);

        assertEquals(1, after.consecutiveFailures());
        assertEquals(ScalingAction.SCALE_DOWN, after.failedAction());
        assertEquals("w2", outcome.firstFailedRemoval().orElseThrow().node());
        assertEquals(List.of("i-w2"), after.blockedNodes().stream().map(BlockedNode::instanceId).toList());
    }

    @Test
    void aRemovalMissingItsResult_isNamedAsAProblem_notACrash() {
        Outcome malformed = removals(removal("w1", NodeRemoval.Result.REMOVED, "gone"),
                new NodeRemoval("w2", "i-w2", null, "?", null));

        assertEquals(List.of("outcome.result is required (one of " + List.of(OutcomeResult.values()) + ")",
                "outcome.removals[1] needs node, instanceId and result"), malformed.problems());
    }

    @Test
    void removalsAllPreempted_changeNothing_andRemovalsOutsideAScaleDownAreRefused() {
        Outcome preempted = removals(removal("w1", NodeRemoval.Result.PREEMPTED, "Spot interruption"));
        ScalingState before = ScalingState.initial().withFailures(2, EARLIER, ScalingAction.SCALE_DOWN);

        assertEquals(OutcomeResult.PREEMPTED, preempted.result());
        assertEquals(before, OutcomeRules.apply(before, preempted, NOW));
        Outcome misplaced = new Outcome(OutcomeAction.NOOP, OutcomeResult.SUCCEEDED, 0, List.of(), "x", null, List.of(),
                List.of(), List.of(), List.of(), List.of(), List.of(removal("w1", NodeRemoval.Result.REMOVED, "gone")));
        assertEquals(List.of("outcome.removals belong to SCALE_DOWN only"), misplaced.problems());
    }

    @Test
    void invalidOutcome_listsEveryProblem_andIsNeverApplied() {
        // GIVEN an outcome missing its action, result and reason, with a null pending launch
        Outcome bad = new Outcome(null, null, -1, Arrays.asList("i-1", " "), " ", null,
                Arrays.asList((PendingLaunch) null), List.of(), List.of());

        // WHEN / THEN
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> OutcomeRules.apply(ScalingState.initial(), bad, NOW));
        assertEquals(6, bad.problems().size(), bad.problems().toString());
        assertTrue(error.getMessage().contains("outcome.reason is required"), error.getMessage());
        assertTrue(error.getMessage().contains("outcome.addPendingLaunches[0]"), error.getMessage());
    }
}
