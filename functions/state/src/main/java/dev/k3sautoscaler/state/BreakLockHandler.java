package dev.k3sautoscaler.state;

import com.amazonaws.services.lambda.runtime.Context;
import dev.k3sautoscaler.core.control.ControlRequest;
import dev.k3sautoscaler.core.state.Outcome;
import dev.k3sautoscaler.core.state.OutcomeAction;
import dev.k3sautoscaler.core.state.OutcomeResult;
import dev.k3sautoscaler.runtime.InputCheck;
import dev.k3sautoscaler.runtime.JsonStepHandler;
import dev.k3sautoscaler.runtime.Validatable;
import java.util.List;

/**
 * Step BreakLock (Lambda {@code break-lock}): an operator's break-lock. Removes the scaling lease
 * whatever its owner and records who broke it, why, and the previous holder and fencing token in the
 * event log (docs/operations-manual-controls.md). The previous holder's next write fails with
 * LockLost, so a still-running actuation cannot act on a lock it lost.
 *
 * <p>Input: {@code {"execution": "...", "request": {"requestedBy": "...", "reason": "..."}, "startedAt": "..."}}.
 * Output: {@link RecordResult} with the notice the workflow publishes.
 *
 * <p>Errors: {@code dev.k3sautoscaler.errors.InvalidStepInput},
 * {@code dev.k3sautoscaler.errors.StateStoreUnavailable} (retryable),
 * {@code dev.k3sautoscaler.errors.StateStoreRejected}.
 */
public final class BreakLockHandler extends JsonStepHandler<BreakLockHandler.Input, RecordResult> {
    private final LockBreaker breaker;

    public record Input(String execution, ControlRequest request, java.time.Instant startedAt) implements Validatable {
        @Override
        public List<String> validationProblems() {
            return InputCheck.start()
                    .required("execution", execution)
                    .required("request", request)
                    .required("request.requestedBy", request == null ? null : request.requestedBy())
                    .required("request.reason", request == null ? null : request.reason())
                    .problems();
        }
    }

    public BreakLockHandler() {
        this(new LockBreaker(StateAccess.fromEnvironment(System.getenv())));
    }

    /** Tests and the simulator (another package) pass a breaker on DynamoDB Local with their clock. */
    public BreakLockHandler(LockBreaker breaker) {
        super(Input.class, "break-lock", breaker.clusterId());
        this.breaker = breaker;
    }

    @Override
    protected RecordResult handle(Input input, Context context) {
        RecordResult result = breaker.breakLock(input.execution(), input.request().requestedBy(), input.request().reason());
        Outcome recorded = Outcome.of(OutcomeAction.LOCK_BROKEN, OutcomeResult.SUCCEEDED, 0,
                result.reason().substring(result.reason().indexOf(": ") + 2));
        return result.withNotification(Notices.render(breaker.clusterId(), input.execution(), recorded, input.request(),
                null, input.startedAt(), breaker.clock().instant()));
    }
}
