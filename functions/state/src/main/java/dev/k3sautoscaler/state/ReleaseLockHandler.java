package dev.k3sautoscaler.state;

import com.amazonaws.services.lambda.runtime.Context;
import dev.k3sautoscaler.runtime.JsonStepHandler;
import dev.k3sautoscaler.runtime.StepMetrics;

/**
 * Step ReleaseLock (Lambda {@code release-lock}): releases the lease if it is still current. Idempotent
 * and safe on every failure path: an already released or superseded lease answers {@code released=false}
 * with the reason, and another execution's lock is never released.
 *
 * <p>Input: {@code {"execution": "...", "lease": {"owner", "fencingToken", "expiresAt"}}}, or
 * {@code {"execution": "...", "whateverItsToken": true}} after an AcquireLock whose answers were all
 * lost (it may have acquired; the execution's own lease is released, whatever its token).
 * Output: {@link ReleaseLockOutput}.
 *
 * <p>Errors: {@code dev.k3sautoscaler.errors.InvalidStepInput},
 * {@code dev.k3sautoscaler.errors.StateStoreUnavailable} (retryable),
 * {@code dev.k3sautoscaler.errors.StateStoreRejected}. Never LockLost.
 *
 * <p>Metrics: LockHoldTime (ms) when this call released the lock.
 */
public final class ReleaseLockHandler extends JsonStepHandler<LeaseInput, ReleaseLockOutput> {
    private final ScalingLease lease;
    private final StepMetrics metrics;

    public ReleaseLockHandler() {
        this(new ScalingLease(StateAccess.fromEnvironment(System.getenv())));
    }

    /** Tests and the simulator (another package) pass a lease on DynamoDB Local with their clock. */
    public ReleaseLockHandler(ScalingLease lease) {
        super(LeaseInput.class, "release-lock", lease.clusterId());
        this.lease = lease;
        this.metrics = StepMetrics.forCluster(lease.clusterId());
    }

    @Override
    protected ReleaseLockOutput handle(LeaseInput input, Context context) {
        ReleaseLockOutput result = input.releaseWhateverItsToken() ? lease.releaseHeldBy(input.execution())
                : lease.release(input.lease());
        if (result.released() && result.heldForSeconds() != null) {
            metrics.milliseconds(StepMetrics.LOCK_HOLD_TIME, result.heldForSeconds() * 1000);
        }
        return result;
    }
}
