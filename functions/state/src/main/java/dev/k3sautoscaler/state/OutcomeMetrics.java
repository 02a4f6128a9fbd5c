package dev.k3sautoscaler.state;

import dev.k3sautoscaler.core.model.PendingLaunch;
import dev.k3sautoscaler.core.state.Outcome;
import dev.k3sautoscaler.core.state.OutcomeAction;
import dev.k3sautoscaler.core.state.NodeRemoval;
import dev.k3sautoscaler.core.state.OutcomeResult;
import dev.k3sautoscaler.runtime.StepMetrics;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The scaling events as CloudWatch metrics, emitted by RecordOutcome once an outcome is applied (a
 * retried record is not counted twice). RecordOutcome is the one step every path ends in, so it
 * sees every launch, join, scale-down, Spot drain and failure exactly once.
 */
final class OutcomeMetrics {
    /** Step error names are reported without the package, as on the dashboard's legend. */
    private static final String ERROR_PACKAGE = "dev.k3sautoscaler.errors.";

    private final StepMetrics metrics;

    OutcomeMetrics(StepMetrics metrics) {
        this.metrics = metrics;
    }

    /**
     * @param pendingBefore launches in flight before this outcome was applied (their launch times
     *                      give the join latency)
     * @param trigger       the decision's trigger (Trigger dimension of the scale events), may be null
     * @param startedAt     the actuation's start (a scale-down's DrainDuration), may be null
     */
    void emit(Outcome outcome, List<PendingLaunch> pendingBefore, String trigger, Instant startedAt, Instant now) {
        String why = trigger == null || trigger.isBlank() ? "UNSPECIFIED" : trigger;
        int count = outcome.count() == null ? 0 : outcome.count();
        if (!outcome.removals().isEmpty()) {
            removals(outcome, why, startedAt, now);
            return;
        }
        if (outcome.result() == OutcomeResult.FAILED) {
            metrics.count(StepMetrics.SCALING_FAILURES, 1, "ErrorType", errorType(outcome.error()));
            return;
        }
        switch (outcome.action()) {
            case SCALE_UP -> metrics.count(StepMetrics.SCALE_UP_EVENTS, count, "Trigger", why);
            case SCALE_DOWN -> {
                if (outcome.result() == OutcomeResult.ABORTED) {
                    metrics.count(StepMetrics.DRAINS_ABORTED, 1);
                } else {
                    metrics.count(StepMetrics.SCALE_DOWN_EVENTS, count, "Trigger", why);
                    if (startedAt != null) {
                        metrics.milliseconds(StepMetrics.DRAIN_DURATION, Duration.between(startedAt, now).toMillis());
                    }
                }
            }
            case JOIN_CHECK -> joined(outcome, pendingBefore, now);
            case SPOT_DRAIN -> metrics.count(StepMetrics.SPOT_DRAINS, 1);
            default -> {
                // NOOP and PAUSE are not events worth a metric; the decision gauges cover them.
            }
        }
    }

    /** Several workers removed side by side: each removal, aborted drain and failure counts once. */
    private void removals(Outcome outcome, String why, Instant startedAt, Instant now) {
        long aborted = outcome.removals().stream().filter(r -> r.result() == NodeRemoval.Result.ABORTED).count();
        if (aborted > 0) {
            metrics.count(StepMetrics.DRAINS_ABORTED, aborted);
        }
        outcome.removals().stream()
                .filter(r -> r.result() == NodeRemoval.Result.FAILED || r.result() == NodeRemoval.Result.LEASE_LOST)
                .forEach(r -> metrics.count(StepMetrics.SCALING_FAILURES, 1, "ErrorType", errorType(r.error())));
        if (outcome.count() > 0) {
            metrics.count(StepMetrics.SCALE_DOWN_EVENTS, outcome.count(), "Trigger", why);
            if (startedAt != null) {
                metrics.milliseconds(StepMetrics.DRAIN_DURATION, Duration.between(startedAt, now).toMillis());
            }
        }
    }

    private void joined(Outcome outcome, List<PendingLaunch> pendingBefore, Instant now) {
        if (outcome.result() == OutcomeResult.PARTIAL) {
            metrics.count(StepMetrics.JOIN_TIMEOUTS, outcome.count() == null ? 0 : outcome.count());
            return;
        }
        List<String> joined = outcome.instanceIds() == null ? List.of() : outcome.instanceIds();
        for (PendingLaunch launch : pendingBefore) {
            if (joined.contains(launch.instanceId()) && launch.launchedAt() != null) {
                metrics.milliseconds(StepMetrics.NODE_JOIN_LATENCY, Duration.between(launch.launchedAt(), now).toMillis());
            }
        }
    }

    static String errorType(String error) {
        if (error == null || error.isBlank()) {
            return "Unknown";
        }
        return error.startsWith(ERROR_PACKAGE) ? error.substring(ERROR_PACKAGE.length()) : error;
    }
}
