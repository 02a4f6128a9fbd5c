package dev.k3sautoscaler.core.control;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.k3sautoscaler.core.config.AutoscalerConfig;
import dev.k3sautoscaler.core.model.ClusterMetrics;
import dev.k3sautoscaler.core.model.Decision;
import dev.k3sautoscaler.core.model.DecisionReason;
import dev.k3sautoscaler.core.model.FleetView;
import dev.k3sautoscaler.core.model.ScaleTrigger;
import dev.k3sautoscaler.core.model.ScalingAction;
import dev.k3sautoscaler.core.model.ScalingState;
import dev.k3sautoscaler.core.model.WorkerNode;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RebalanceDecisionsTest {
    private static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");

    private static String id(int i) {
        return "i-" + String.format("%017d", i);
    }

    private static ClusterMetrics workers(int count) {
        List<WorkerNode> nodes = IntStream.range(0, count)
                .mapToObj(i -> new WorkerNode("worker-" + i, id(i), true, true)).toList();
        return new ClusterMetrics(true, null, NOW, 20.0, 20.0, 20.0, 30.0, 30.0, 30.0, 0, List.of(), 0, 0L, 0L, nodes);
    }

    private static FleetView fleet(int count) {
        return FleetView.observed(IntStream.range(0, count).mapToObj(RebalanceDecisionsTest::id).toList(), List.of());
    }

    private static ControlRequest rebalance(String instanceId) {
        return ExecutionInputRules.validate(Map.of("trigger", "rebalance", "instanceId", instanceId), 6).request();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            // case                     | action             | workers | instance | state      | expected   | reason
            "replacement                | launch-replacement | 3       | 1        | fresh      | SCALE_UP   | REBALANCE_REPLACE",
            "replacement at MAX         | launch-replacement | 6       | 1        | fresh      | NOOP       | REBALANCE_AT_MAX_WORKERS",
            "replacement while paused   | launch-replacement | 3       | 1        | paused     | NOOP       | REBALANCE_PAUSED",
            "replacement backing off    | launch-replacement | 3       | 1        | failed     | NOOP       | REBALANCE_BACKING_OFF",
            "replacement in cooldown    | launch-replacement | 3       | 1        | scaledUp   | NOOP       | REBALANCE_COOLDOWN",
            "not our instance           | launch-replacement | 3       | 9        | fresh      | NOOP       | REBALANCE_NOT_OURS",
            "drain                      | drain              | 3       | 1        | fresh      | SCALE_DOWN | REBALANCE_DRAIN",
            "drain while paused         | drain              | 3       | 1        | paused     | NOOP       | REBALANCE_PAUSED",
            "drain of another's         | drain              | 3       | 9        | fresh      | NOOP       | REBALANCE_NOT_OURS"})
    void decide(String name, String action, int count, int instance, String state, ScalingAction expected,
                DecisionReason.Code reason) {
        // GIVEN REBALANCE_ACTION, the cluster and its state
        AutoscalerConfig config = AutoscalerConfig.fromEnvironment(Map.of("MAX_WORKERS", "6", "REBALANCE_ACTION", action));
        ScalingState scalingState = switch (state) {
            case "paused" -> ScalingState.initial().withPaused(true, "INC-7");
            case "failed" -> ScalingState.initial().withFailures(1, NOW.minusSeconds(5));
            case "scaledUp" -> ScalingState.initial().withLastScaleUpAt(NOW.minusSeconds(30));
            default -> ScalingState.initial();
        };

        // WHEN a recommendation for the instance is decided
        Decision decision = RebalanceDecisions.decide(rebalance(id(instance)), workers(count), fleet(count),
                scalingState, config, NOW);

        // THEN
        assertEquals(expected, decision.action(), decision.reason());
        assertEquals(ScaleTrigger.REBALANCE, decision.trigger());
        assertEquals(reason, decision.reasonCode(), decision.reason());
    }
}
