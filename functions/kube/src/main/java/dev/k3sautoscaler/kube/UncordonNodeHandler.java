package dev.k3sautoscaler.kube;

import com.amazonaws.services.lambda.runtime.Context;
import dev.k3sautoscaler.runtime.JsonStepHandler;

/**
 * UncordonNode (abort path): removes our taint, and {@code spec.unschedulable} if we set it. A node
 * that no longer exists is an outcome (found=false), so the abort path never fails on it.
 *
 * <p>Errors: {@code dev.k3sautoscaler.errors.}InvalidStepInput, KubernetesApiUnavailable (retryable),
 * KubernetesAccessDenied, KubernetesRequestRejected,
 * ClusterCredentialsUnavailable (retryable).
 */
public final class UncordonNodeHandler extends JsonStepHandler<NodeStepInput, UncordonNodeOutput> {
    public static final String STEP = "UncordonNode";

    private final NodeOperations operations;

    public UncordonNodeHandler() {
        this(KubeSteps.fromEnvironment(System.getenv()));
    }

    /** For tests and the simulator: steps over any client and clock. */
    public UncordonNodeHandler(KubeSteps steps) {
        super(NodeStepInput.class, STEP, steps.settings().clusterId());
        this.operations = steps.operations();
    }

    @Override
    protected UncordonNodeOutput handle(NodeStepInput input, Context context) {
        return operations.uncordon(input.node(), input.drainPurpose());
    }
}
