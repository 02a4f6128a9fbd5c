package dev.k3sautoscaler.state;

import com.amazonaws.services.lambda.runtime.Context;
import dev.k3sautoscaler.runtime.InputCheck;
import dev.k3sautoscaler.runtime.Validatable;
import java.util.ArrayList;
import java.util.List;

/**
 * Step RenewLock (Lambda {@code renew-lock}): extends the lease to now + LOCK_TTL_SEC, for long
 * poll loops (join wait, drain wait) that outlive one lease. Only the current owner with the
 * current fencing token can renew.
 *
 * <p>Input: {@code {"execution": "...", "lease": {"owner", "fencingToken", "expiresAt"}}}.
 * Output: {@link RenewResult} (pass its lease on).
 *
 * <p>Errors: {@code dev.k3sautoscaler.errors.LockLost} (not retryable: stop actuating),
 * {@code dev.k3sautoscaler.errors.InvalidStepInput}, {@code dev.k3sautoscaler.errors.StateStoreUnavailable}
 * (retryable), {@code dev.k3sautoscaler.errors.StateStoreRejected}.
 */
public final class RenewLockHandler extends StateStepHandler<RenewLockHandler.Input, RenewResult> {

    public record Input(String execution, Lease lease) implements Validatable {
        @Override
        public List<String> validationProblems() {
            List<String> problems = new ArrayList<>(InputCheck.start().required("execution", execution).problems());
            problems.addAll(Lease.problems("lease", lease));
            return problems;
        }
    }

    public RenewLockHandler() {
        this(StateStore.fromEnvironment(System.getenv()));
    }

    /** Tests and the simulator (another package) pass a store on DynamoDB Local with their clock. */
    public RenewLockHandler(StateStore store) {
        super(Input.class, "renew-lock", store);
    }

    @Override
    protected RenewResult handle(Input input, Context context) {
        return store.renew(input.lease());
    }
}
