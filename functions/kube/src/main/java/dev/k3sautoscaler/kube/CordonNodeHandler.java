package dev.k3sautoscaler.kube;

import com.amazonaws.services.lambda.runtime.Context;
import dev.k3sautoscaler.runtime.JsonStepHandler;

/**
 * CordonNode: {@code spec.unschedulable=true} plus the NoSchedule taint {@code k3s-autoscaler/draining};
 * idempotent (a second call reports alreadyCordoned).
 *
 * <p>Errors: {@code dev.k3sautoscaler.errors.}InvalidStepInput, KubernetesApiUnavailable (retryable),
 * KubernetesAccessDenied, KubernetesRequestRejected,
 * ClusterCredentialsUnavailable (retryable), NodeNotFound, NodeNotManaged.
 */
public final class CordonNodeHandler extends JsonStepHandler<NodeStepInput, Outputs.CordonNodeOutput> {
    public static final String STEP = "CordonNode";

    private final NodeOperations operations;

    public CordonNodeHandler() {
        this(KubeSteps.fromEnvironment(System.getenv()));
    }

    /** For tests and the simulator: steps over any client and clock. */
    public CordonNodeHandler(KubeSteps steps) {
        super(NodeStepInput.class, STEP, steps.settings().clusterId());
        this.operations = steps.operations();
    }

    @Override
    protected Outputs.CordonNodeOutput handle(NodeStepInput input, Context context) {
        return operations.cordon(input.node());
    }
}
