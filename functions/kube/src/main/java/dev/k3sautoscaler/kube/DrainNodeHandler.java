package dev.k3sautoscaler.kube;

import com.amazonaws.services.lambda.runtime.Context;
import dev.k3sautoscaler.runtime.JsonStepHandler;
import dev.k3sautoscaler.state.LeaseFence;

/**
 * DrainNode: one eviction pass over the node's pods (policy/v1 Eviction API; DaemonSet, mirror and
 * finished pods skipped). The workflow loops DrainNode → Wait until {@code empty}, or until
 * DRAIN_TIMEOUT_SEC, then uncordons and aborts.
 *
 * <p>Errors: {@code dev.k3sautoscaler.errors.}InvalidStepInput, KubernetesApiUnavailable (retryable),
 * KubernetesAccessDenied, KubernetesRequestRejected,
 * ClusterCredentialsUnavailable (retryable), NodeNotFound, NodeNotManaged, LockLost (the lease given was taken
 * by another execution: nothing was done; not retryable), StateStoreUnavailable (retryable).
 */
public final class DrainNodeHandler extends JsonStepHandler<DrainNodeInput, DrainNodeOutput> {
    public static final String STEP = "DrainNode";

    private final NodeOperations operations;
    private final LeaseFence fence;

    public DrainNodeHandler() {
        this(KubeSteps.fromEnvironment(System.getenv()), LeaseFence.fromEnvironment(System.getenv()));
    }

    /** For tests of the lockless path only: a lease in the input fails loudly (no state table to check it against). */
    public DrainNodeHandler(KubeSteps steps) {
        this(steps, LeaseFence.locklessOnly());
    }

    /** For tests and the simulator: steps over any client and clock, leases checked on any state table. */
    public DrainNodeHandler(KubeSteps steps, LeaseFence fence) {
        super(DrainNodeInput.class, STEP, steps.settings().clusterId());
        this.operations = steps.operations();
        this.fence = fence;
    }

    @Override
    protected DrainNodeOutput handle(DrainNodeInput input, Context context) {
        fence.confirm(input.lease());
        return operations.drainPass(input.node(), input.drainPurpose(), input.startedAt());
    }
}
