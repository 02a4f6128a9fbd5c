package dev.k3sautoscaler.state;

import com.amazonaws.services.lambda.runtime.Context;

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
public final class RenewLockHandler extends StateStepHandler<LeaseInput, RenewResult> {

    public RenewLockHandler() {
        this(StateStore.fromEnvironment(System.getenv()));
    }

    /** Tests and the simulator (another package) pass a store on DynamoDB Local with their clock. */
    public RenewLockHandler(StateStore store) {
        super(LeaseInput.class, "renew-lock", store);
    }

    @Override
    protected RenewResult handle(LeaseInput input, Context context) {
        return store.renew(input.lease());
    }
}
