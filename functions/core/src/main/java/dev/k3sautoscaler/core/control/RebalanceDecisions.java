package dev.k3sautoscaler.core.control;

import dev.k3sautoscaler.core.config.AutoscalerConfig;
import dev.k3sautoscaler.core.config.AutoscalerConfig.RebalanceAction;
import dev.k3sautoscaler.core.model.ClusterMetrics;
import dev.k3sautoscaler.core.model.Decision;
import dev.k3sautoscaler.core.model.DecisionReason;
import dev.k3sautoscaler.core.model.FleetView;
import dev.k3sautoscaler.core.model.ScaleTrigger;
import dev.k3sautoscaler.core.model.ScalingAction;
import dev.k3sautoscaler.core.model.ScalingState;
import dev.k3sautoscaler.core.policy.WorkerCount;
import java.time.Instant;
import java.util.List;

/**
 * The decision for an EC2 rebalance recommendation, made under the lock like any other. A
 * recommendation is not an interruption (the instance may run for hours yet), so it honours what a
 * scale-up or scale-down honours: only this cluster's managed workers, never while paused or backing
 * off, never past MAX_WORKERS, not within the scale-up cooldown. With {@code launch-replacement} a
 * worker is launched first and the recommended one leaves by the scale-down path once the replacement
 * is Ready; with {@code drain} it leaves by that path now.
 */
public final class RebalanceDecisions {
    private RebalanceDecisions() {
    }

    public static boolean handles(ControlRequest request) {
        return request != null && request.is(Trigger.REBALANCE);
    }

    public static Decision decide(ControlRequest request, ClusterMetrics metrics, FleetView fleet, ScalingState state,
                                  AutoscalerConfig config, Instant now) {
        String instance = request.instanceId();
        if (fleet == null || !fleet.observed()) {
            return noop(new DecisionReason.RebalanceEc2Unknown(instance,
                    fleet == null ? "no EC2 view" : fleet.unobservedReason()), 0);
        }
        if (!fleet.billedInstanceIds().contains(instance)) {
            return noop(new DecisionReason.RebalanceNotOurs(instance), 0);
        }
        if (!metrics.available()) {
            return noop(new DecisionReason.RebalanceMetricsUnavailable(instance, metrics.unavailableReason()), 0);
        }
        WorkerCount workers = WorkerCount.of(metrics, fleet, state, now, config.joinTimeout());
        if (state.paused()) {
            return noop(new DecisionReason.RebalancePaused(instance, state.pausedReason()), workers.total());
        }
        Instant backoffUntil = state.consecutiveFailures() == 0 || state.lastFailureAt() == null ? null
                : state.lastFailureAt().plus(config.backoffAfter(state.consecutiveFailures()));
        if (backoffUntil != null && now.isBefore(backoffUntil)) {
            return noop(new DecisionReason.RebalanceBackingOff(instance, backoffUntil), workers.total());
        }
        if (config.rebalanceAction() == RebalanceAction.DRAIN) {
            return new Decision(ScalingAction.SCALE_DOWN, 1, ScaleTrigger.REBALANCE,
                    new DecisionReason.RebalanceDrain(instance, workers.total()),
                    workers.total(), workers.total() - 1, List.of(), List.of(), false);
        }
        if (workers.total() >= config.maxWorkers()) {
            return new Decision(ScalingAction.NOOP, 0, ScaleTrigger.REBALANCE,
                    new DecisionReason.RebalanceAtMaxWorkers(instance, config.maxWorkers(), workers.total()),
                    workers.total(), workers.total(), List.of(), List.of(), true);
        }
        if (state.lastScaleUpAt() != null && now.isBefore(state.lastScaleUpAt().plus(config.cooldownUp()))) {
            return noop(new DecisionReason.RebalanceCooldown(instance, state.lastScaleUpAt().plus(config.cooldownUp())),
                    workers.total());
        }
        return new Decision(ScalingAction.SCALE_UP, 1, ScaleTrigger.REBALANCE,
                new DecisionReason.RebalanceReplace(instance, workers.total()),
                workers.total(), workers.total() + 1, List.of(), List.of(), false);
    }

    private static Decision noop(DecisionReason reason, int workers) {
        return new Decision(ScalingAction.NOOP, 0, ScaleTrigger.REBALANCE, reason, workers, workers, List.of(),
                List.of(), false);
    }
}
