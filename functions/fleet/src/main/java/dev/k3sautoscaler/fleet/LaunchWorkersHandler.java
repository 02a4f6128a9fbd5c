package dev.k3sautoscaler.fleet;

import com.amazonaws.services.lambda.runtime.Context;
import dev.k3sautoscaler.idempotency.IdempotencyStore;
import dev.k3sautoscaler.idempotency.IdempotentResult;
import dev.k3sautoscaler.idempotency.IdempotentStep;
import dev.k3sautoscaler.runtime.JsonStepHandler;
import dev.k3sautoscaler.state.LeaseFence;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * State {@code LaunchWorkers}: starts {@code count} workers from the launch template, spread over
 * AZs, falling back over offerings on capacity errors ({@link WorkerLauncher}). At most once per
 * execution: a retry after it completed gets the stored result ({@link FleetIdempotency}).
 *
 * <p>No worker started at all is the outcome NONE, not an error: its refused offerings must reach the
 * state (the workflow records them, then fails with {@code InsufficientCapacity}).
 *
 * <p>Errors: {@code Ec2Unavailable} (retryable; a retry reuses the ClientTokens), {@code IdempotencyInProgress}
 * (retryable: an earlier attempt is still running), {@code StateStoreUnavailable} (retryable),
 * {@code Ec2AccessDenied}, {@code Ec2RequestRejected}, {@code IdempotencyPayloadMismatch},
 * {@code InvalidStepInput}, {@code LockLost} (the lease was taken by another execution: nothing launched or
 * terminated; not retryable).
 */
public final class LaunchWorkersHandler extends JsonStepHandler<LaunchWorkersInput, LaunchWorkersOutput> {
    public static final String STEP = "LaunchWorkers";
    private static final Logger LOG = LoggerFactory.getLogger(LaunchWorkersHandler.class);

    private final WorkerLauncher launcher;
    private final IdempotentStep<LaunchWorkersOutput> once;
    private final LeaseFence fence;

    public LaunchWorkersHandler() {
        this(FleetContext.fromEnvironment(System.getenv()), IdempotencyStore.fromEnvironment(System.getenv()),
                LeaseFence.fromEnvironment(System.getenv()));
    }

    /** For tests and the simulator: any EC2 endpoint, clock, idempotency table and state table. */
    public LaunchWorkersHandler(FleetContext fleet, IdempotencyStore store, LeaseFence fence) {
        super(LaunchWorkersInput.class, STEP, fleet.settings().clusterId());
        this.launcher = new WorkerLauncher(fleet.ec2(), fleet.settings(), fleet.clock());
        this.once = FleetIdempotency.step(store, STEP, LaunchWorkersOutput.class);
        this.fence = fence;
    }

    @Override
    protected LaunchWorkersOutput handle(LaunchWorkersInput input, Context context) {
        LOG.info("launching {} workers: {}", input.count(), input.reason());
        IdempotentResult<LaunchWorkersOutput> result = once.run(
                new FleetIdempotency.LaunchKey(input.execution(), input.count()), input.withoutLease(), () -> {
                    // The lease is checked inside the claim, right before EC2: a replayed result needs no lease.
                    fence.confirm(input.lease());
                    return launcher.launch(input);
                });
        LaunchWorkersOutput output = result.replayed() ? result.value().replayed() : result.value();
        LOG.info("{}: {}", output.outcome(), output.reason());
        return output;
    }
}
