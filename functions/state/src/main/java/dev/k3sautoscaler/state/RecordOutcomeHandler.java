package dev.k3sautoscaler.state;

import com.amazonaws.services.lambda.runtime.Context;
import dev.k3sautoscaler.runtime.JsonStepHandler;
import dev.k3sautoscaler.runtime.StepMetrics;
import java.time.Instant;

/**
 * Step RecordOutcome (Lambda {@code record-outcome}): applies what a step did to the cluster's scaling
 * state (cooldowns, failure backoff, launches in flight, unavailable offerings; rules in
 * {@link dev.k3sautoscaler.core.state.OutcomeRules}) and appends it to the event log, in one
 * transaction, only while the lease is current. A retried call with the same outcome is not applied twice.
 * The Spot drain path and an operator's pause/resume, which never wait for the lock, record
 * {@code SPOT_DRAIN}, {@code PAUSE} and {@code RESUME} without a lease.
 *
 * <p>Input: {@code {"execution": "...", "lease": {...} (omit only for those), "outcome": {...},
 * "request": {...}, "decision": {...}, "startedAt": "..."}}. Output: {@link RecordOutcomeOutput} with the
 * rendered {@code notification} the workflow publishes (docs/notifications.md).
 *
 * <p>Metrics (docs/metrics-reference.md): ScaleUpEvents, ScaleDownEvents, ScalingFailures, NodeJoinLatency,
 * JoinTimeouts, DrainsAborted, SpotDrains, once per applied outcome.
 *
 * <p>Errors: {@code dev.k3sautoscaler.errors.LockLost} (not retryable),
 * {@code dev.k3sautoscaler.errors.InvalidStepInput}, {@code dev.k3sautoscaler.errors.StateStoreUnavailable}
 * (retryable), {@code dev.k3sautoscaler.errors.StateStoreRejected}.
 */
public final class RecordOutcomeHandler extends JsonStepHandler<RecordOutcomeInput, RecordOutcomeOutput> {
    private final OutcomeLog log;
    private final OutcomeMetrics metrics;

    public RecordOutcomeHandler() {
        this(new OutcomeLog(StateAccess.fromEnvironment(System.getenv())));
    }

    /** Tests and the simulator (another package) pass the log on DynamoDB Local with their clock. */
    public RecordOutcomeHandler(OutcomeLog log) {
        super(RecordOutcomeInput.class, "record-outcome", log.clusterId());
        this.log = log;
        this.metrics = new OutcomeMetrics(StepMetrics.forCluster(log.clusterId()));
    }

    @Override
    protected RecordOutcomeOutput handle(RecordOutcomeInput input, Context context) {
        OutcomeLog.Recorded recorded = log.apply(input.execution(), input.lease(), input.outcome(), input.basis());
        RecordOutcomeOutput result = recorded.output();
        Instant now = log.clock().instant();
        if (result.applied()) {
            // The state the outcome was applied to holds the launches a join names, with their launch times.
            metrics.emit(input.outcome(), recorded.before().pendingLaunches(), input.trigger(), input.startedAt(), now);
        }
        return result.withFailureOf(input.outcome()).withNotification(Notices.render(log.clusterId(), input.execution(),
                input.outcome(), input.request(), input.decision(), input.startedAt(), now));
    }
}
