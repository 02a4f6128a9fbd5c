package dev.k3sautoscaler.decide;

import dev.k3sautoscaler.core.model.ClusterMetrics;
import dev.k3sautoscaler.core.model.ScalingAction;
import dev.k3sautoscaler.runtime.StepMetrics;
import java.util.Map;

/**
 * What a decision tells the dashboard: the cluster's size and pressure as the policy saw them, and
 * each non-NOOP decision by trigger, and the workers scale-down could remove but keeps, by reason. Decide runs in the tick and again under the lock, so these are
 * gauges (read with Maximum/Average), not event counts; the events are RecordOutcome's.
 */
final class DecisionMetrics {
    private final StepMetrics metrics;

    DecisionMetrics(StepMetrics metrics) {
        this.metrics = metrics;
    }

    void emit(ClusterMetrics observed, DecideOutput decision) {
        if (observed == null || !observed.available()) {
            return; // no numbers is not zero: a gap in the graph is the honest answer
        }
        metrics.count(StepMetrics.WORKER_COUNT, decision.currentWorkers());
        if (observed.unschedulablePods() != null) {
            metrics.count(StepMetrics.UNSCHEDULABLE_PODS, observed.unschedulablePods());
        }
        metrics.count(StepMetrics.AT_MAX_CAPACITY, decision.atMaxCapacity() ? 1 : 0);
        metrics.count(StepMetrics.UNNEEDED_WORKERS, decision.unneeded().size());
        // Only the reasons of workers that could go: one metric per reason that occurs, not per worker.
        decision.keptUnneeded().forEach((reason, workers) -> metrics.count(StepMetrics.UNNEEDED_WORKERS_KEPT, workers,
                "Reason", reason));
        if (decision.action() != ScalingAction.NOOP) {
            metrics.emit(StepMetrics.SCALING_DECISIONS, 1, StepMetrics.Unit.COUNT,
                    Map.of("Action", decision.action().name(), "Trigger", decision.trigger().name()));
        }
    }
}
