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
 * State {@code TerminateWorkers}: terminates this cluster's managed workers by id; idempotent
 * (already gone counts as done; a completed call's result is replayed from the idempotency store).
 * It does not delete the Node object — the Kubernetes step does.
 *
 * <p>Errors: {@code dev.k3sautoscaler.errors.RefusedToTerminate} (the master, an unmanaged or foreign
 * instance; nothing terminated; not retryable), {@code Ec2Unavailable}, {@code IdempotencyInProgress},
 * {@code StateStoreUnavailable} (retryable), {@code Ec2AccessDenied}, {@code Ec2RequestRejected},
 * {@code IdempotencyPayloadMismatch}, {@code InvalidStepInput} (not retryable).
 */
public final class TerminateWorkersHandler extends JsonStepHandler<TerminateWorkersInput, TerminateWorkersOutput> {
    public static final String STEP = "TerminateWorkers";
    private static final Logger LOG = LoggerFactory.getLogger(TerminateWorkersHandler.class);

    private final WorkerTerminator terminator;
    private final IdempotentStep<TerminateWorkersOutput> once;
    private final LeaseFence fence;

    public TerminateWorkersHandler() {
        this(FleetContext.fromEnvironment(System.getenv()), IdempotencyStore.fromEnvironment(System.getenv()),
                LeaseFence.fromEnvironment(System.getenv()));
    }

    /** For tests and the simulator: any EC2 endpoint, clock, idempotency table and state table. */
    public TerminateWorkersHandler(FleetContext fleet, IdempotencyStore store, LeaseFence fence) {
        super(TerminateWorkersInput.class, STEP, fleet.settings().clusterId());
        this.terminator = new WorkerTerminator(fleet.ec2(), fleet.settings());
        this.once = FleetIdempotency.step(store, STEP, TerminateWorkersOutput.class);
        this.fence = fence;
    }

    @Override
    protected TerminateWorkersOutput handle(TerminateWorkersInput input, Context context) {
        LOG.info("terminating {}: {}", input.instanceIds(), input.reason());
        IdempotentResult<TerminateWorkersOutput> result = once.run(
                new FleetIdempotency.TerminateKey(input.execution(), input.instanceIds()), input.withoutLease(), () -> {
                    // The lease is checked inside the claim, right before EC2: a replayed result needs no lease.
                    fence.confirm(input.lease());
                    return terminator.terminate(input);
                });
        TerminateWorkersOutput output = result.replayed() ? result.value().replayed() : result.value();
        LOG.info(output.reason());
        return output;
    }
}
