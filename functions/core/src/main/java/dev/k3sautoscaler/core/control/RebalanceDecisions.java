package dev.k3sautoscaler.core.control;

import dev.k3sautoscaler.core.config.AutoscalerConfig;
import dev.k3sautoscaler.core.config.AutoscalerConfig.RebalanceAction;
import dev.k3sautoscaler.core.model.ClusterMetrics;
import dev.k3sautoscaler.core.model.Decision;
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
        String what = "rebalance recommendation for " + instance + " not acted on: ";
        if (fleet == null || !fleet.observed()) {
            return noop(what + "EC2 could not be read (" + (fleet == null ? "no EC2 view" : fleet.unobservedReason())
                    + "), so whether it is our worker is unknown", 0);
        }
        if (!fleet.billedInstanceIds().contains(instance)) {
            return noop(what + "it is not a running managed worker of this cluster (tags k3s-autoscaler/cluster and"
                    + " k3s-autoscaler/managed; never the master)", 0);
        }
        if (!metrics.available()) {
            return noop(what + "metrics unavailable (" + metrics.unavailableReason() + ")", 0);
        }
        WorkerCount workers = WorkerCount.of(metrics, fleet, state, now, config.joinTimeout());
        if (state.paused()) {
            return noop(what + "autoscaling is paused" + (state.pausedReason() == null ? "" : " ("
                    + state.pausedReason() + ")"), workers.total());
        }
        Instant backoffUntil = state.consecutiveFailures() == 0 || state.lastFailureAt() == null ? null
                : state.lastFailureAt().plus(config.backoffAfter(state.consecutiveFailures()));
        if (backoffUntil != null && now.isBefore(backoffUntil)) {
            return noop(what + "backing off after failed actuations until " + backoffUntil, workers.total());
        }
        if (config.rebalanceAction() == RebalanceAction.DRAIN) {
            return new Decision(ScalingAction.SCALE_DOWN, 1, ScaleTrigger.REBALANCE,
                    "scale-down -1: drain " + instance + " after an EC2 rebalance recommendation (REBALANCE_ACTION=drain); "
                            + workers.total() + " → " + (workers.total() - 1) + " workers",
                    workers.total(), workers.total() - 1, List.of(), List.of(), false);
        }
        String keeps = "; " + instance + " keeps running, and its Spot interruption drain removes it if one comes";
        if (workers.total() >= config.maxWorkers()) {
            return new Decision(ScalingAction.NOOP, 0, ScaleTrigger.REBALANCE, what + "no replacement at MAX_WORKERS="
                    + config.maxWorkers() + " (" + workers.total() + " workers)" + keeps, workers.total(),
                    workers.total(), List.of(), List.of(), true);
        }
        if (state.lastScaleUpAt() != null && now.isBefore(state.lastScaleUpAt().plus(config.cooldownUp()))) {
            return noop(what + "the scale-up cooldown lasts until " + state.lastScaleUpAt().plus(config.cooldownUp())
                    + keeps, workers.total());
        }
        return new Decision(ScalingAction.SCALE_UP, 1, ScaleTrigger.REBALANCE,
                "scale-up +1: replacement for " + instance + " after an EC2 rebalance recommendation; " + instance
                        + " leaves by scale-down once the replacement is Ready; " + workers.total() + " → "
                        + (workers.total() + 1) + " workers for a while",
                workers.total(), workers.total() + 1, List.of(), List.of(), false);
    }

    private static Decision noop(String reason, int workers) {
        return new Decision(ScalingAction.NOOP, 0, ScaleTrigger.REBALANCE, reason, workers, workers, List.of(),
                List.of(), false);
    }
}
