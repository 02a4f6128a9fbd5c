package dev.k3sautoscaler.kube;

import com.amazonaws.services.lambda.runtime.Context;
import dev.k3sautoscaler.runtime.JsonStepHandler;

/**
 * DrainNode: one eviction pass over the node's pods (policy/v1 Eviction API; DaemonSet, mirror and
 * finished pods skipped). The workflow loops DrainNode → Wait until {@code empty}, or until
 * DRAIN_TIMEOUT_SEC, then uncordons and aborts.
 *
 * <p>Errors: {@code dev.k3sautoscaler.errors.}InvalidStepInput, KubernetesApiUnavailable (retryable),
 * KubernetesAccessDenied, KubernetesRequestRejected,
 * ClusterCredentialsUnavailable (retryable), NodeNotFound, NodeNotManaged.
 */
public final class DrainNodeHandler extends JsonStepHandler<DrainNodeInput, Outputs.DrainNodeOutput> {
    public static final String STEP = "DrainNode";

    private final NodeOperations operations;

    public DrainNodeHandler() {
        this(KubeSteps.fromEnvironment(System.getenv()));
    }

    /** For tests and the simulator: steps over any client and clock. */
    public DrainNodeHandler(KubeSteps steps) {
        super(DrainNodeInput.class, STEP, steps.settings().clusterId());
        this.operations = steps.operations();
    }

    @Override
    protected Outputs.DrainNodeOutput handle(DrainNodeInput input, Context context) {
        return operations.drainPass(input.node(), input.isInterruption(), input.startedAt());
    }
}
