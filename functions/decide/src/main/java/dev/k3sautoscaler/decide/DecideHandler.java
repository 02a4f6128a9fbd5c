package dev.k3sautoscaler.decide;

import dev.k3sautoscaler.contract.PolicyName;
import dev.k3sautoscaler.contract.Names;
import com.amazonaws.services.lambda.runtime.Context;
import dev.k3sautoscaler.core.config.AutoscalerConfig;
import dev.k3sautoscaler.core.config.EnvironmentReader;
import dev.k3sautoscaler.core.config.InvalidConfigurationException;
import dev.k3sautoscaler.runtime.JsonStepHandler;
import dev.k3sautoscaler.runtime.StepMetrics;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The Decide step: what to do now, and why. Pure — no outside system — so its Lambda is the
 * smallest of all and the same code decides in the tick and, again under the lock, in the actuation.
 *
 * <p>Errors: {@code dev.k3sautoscaler.errors.InvalidStepInput} (missing metrics or state).
 * Environment: CLUSTER_ID, SCALING_POLICY (default | seed-baseline) and every variable of the
 * configuration table; a bad configuration fails at init, listing every problem.
 *
 * <p>Metrics (docs/metrics-reference.md): WorkerCount, UnschedulablePods, AtMaxCapacity and, for a
 * non-NOOP decision, ScalingDecisions by Action and Trigger; none when the metrics are unavailable.
 */
public final class DecideHandler extends JsonStepHandler<DecideInput, DecideOutput> {
    public static final String POLICY_VARIABLE = "SCALING_POLICY";

    private final Decider decider;
    private final DecisionMetrics metrics;

    public DecideHandler() {
        this(System.getenv(), Clock.systemUTC());
    }

    /** For tests and the simulator: any environment, any clock. */
    public DecideHandler(Map<String, String> environment, Clock clock) {
        this(Settings.from(environment), clock);
    }

    private DecideHandler(Settings settings, Clock clock) {
        super(DecideInput.class, "Decide", settings.clusterId());
        this.decider = new Decider(settings.clusterId(), settings.policy(), settings.config(), clock);
        this.metrics = new DecisionMetrics(StepMetrics.forCluster(settings.clusterId()));
    }

    /** Decide has no side effects: prime its whole path (bind, policy, output) with missing metrics → NOOP. */
    @Override
    protected String primingInput() {
        return """
                {"execution": "snapstart-priming",
                 "metrics": {"available": false, "unavailableReason": "SnapStart priming", "observedAt": "2026-01-01T00:00:00Z"},
                 "state": {"consecutiveFailures": 0, "paused": false}}""";
    }

    @Override
    protected DecideOutput handle(DecideInput input, Context context) {
        DecideOutput output = decider.decide(input);
        metrics.emit(input.metrics(), output);
        return output;
    }

    record Settings(String clusterId, String policy, AutoscalerConfig config) {
        static Settings from(Map<String, String> environment) {
            EnvironmentReader reader = new EnvironmentReader(environment);
            String clusterId = reader.requiredString("CLUSTER_ID", "the cluster's id, e.g. k3s-main");
            String policy = reader.oneOf(POLICY_VARIABLE, PolicyName.DEFAULT.value(), Names.values(PolicyName.class));
            List<String> problems = new ArrayList<>(reader.problems());
            AutoscalerConfig config = null;
            try {
                config = AutoscalerConfig.fromEnvironment(environment);
            } catch (InvalidConfigurationException e) {
                problems.addAll(e.problems());
            }
            if (!problems.isEmpty()) {
                throw new InvalidConfigurationException(problems);
            }
            return new Settings(clusterId, policy, config);
        }
    }
}
