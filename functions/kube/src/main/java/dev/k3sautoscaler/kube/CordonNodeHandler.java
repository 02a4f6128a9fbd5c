package dev.k3sautoscaler.kube;

import com.amazonaws.services.lambda.runtime.Context;
import dev.k3sautoscaler.runtime.JsonStepHandler;
import dev.k3sautoscaler.state.LeaseFence;

/**
 * CordonNode: {@code spec.unschedulable=true} plus the NoSchedule taint {@code k3s-autoscaler/draining};
 * idempotent (a second call reports alreadyCordoned).
 *
 * <p>Errors: {@code dev.k3sautoscaler.errors.}InvalidStepInput, KubernetesApiUnavailable (retryable),
 * KubernetesAccessDenied, KubernetesRequestRejected,
 * ClusterCredentialsUnavailable (retryable), NodeNotFound, NodeNotManaged, LockLost (the lease given was taken
 * by another execution: nothing was done; not retryable), StateStoreUnavailable (retryable).
 */
public final class CordonNodeHandler extends JsonStepHandler<NodeStepInput, CordonNodeOutput> {
    public static final String STEP = "CordonNode";

    private final NodeOperations operations;
    private final LeaseFence fence;

    public CordonNodeHandler() {
        this(KubeSteps.fromEnvironment(System.getenv()), LeaseFence.fromEnvironment(System.getenv()));
    }

    /** For tests of the lockless path only: a lease in the input fails loudly (no state table to check it against). */
    public CordonNodeHandler(KubeSteps steps) {
        this(steps, LeaseFence.locklessOnly());
    }

    /** For tests and the simulator: steps over any client and clock, leases checked on any state table. */
    public CordonNodeHandler(KubeSteps steps, LeaseFence fence) {
        super(NodeStepInput.class, STEP, steps.settings().clusterId());
        this.operations = steps.operations();
        this.fence = fence;
    }

    @Override
    protected CordonNodeOutput handle(NodeStepInput input, Context context) {
        fence.confirm(input.lease());
        return operations.cordon(input.node(), input.drainPurpose());
    }
}
