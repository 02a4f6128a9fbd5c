package dev.k3sautoscaler.core.policy;

import dev.k3sautoscaler.core.config.AutoscalerConfig;
import dev.k3sautoscaler.core.model.ClusterMetrics;
import dev.k3sautoscaler.core.model.FleetView;
import dev.k3sautoscaler.core.model.Decision;
import dev.k3sautoscaler.core.model.DecisionReason;
import dev.k3sautoscaler.core.model.ScaleTrigger;
import dev.k3sautoscaler.core.model.ScalingAction;
import dev.k3sautoscaler.core.model.ScalingState;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The source design's rules, as its "Scaling Algorithm" section states them, kept only so the
 * simulator can run them side by side with {@link DefaultScalingPolicy}:
 * <ol>
 *   <li>within 5 minutes of the last scaling action (either way) → exit;</li>
 *   <li>pending pods &gt; 0 or CPU &gt; 70%, and nodes &lt; MAX → +1 node;</li>
 *   <li>CPU &lt; 30% and no pending pods, and nodes &gt; MIN → −1 node.</li>
 * </ol>
 * It reads the instantaneous CPU (no sustain window), counts registered workers, ignores memory,
 * requests and capacity in flight. It does use the unschedulable count rather than the design's
 * {@code kube_pod_status_phase{phase="Pending"}} series count, which would scale on every pod.
 */
public final class SeedBaselinePolicy implements ScalingPolicy {
    /** The design's single cooldown: "Duration: 5 minutes". */
    public static final Duration COOLDOWN = Duration.ofMinutes(5);
    /**
     * The design's "CPU &lt; 30%", of usage. Fixed here: CPU_DOWN now means a node's requests share,
     * and the baseline must stay what the design said.
     */
    public static final double CPU_DOWN_PERCENT = 30;

    @Override
    public Decision decide(ClusterMetrics metrics, FleetView fleet, ScalingState state, AutoscalerConfig config, Instant now) {
        // The source design counts Nodes only; the EC2 view is ignored on purpose, so the baseline stays what it was.
        if (!metrics.available()) {
            return noop(new DecisionReason.MetricsUnavailable(metrics.unavailableReason()), 0);
        }
        int nodes = metrics.workers().size();
        Instant lastAction = latest(state.lastScaleUpAt(), state.lastScaleDownAt());
        if (lastAction != null && now.isBefore(lastAction.plus(COOLDOWN))) {
            return noop(new DecisionReason.Cooldown(lastAction.plus(COOLDOWN)), nodes);
        }
        int pending = metrics.unschedulablePods();
        double cpu = metrics.cpuPercent();
        if ((pending > 0 || cpu > config.cpuUpPercent()) && nodes < config.maxWorkers()) {
            ScaleTrigger trigger = pending > 0 ? ScaleTrigger.UNSCHEDULABLE_PODS : ScaleTrigger.HIGH_CPU;
            return new Decision(ScalingAction.SCALE_UP, 1, trigger, new DecisionReason.BaselineScaleUp(pending, cpu),
                    nodes, nodes + 1, List.of(), List.of(), false);
        }
        if (cpu < CPU_DOWN_PERCENT && pending == 0 && nodes > config.minWorkers()) {
            return new Decision(ScalingAction.SCALE_DOWN, 1, ScaleTrigger.IDLE,
                    new DecisionReason.BaselineScaleDown(cpu), nodes, nodes - 1, List.of(), List.of(), false);
        }
        return noop(new DecisionReason.BaselineSteady(nodes, cpu, pending), nodes);
    }

    private static Instant latest(Instant a, Instant b) {
        if (a == null) {
            return b;
        }
        return b == null || a.isAfter(b) ? a : b;
    }

    private static Decision noop(DecisionReason reason, int nodes) {
        return new Decision(ScalingAction.NOOP, 0, ScaleTrigger.NONE, reason, nodes, nodes, List.of(), List.of(), false);
    }
}
