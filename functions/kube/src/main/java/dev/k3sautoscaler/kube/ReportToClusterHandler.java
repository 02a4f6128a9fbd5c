package dev.k3sautoscaler.kube;

import com.amazonaws.services.lambda.runtime.Context;
import dev.k3sautoscaler.runtime.JsonStepHandler;

/**
 * ReportToCluster: writes what the tick decided where kubectl users look — the status ConfigMap
 * {@code kube-system/k3s-autoscaler-status}, TriggeredScaleUp / NotTriggerScaleUp events on waiting
 * pods, each worker's scale-down status as an annotation and, when it changes, an event. The tick runs
 * it only when Decide says there is something new to tell (or the last report is 10 minutes old).
 *
 * <p>Errors: {@code dev.k3sautoscaler.errors.}InvalidStepInput, KubernetesApiUnavailable (retryable),
 * KubernetesAccessDenied, KubernetesRequestRejected (the ConfigMap is missing),
 * ClusterCredentialsUnavailable (retryable). The tick catches every one: a report never stops a decision.
 */
public final class ReportToClusterHandler extends JsonStepHandler<ReportToClusterInput, ReportToClusterOutput> {
    public static final String STEP = "ReportToCluster";

    private final ClusterReporter reporter;

    public ReportToClusterHandler() {
        this(KubeSteps.fromEnvironment(System.getenv()));
    }

    /** For tests and the simulator: any client and clock. */
    public ReportToClusterHandler(KubeSteps steps) {
        super(ReportToClusterInput.class, STEP, steps.settings().clusterId());
        this.reporter = steps.operations().reporter();
    }

    @Override
    protected ReportToClusterOutput handle(ReportToClusterInput input, Context context) {
        return reporter.report(input.reportWithWorkers());
    }
}
