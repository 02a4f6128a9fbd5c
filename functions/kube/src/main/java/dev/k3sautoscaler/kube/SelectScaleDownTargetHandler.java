package dev.k3sautoscaler.kube;

import com.amazonaws.services.lambda.runtime.Context;
import dev.k3sautoscaler.runtime.JsonStepHandler;

/**
 * SelectScaleDownTarget: the one worker that can be removed safely (core.scaledown rules), or none
 * with each node's reason. Reads nodes and pods; changes nothing.
 *
 * <p>Errors: {@code dev.k3sautoscaler.errors.}InvalidStepInput, KubernetesApiUnavailable (retryable),
 * KubernetesAccessDenied, KubernetesRequestRejected,
 * ClusterCredentialsUnavailable (retryable).
 */
public final class SelectScaleDownTargetHandler extends JsonStepHandler<SelectScaleDownTargetInput, SelectScaleDownTargetOutput> {
    public static final String STEP = "SelectScaleDownTarget";

    private final NodeOperations operations;

    public SelectScaleDownTargetHandler() {
        this(KubeSteps.fromEnvironment(System.getenv()));
    }

    /** For tests and the simulator: steps over any client and clock. */
    public SelectScaleDownTargetHandler(KubeSteps steps) {
        super(SelectScaleDownTargetInput.class, STEP, steps.settings().clusterId());
        this.operations = steps.operations();
    }

    @Override
    protected SelectScaleDownTargetOutput handle(SelectScaleDownTargetInput input, Context context) {
        return operations.selectScaleDownTarget(input);
    }
}
