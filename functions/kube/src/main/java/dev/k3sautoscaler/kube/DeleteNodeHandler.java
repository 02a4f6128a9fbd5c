package dev.k3sautoscaler.kube;

import com.amazonaws.services.lambda.runtime.Context;
import dev.k3sautoscaler.runtime.JsonStepHandler;

/**
 * DeleteNode: removes the Node object after its instance is terminated (K3s has no cloud controller
 * to do it). Already gone is success (alreadyGone=true).
 *
 * <p>Errors: {@code dev.k3sautoscaler.errors.}InvalidStepInput, KubernetesApiUnavailable (retryable),
 * KubernetesAccessDenied, KubernetesRequestRejected,
 * ClusterCredentialsUnavailable (retryable), NodeNotManaged.
 */
public final class DeleteNodeHandler extends JsonStepHandler<NodeStepInput, Outputs.DeleteNodeOutput> {
    public static final String STEP = "DeleteNode";

    private final NodeOperations operations;

    public DeleteNodeHandler() {
        this(KubeSteps.fromEnvironment(System.getenv()));
    }

    /** For tests and the simulator: steps over any client and clock. */
    public DeleteNodeHandler(KubeSteps steps) {
        super(NodeStepInput.class, STEP, steps.settings().clusterId());
        this.operations = steps.operations();
    }

    @Override
    protected Outputs.DeleteNodeOutput handle(NodeStepInput input, Context context) {
        return operations.delete(input.node());
    }
}
