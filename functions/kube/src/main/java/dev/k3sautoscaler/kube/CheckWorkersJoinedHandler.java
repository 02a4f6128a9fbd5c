package dev.k3sautoscaler.kube;

import com.amazonaws.services.lambda.runtime.Context;
import dev.k3sautoscaler.runtime.JsonStepHandler;

/**
 * CheckWorkersJoined: are the launched instances' nodes registered and Ready? Instance ↔ node by
 * {@code spec.providerID} ({@code aws:///<az>/<instance-id>}). A missing node is an outcome
 * (MISSING), not an error: the workflow polls with a Wait and gives up after JOIN_TIMEOUT_SEC
 * ({@code overdue}).
 *
 * <p>Errors: {@code dev.k3sautoscaler.errors.}InvalidStepInput, KubernetesApiUnavailable (retryable),
 * KubernetesAccessDenied, KubernetesRequestRejected,
 * ClusterCredentialsUnavailable (retryable).
 */
public final class CheckWorkersJoinedHandler extends JsonStepHandler<CheckWorkersJoinedInput, CheckWorkersJoinedOutput> {
    public static final String STEP = "CheckWorkersJoined";

    private final NodeOperations operations;

    public CheckWorkersJoinedHandler() {
        this(KubeSteps.fromEnvironment(System.getenv()));
    }

    /** For tests and the simulator: steps over any client and clock. */
    public CheckWorkersJoinedHandler(KubeSteps steps) {
        super(CheckWorkersJoinedInput.class, STEP, steps.settings().clusterId());
        this.operations = steps.operations();
    }

    @Override
    protected CheckWorkersJoinedOutput handle(CheckWorkersJoinedInput input, Context context) {
        return operations.checkJoin(input.instanceIds(), input.launchedAt());
    }
}
