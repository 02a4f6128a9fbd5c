package dev.k3sautoscaler.state;

import com.amazonaws.services.lambda.runtime.Context;
import dev.k3sautoscaler.core.state.Outcome;
import dev.k3sautoscaler.core.state.OutcomeAction;
import dev.k3sautoscaler.core.state.OutcomeResult;
import dev.k3sautoscaler.runtime.JsonStepHandler;

/**
 * Step BreakLock (Lambda {@code break-lock}): an operator's break-lock. Removes the scaling lease
 * whatever its owner and records who broke it, why, and the previous holder and fencing token in the
 * event log (docs/operations-manual-controls.md). The previous holder's next write fails with
 * LockLost, so a still-running actuation cannot act on a lock it lost.
 *
 * <p>Input: {@code {"execution": "...", "request": {"requestedBy": "...", "reason": "..."}, "startedAt": "..."}}.
 * Output: {@link RecordOutcomeOutput} with the notice the workflow publishes.
 *
 * <p>Errors: {@code dev.k3sautoscaler.errors.InvalidStepInput},
 * {@code dev.k3sautoscaler.errors.StateStoreUnavailable} (retryable),
 * {@code dev.k3sautoscaler.errors.StateStoreRejected}.
 */
public final class BreakLockHandler extends JsonStepHandler<BreakLockInput, RecordOutcomeOutput> {
    private final LockBreaker breaker;

    public BreakLockHandler() {
        this(new LockBreaker(StateAccess.fromEnvironment(System.getenv())));
    }

    /** Tests and the simulator (another package) pass a breaker on DynamoDB Local with their clock. */
    public BreakLockHandler(LockBreaker breaker) {
        super(BreakLockInput.class, "break-lock", breaker.clusterId());
        this.breaker = breaker;
    }

    @Override
    protected RecordOutcomeOutput handle(BreakLockInput input, Context context) {
        RecordOutcomeOutput result = breaker.breakLock(input.execution(), input.request().requestedBy(), input.request().reason());
        Outcome recorded = Outcome.of(OutcomeAction.LOCK_BROKEN, OutcomeResult.SUCCEEDED, 0,
                result.reason().substring(result.reason().indexOf(": ") + 2));
        return result.withNotification(Notices.render(breaker.clusterId(), input.execution(), recorded, input.request(),
                null, input.startedAt(), breaker.clock().instant()));
    }
}
