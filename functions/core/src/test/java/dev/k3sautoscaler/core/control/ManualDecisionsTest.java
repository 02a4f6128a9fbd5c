package dev.k3sautoscaler.core.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k3sautoscaler.core.config.AutoscalerConfig;
import dev.k3sautoscaler.core.model.ClusterMetrics;
import dev.k3sautoscaler.core.model.Decision;
import dev.k3sautoscaler.core.model.DecisionReason;
import dev.k3sautoscaler.core.model.ScaleTrigger;
import dev.k3sautoscaler.core.model.ScalingAction;
import dev.k3sautoscaler.core.model.ScalingState;
import dev.k3sautoscaler.core.model.WorkerNode;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ManualDecisionsTest {
    private static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");
    private static final AutoscalerConfig CONFIG = AutoscalerConfig.fromEnvironment(Map.of("MIN_WORKERS", "2", "MAX_WORKERS", "6"));

    private static ClusterMetrics workers(int count) {
        List<WorkerNode> nodes = IntStream.range(0, count)
                .mapToObj(i -> new WorkerNode("worker-" + i, "i-" + String.format("%017d", i), true, true)).toList();
        return new ClusterMetrics(true, null, NOW, 20.0, 20.0, 20.0, 30.0, 30.0, 30.0, 0, List.of(), 0, 0L, 0L, nodes);
    }

    private static ControlRequest request(Map<String, Object> input) {
        return ExecutionInputRules.validate(input, 6).request();
    }

    private static ControlRequest scaleUp(int count) {
        return request(Map.of("trigger", "force-scale-up", "count", count, "requestedBy", "alice"));
    }

    private static final ControlRequest SCALE_DOWN =
            ExecutionInputRules.validate(Map.of("trigger", "force-scale-down", "nodeName", "worker-1", "requestedBy", "bob"), 6).request();

    @Test
    void forceScaleUp_launchesTheRequestedCount_evenWhilePaused() {
        // GIVEN 3 workers and a paused autoscaler
        ScalingState paused = ScalingState.initial().withPaused(true, "INC-1");

        // WHEN alice forces +2
        Decision decision = ManualDecisions.decide(scaleUp(2), workers(3), paused, CONFIG, NOW);

        // THEN 2 workers are launched: the operator is the policy now
        assertEquals(ScalingAction.SCALE_UP, decision.action());
        assertEquals(2, decision.count());
        assertEquals(ScaleTrigger.MANUAL, decision.trigger());
        assertEquals(new DecisionReason.ManualScaleUp(2, "force-scale-up +2 requested by alice", 3, 2, 6), decision.why());
        assertFalse(decision.atMaxCapacity());
    }

    @Test
    void forceScaleUp_isClampedToMaxWorkers_andSaysSo() {
        // GIVEN 5 of MAX_WORKERS=6 WHEN alice forces +4
        Decision decision = ManualDecisions.decide(scaleUp(4), workers(5), ScalingState.initial(), CONFIG, NOW);

        // THEN one worker, never above the bound, and the reason names the cap
        assertEquals(1, decision.count());
        assertEquals(6, decision.targetWorkers());
        assertTrue(decision.atMaxCapacity());
        assertEquals(new DecisionReason.ManualScaleUp(1, "force-scale-up +4 requested by alice", 5, 4, 6), decision.why());
    }

    @Test
    void forceScaleUp_atMaxWorkers_doesNothing() {
        // GIVEN MAX_WORKERS reached WHEN forced THEN NOOP at max capacity
        Decision decision = ManualDecisions.decide(scaleUp(1), workers(6), ScalingState.initial(), CONFIG, NOW);

        assertEquals(ScalingAction.NOOP, decision.action());
        assertTrue(decision.atMaxCapacity());
        assertEquals(new DecisionReason.ManualAtMaxWorkers("force-scale-up +1 requested by alice", 6, 6), decision.why());
    }

    @Test
    void forceScaleDown_removesOne_whenAboveMinWorkers() {
        // GIVEN 3 ready workers, MIN_WORKERS=2 WHEN bob removes worker-1
        Decision decision = ManualDecisions.decide(SCALE_DOWN, workers(3), ScalingState.initial(), CONFIG, NOW);

        // THEN one scale-down, the node chosen later by SelectScaleDownTarget (nodeName only)
        assertEquals(ScalingAction.SCALE_DOWN, decision.action());
        assertEquals(1, decision.count());
        assertEquals(new DecisionReason.ManualScaleDown("force-scale-down of worker-1 requested by bob", 3), decision.why());
    }

    @Test
    void forceScaleDown_refusesToGoBelowMinWorkers() {
        // GIVEN exactly MIN_WORKERS ready WHEN bob removes one THEN NOOP: the next tick would only replace it
        Decision decision = ManualDecisions.decide(SCALE_DOWN, workers(2), ScalingState.initial(), CONFIG, NOW);

        assertEquals(ScalingAction.NOOP, decision.action());
        assertEquals(new DecisionReason.ManualAtMinWorkers("force-scale-down of worker-1 requested by bob", 2, 2),
                decision.why());
    }

    @Test
    void forcedRequests_neverActOnMissingMetrics() {
        // GIVEN Prometheus unreachable WHEN forced THEN NOOP: the worker count is unknown, so the bounds cannot be checked
        ClusterMetrics missing = new ClusterMetrics(false, "prometheus: connection refused", NOW, null, null, null, null,
                null, null, null, List.of(), null, null, null, List.of());

        Decision decision = ManualDecisions.decide(scaleUp(1), missing, ScalingState.initial(), CONFIG, NOW);

        assertEquals(ScalingAction.NOOP, decision.action());
        assertEquals(new DecisionReason.ManualMetricsUnavailable("force-scale-up +1 requested by alice",
                "prometheus: connection refused"), decision.why());
    }

    @Test
    void handles_onlyTheForcedTriggers() {
        // GIVEN each kind of request THEN only the forced ones bypass the policy
        assertTrue(ManualDecisions.handles(scaleUp(1)));
        assertTrue(ManualDecisions.handles(SCALE_DOWN));
        assertFalse(ManualDecisions.handles(request(Map.of("trigger", "scale"))));
        assertFalse(ManualDecisions.handles(null));
    }
}
