package dev.k3sautoscaler.kube;

import com.amazonaws.services.lambda.runtime.Context;
import dev.k3sautoscaler.runtime.JsonStepHandler;
import dev.k3sautoscaler.state.LeaseFence;

/**
 * DeleteNode: removes the Node object after its instance is terminated (K3s has no cloud controller
 * to do it). Already gone is success (alreadyGone=true).
 *
 * <p>Errors: {@code dev.k3sautoscaler.errors.}InvalidStepInput, KubernetesApiUnavailable (retryable),
 * KubernetesAccessDenied, KubernetesRequestRejected,
 * ClusterCredentialsUnavailable (retryable), NodeNotManaged, LockLost (the lease given was taken by another
 * execution: nothing was done; not retryable), StateStoreUnavailable (retryable).
 */
public final class DeleteNodeHandler extends JsonStepHandler<NodeStepInput, DeleteNodeOutput> {
    public static final String STEP = "DeleteNode";

    private final NodeOperations operations;
    private final LeaseFence fence;

    public DeleteNodeHandler() {
        this(KubeSteps.fromEnvironment(System.getenv()), LeaseFence.fromEnvironment(System.getenv()));
    }

    /** For tests of the lockless path only: a lease in the input fails loudly (no state table to check it against). */
    public DeleteNodeHandler(KubeSteps steps) {
        this(steps, LeaseFence.locklessOnly());
    }

    /** For tests and the simulator: steps over any client and clock, leases checked on any state table. */
    public DeleteNodeHandler(KubeSteps steps, LeaseFence fence) {
        super(NodeStepInput.class, STEP, steps.settings().clusterId());
        this.operations = steps.operations();
        this.fence = fence;
    }

    @Override
    protected DeleteNodeOutput handle(NodeStepInput input, Context context) {
        fence.confirm(input.lease());
        return operations.delete(input.node(), input.drainPurpose());
    }
}
