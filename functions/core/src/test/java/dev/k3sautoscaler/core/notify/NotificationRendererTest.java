package dev.k3sautoscaler.core.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k3sautoscaler.core.control.ControlRequest;
import dev.k3sautoscaler.core.control.ExecutionInputRules;
import dev.k3sautoscaler.core.state.Outcome;
import dev.k3sautoscaler.core.state.OutcomeAction;
import dev.k3sautoscaler.core.state.OutcomeResult;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NotificationRendererTest {
    private static final ControlRequest TICK = request(Map.of("trigger", "scale", "requestedBy", "tick-20261123-1200"));

    private static ControlRequest request(Map<String, Object> input) {
        return ExecutionInputRules.validate(input, 10).request();
    }

    private static Outcome outcome(OutcomeAction action, OutcomeResult result, int count, List<String> ids, String reason,
                                   String error) {
        return new Outcome(action, result, count, ids, reason, error, List.of(), List.of(), List.of());
    }

    private static NotificationFacts facts(Outcome outcome, ControlRequest request, Integer before, Integer after,
                                           boolean atMax, String decisionReason, Duration took) {
        return new NotificationFacts("k3s-main", "scale-up-20261123-1200", outcome, request, before, after, atMax,
                decisionReason, took);
    }

    @Test
    void workersJoined_readsAsSlackText_withTheDecisionsNumbers() {
        // GIVEN 3 workers joined after a decision for 7 unschedulable pods
        Outcome joined = outcome(OutcomeAction.JOIN_CHECK, OutcomeResult.SUCCEEDED, 3,
                List.of("i-0a", "i-0b", "i-0c"), "3 of 3 workers Ready", null);

        // WHEN rendered
        Notification notice = NotificationRenderer.render(facts(joined, TICK, 2, 5, false,
                "scale-up +3: 7 unschedulable pods need 3.5 vCPU; capacity in flight 0; 2 → 5 workers", Duration.ofSeconds(100)));

        // THEN one line an operator reads in Slack, and attributes a subscription can filter on
        assertTrue(notice.publish());
        assertEquals("scale-up", notice.event());
        assertEquals("Added 3 workers → 5 workers (7 unschedulable pods need 3.5 vCPU; capacity in flight 0; 2 → 5 workers)"
                + " — 1 min 40 s", notice.text());
        assertEquals("[k3s-main] Added 3 workers -> 5 workers (7 unschedulable pods need 3.5 vCPU; capacity in flight ...",
                notice.subject());
        assertEquals(Map.of("event", "scale-up", "cluster", "k3s-main", "outcome", "SUCCEEDED",
                "execution", "scale-up-20261123-1200", "trigger", "scale", "requestedBy", "tick-20261123-1200"),
                notice.attributes());
        assertEquals(Map.of("count", 3L, "workersBefore", 2L, "workersAfter", 5L), notice.numbers());
    }

    @Test
    void cappedScaleUp_isAnAtMaxCapacityNotice() {
        // GIVEN a join after a scale-up capped by MAX_WORKERS
        Outcome joined = outcome(OutcomeAction.JOIN_CHECK, OutcomeResult.SUCCEEDED, 1, List.of("i-0a"), "1 of 1 Ready", null);

        // WHEN rendered THEN the event says the cluster is at its ceiling
        Notification notice = NotificationRenderer.render(facts(joined, TICK, 9, 10, true,
                "scale-up +1: 12 unschedulable pods need 6 vCPU; capacity in flight 0; 9 → 10 workers (wanted +3, capped by MAX_WORKERS=10)", null));

        assertEquals("at-max-capacity", notice.event());
        assertEquals("Added 1 worker → 10 workers (12 unschedulable pods need 6 vCPU; capacity in flight 0; 9 → 10 workers "
                + "(wanted +3, capped by MAX_WORKERS=10)); at MAX_WORKERS", notice.text());
    }

    @Test
    void scaleDown_namesTheInstance_andTheWorkersLeft() {
        Outcome down = outcome(OutcomeAction.SCALE_DOWN, OutcomeResult.SUCCEEDED, 1, List.of("i-0ccc"), "idle", null);

        Notification notice = NotificationRenderer.render(facts(down, TICK, 4, 3, false,
                "scale-down -1: idle for 10 min (CPU at most 12% < 30%, memory at most 20% < 50%, no unschedulable pods); 4 → 3 workers",
                Duration.ofSeconds(42)));

        assertEquals("scale-down", notice.event());
        assertEquals("Removed 1 worker (i-0ccc) → 3 workers (idle for 10 min (CPU at most 12% < 30%, memory at most 20% < 50%, "
                + "no unschedulable pods); 4 → 3 workers) — 42 s", notice.text());
    }

    @Test
    void failure_namesTheErrorsSimpleName_andTheCause() {
        Outcome failed = outcome(OutcomeAction.SCALE_UP, OutcomeResult.FAILED, 0, List.of(),
                "no offering had capacity: t3.small in eu-west-1a, eu-west-1b", "dev.k3sautoscaler.errors.InsufficientCapacity");

        Notification notice = NotificationRenderer.render(facts(failed, TICK, 2, 4, false, "scale-up +2: …", Duration.ofSeconds(9)));

        assertTrue(notice.publish());
        assertEquals("failure", notice.event());
        assertEquals("Scaling failed (scale-up) with InsufficientCapacity: no offering had capacity: t3.small in eu-west-1a, "
                + "eu-west-1b — 9 s", notice.text());
        assertEquals("dev.k3sautoscaler.errors.InsufficientCapacity", notice.attributes().get("error"));
        assertTrue(notice.attributes().size() + notice.numbers().size() <= NotificationRenderer.MAX_ATTRIBUTES,
                "SNS refuses more than 10 message attributes; a failure carries the most");
    }

    @Test
    void joinTimeout_andDrainAborted_areNoticesOfTheirOwn() {
        Outcome timeout = outcome(OutcomeAction.JOIN_CHECK, OutcomeResult.PARTIAL, 1, List.of("i-0bbb"),
                "1 of 2 never became Ready within 600 s", null);
        Outcome aborted = outcome(OutcomeAction.SCALE_DOWN, OutcomeResult.ABORTED, 0, List.of("i-0ccc"),
                "drain timed out after 300 s: 1 pod blocked by a PodDisruptionBudget", null);

        assertEquals("Scale-up incomplete: 1 worker not Ready by JOIN_TIMEOUT_SEC (i-0bbb), terminated by the next reconcile: "
                        + "1 of 2 never became Ready within 600 s",
                NotificationRenderer.render(facts(timeout, TICK, 2, 4, false, null, null)).text());
        Notification drain = NotificationRenderer.render(facts(aborted, TICK, 4, 3, false, null, null));
        assertEquals("drain-aborted", drain.event());
        assertEquals("Scale-down aborted, i-0ccc uncordoned and passed over for 30 min: drain timed out after 300 s: 1 pod blocked by a PodDisruptionBudget",
                drain.text());
    }

    @Test
    void spotDrain_andRebalance_sayWhichWarningItWas() {
        Outcome drained = outcome(OutcomeAction.SPOT_DRAIN, OutcomeResult.SUCCEEDED, 1, List.of("i-0ddd00ff"), "w1 is empty", null);
        ControlRequest spot = request(Map.of("trigger", "spot-interruption", "instanceId", "i-0ddd00ff"));
        ControlRequest rebalance = request(Map.of("trigger", "rebalance", "instanceId", "i-0ddd00ff"));

        assertEquals("Spot interruption on i-0ddd00ff: w1 is empty; its Node deleted; the next tick replaces the capacity — 31 s",
                NotificationRenderer.render(facts(drained, spot, null, null, false, null, Duration.ofSeconds(31))).text());
        assertEquals("Rebalance recommendation on i-0ddd00ff: w1 is empty; its Node deleted; the next tick replaces the capacity",
                NotificationRenderer.render(facts(drained, rebalance, null, null, false, null, null)).text());
    }

    @Test
    void spotDrain_thatReachedItsDeadline_isNotCalledDrained() {
        // GIVEN a Spot drain that ended at its budget with a pod still on the node
        Outcome atDeadline = outcome(OutcomeAction.SPOT_DRAIN, OutcomeResult.SUCCEEDED, 1, List.of("i-0ddd00ff"),
                "w1: deadline reached with 1 pod left; blocked by a PodDisruptionBudget (429): default/db-0", null);
        ControlRequest spot = request(Map.of("trigger", "spot-interruption", "instanceId", "i-0ddd00ff"));

        // WHEN rendered / THEN the notice repeats how the drain ended and never claims it drained the node
        String text = NotificationRenderer.render(facts(atDeadline, spot, null, null, false, null, null)).text();
        assertFalse(text.contains("drained"), text);
        assertTrue(text.contains("deadline reached with 1 pod left"), text);
    }

    @Test
    void operatorControls_sayWhoAndWhy() {
        ControlRequest pause = request(Map.of("trigger", "pause", "requestedBy", "alice", "reason", "INC-123"));
        ControlRequest resume = request(Map.of("trigger", "resume", "requestedBy", "alice"));
        ControlRequest breakLock = request(Map.of("trigger", "break-lock", "requestedBy", "alice", "reason", "stuck"));

        assertEquals("Autoscaling paused by alice: INC-123; every tick does nothing until resume",
                NotificationRenderer.render(facts(Outcome.of(OutcomeAction.PAUSE, OutcomeResult.SUCCEEDED, 0,
                        "pause requested by alice: INC-123"), pause, null, null, false, null, null)).text());
        assertEquals("Autoscaling resumed by alice; the failure backoff starts over",
                NotificationRenderer.render(facts(Outcome.of(OutcomeAction.RESUME, OutcomeResult.SUCCEEDED, 0,
                        "resume requested by alice"), resume, null, null, false, null, null)).text());
        Notification broken = NotificationRenderer.render(facts(Outcome.of(OutcomeAction.LOCK_BROKEN, OutcomeResult.SUCCEEDED, 0,
                "lease of scale-up-20261123-1200 (token 7) removed"), breakLock, null, null, false, null, null));
        assertEquals("lock-broken", broken.event());
        assertEquals("Scaling lock broken by alice: lease of scale-up-20261123-1200 (token 7) removed", broken.text());
    }

    @Test
    void noop_isSilent_unlessAtMaxCapacity_orAnOperatorAsked() {
        ControlRequest forcedUp = request(Map.of("trigger", "force-scale-up", "count", 2, "requestedBy", "alice"));
        ControlRequest forcedDown = request(Map.of("trigger", "force-scale-down", "nodeName", "w1", "requestedBy", "bob"));
        Outcome steady = Outcome.of(OutcomeAction.NOOP, OutcomeResult.SUCCEEDED, 0, "no action: steady");
        Outcome atMaxTick = Outcome.of(OutcomeAction.NOOP, OutcomeResult.SUCCEEDED, 0,
                "no action: at MAX_WORKERS=10 (10 workers); 4 unschedulable pods need 2 vCPU");
        Outcome atMaxForced = Outcome.of(OutcomeAction.NOOP, OutcomeResult.SUCCEEDED, 0,
                "force-scale-up +2 requested by alice not done: already at MAX_WORKERS=10 (10 workers)");
        Outcome unsafeTarget = Outcome.of(OutcomeAction.NOOP, OutcomeResult.SUCCEEDED, 0,
                "no safe scale-down target: w1 runs StatefulSet pod shop/db-0");

        assertFalse(NotificationRenderer.render(facts(steady, TICK, 3, 3, false, "no action: steady", null)).publish());
        assertEquals("At maximum capacity: no action: at MAX_WORKERS=10 (10 workers); 4 unschedulable pods need 2 vCPU",
                NotificationRenderer.render(facts(atMaxTick, TICK, 10, 10, true, atMaxTick.reason(), null)).text());
        Notification refusedUp = NotificationRenderer.render(facts(atMaxForced, forcedUp, 10, 10, true, atMaxForced.reason(), null));
        assertEquals("at-max-capacity", refusedUp.event());
        assertEquals("At maximum capacity: force-scale-up +2 requested by alice not done: already at MAX_WORKERS=10 (10 workers)",
                refusedUp.text());
        Notification refusedDown = NotificationRenderer.render(facts(unsafeTarget, forcedDown, 3, 2, false,
                "scale-down -1: force-scale-down of w1 requested by bob; 3 → 2 workers", null));
        assertEquals("control-refused", refusedDown.event());
        assertEquals("force-scale-down of w1 requested by bob not done: no safe scale-down target: w1 runs StatefulSet pod shop/db-0",
                refusedDown.text());
    }

    @Test
    void launchRecord_isSilent_theJoinCheckNotifies() {
        Outcome launched = outcome(OutcomeAction.SCALE_UP, OutcomeResult.SUCCEEDED, 2, List.of("i-0a", "i-0b"), "launched 2", null);

        assertFalse(NotificationRenderer.render(facts(launched, TICK, 2, 4, false, null, null)).publish());
    }

    @Test
    void subject_isAsciiAndUnder100Characters() {
        String subject = NotificationRenderer.subject("k3s-main", "Added 3 workers → 5 workers — " + "é".repeat(200));

        assertTrue(subject.length() < 100);
        assertTrue(subject.chars().allMatch(c -> c >= 0x20 && c <= 0x7E), subject);
        assertTrue(subject.startsWith("[k3s-main] Added 3 workers -> 5 workers - ???"), subject);
    }
}
