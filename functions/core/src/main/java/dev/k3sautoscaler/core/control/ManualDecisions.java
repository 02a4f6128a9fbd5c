package dev.k3sautoscaler.core.control;

import dev.k3sautoscaler.core.config.AutoscalerConfig;
import dev.k3sautoscaler.core.model.ClusterMetrics;
import dev.k3sautoscaler.core.model.FleetView;
import dev.k3sautoscaler.core.model.Decision;
import dev.k3sautoscaler.core.model.DecisionReason;
import dev.k3sautoscaler.core.model.ScaleTrigger;
import dev.k3sautoscaler.core.model.ScalingAction;
import dev.k3sautoscaler.core.model.ScalingState;
import dev.k3sautoscaler.core.policy.WorkerCount;
import java.time.Instant;
import java.util.List;

/**
 * The decision for an operator's force-scale-up / force-scale-down, made under the lock like any
 * other. A forced request skips the thresholds, cooldowns, backoff and a pause (the operator is the
 * policy now), never the bounds: like Cluster Autoscaler and Karpenter, nothing exceeds MAX_WORKERS,
 * and nothing goes below MIN_WORKERS (the next tick would only launch a replacement).
 */
public final class ManualDecisions {
    private ManualDecisions() {
    }

    public static Decision decide(ControlRequest request, ClusterMetrics metrics, ScalingState state,
                                  AutoscalerConfig config, Instant now) {
        return decide(request, metrics, FleetView.unobserved("no EC2 view"), state, config, now);
    }

    /** @param fleet what EC2 bills (MAX_WORKERS counts it); see {@link WorkerCount} */
    public static Decision decide(ControlRequest request, ClusterMetrics metrics, FleetView fleet, ScalingState state,
                                  AutoscalerConfig config, Instant now) {
        if (!metrics.available()) {
            return noop(new DecisionReason.ManualMetricsUnavailable(request.summary(), metrics.unavailableReason()), 0,
                    false);
        }
        WorkerCount workers = WorkerCount.of(metrics, fleet, state, now, config.joinTimeout());
        if (request.is(Trigger.FORCE_SCALE_UP)) {
            int room = config.maxWorkers() - workers.total();
            if (room <= 0) {
                return noop(new DecisionReason.ManualAtMaxWorkers(request.summary(), config.maxWorkers(), workers.total()),
                        workers.total(), true);
            }
            int count = Math.min(request.count(), room);
            return new Decision(ScalingAction.SCALE_UP, count, ScaleTrigger.MANUAL,
                    new DecisionReason.ManualScaleUp(count, request.summary(), workers.total(), request.count(),
                            config.maxWorkers()),
                    workers.total(), workers.total() + count, List.of(), List.of(), count < request.count());
        }
        if (request.is(Trigger.FORCE_SCALE_DOWN)) {
            if (workers.capacity() - 1 < config.minWorkers()) {
                return noop(new DecisionReason.ManualAtMinWorkers(request.summary(), workers.capacity(),
                        config.minWorkers()), workers.total(), false);
            }
            return new Decision(ScalingAction.SCALE_DOWN, 1, ScaleTrigger.MANUAL,
                    new DecisionReason.ManualScaleDown(request.summary(), workers.total()), workers.total(),
                    workers.total() - 1, List.of(), List.of(), false);
        }
        throw new IllegalArgumentException(request.trigger() + " is not decided by ManualDecisions");
    }

    /** True for the triggers {@link #decide} handles; everything else goes to the scaling policy. */
    public static boolean handles(ControlRequest request) {
        return request != null && (request.is(Trigger.FORCE_SCALE_UP) || request.is(Trigger.FORCE_SCALE_DOWN));
    }

    private static Decision noop(DecisionReason reason, int workers, boolean atMax) {
        return new Decision(ScalingAction.NOOP, 0, ScaleTrigger.MANUAL, reason, workers, workers, List.of(), List.of(), atMax);
    }
}
