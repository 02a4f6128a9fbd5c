package dev.k3sautoscaler.state;

import com.amazonaws.services.lambda.runtime.Context;
import dev.k3sautoscaler.runtime.JsonStepHandler;
import dev.k3sautoscaler.runtime.StepMetrics;

/**
 * Step AcquireLock (Lambda {@code acquire-lock}): takes the cluster's scaling lock for this execution
 * and returns the lease and the current scaling state in one read, so Decide stays pure. A busy lock
 * is an answer ({@code acquired=false}, who holds it and until when), not an error.
 *
 * <p>Input: {@code {"execution": "<$$.Execution.Name>"}}. Output: {@link AcquireLockOutput}.
 *
 * <p>Metrics: LockBusy when the lock is held by another execution.
 *
 * <p>Errors: {@code dev.k3sautoscaler.errors.InvalidStepInput} (no execution),
 * {@code dev.k3sautoscaler.errors.StateStoreUnavailable} (retryable: throttling, 5xx),
 * {@code dev.k3sautoscaler.errors.StateStoreRejected} (table missing, access denied).
 */
public final class AcquireLockHandler extends JsonStepHandler<ExecutionInput, AcquireLockOutput> {
    private final ScalingLease lease;
    private final StepMetrics metrics;

    /** @param execution the Step Functions execution name; it becomes the lock owner */
    public AcquireLockHandler() {
        this(new ScalingLease(StateAccess.fromEnvironment(System.getenv())));
    }

    /** Tests and the simulator (another package) pass a lease on DynamoDB Local with their clock. */
    public AcquireLockHandler(ScalingLease lease) {
        super(ExecutionInput.class, "acquire-lock", lease.clusterId());
        this.lease = lease;
        this.metrics = StepMetrics.forCluster(lease.clusterId());
    }

    @Override
    protected AcquireLockOutput handle(ExecutionInput input, Context context) {
        AcquireLockOutput result = lease.acquire(input.execution());
        if (!result.acquired()) {
            metrics.count(StepMetrics.LOCK_BUSY, 1);
        }
        return result;
    }
}
