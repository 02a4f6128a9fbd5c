package dev.k3sautoscaler.decide;

import dev.k3sautoscaler.core.config.AutoscalerConfig;
import dev.k3sautoscaler.core.control.ManualDecisions;
import dev.k3sautoscaler.core.control.RebalanceDecisions;
import dev.k3sautoscaler.core.model.Decision;
import dev.k3sautoscaler.core.policy.ScalingPolicy;
import dev.k3sautoscaler.core.report.ClusterReport;
import dev.k3sautoscaler.core.report.ClusterReporting;
import dev.k3sautoscaler.core.report.ClusterStatus;
import dev.k3sautoscaler.core.report.WorkerPrice;
import java.time.Clock;
import java.time.Instant;

/**
 * Runs the configured policy at the clock's now, names the actuation it would start and, in the tick,
 * says what to tell the cluster.
 */
public final class Decider {
    private final String clusterId;
    private final ScalingPolicy policy;
    private final String policyName;
    private final AutoscalerConfig config;
    private final Clock clock;

    public Decider(String clusterId, String policyName, AutoscalerConfig config, Clock clock) {
        this.clusterId = clusterId;
        this.policy = ScalingPolicy.named(policyName);
        this.policyName = policyName;
        this.config = config;
        this.clock = clock;
    }

    public DecideOutput decide(DecideInput input) {
        Instant now = clock.instant();
        Decision decision;
        if (ManualDecisions.handles(input.request())) {
            decision = ManualDecisions.decide(input.request(), input.metrics(), input.fleet(), input.state(), config, now);
        } else if (RebalanceDecisions.handles(input.request())) {
            decision = RebalanceDecisions.decide(input.request(), input.metrics(), input.fleet(), input.state(), config, now);
        } else {
            decision = policy.decide(input.metrics(), input.fleet(), input.state(), config, now);
        }
        String actuationName = ActuationName.of(decision.action(), now, input.state());
        ClusterReport report = input.loaded() == null ? null : ClusterReporting.report(new ClusterReporting.Facts(
                clusterId, input.execution(), now, input.metrics(), input.state(), decision, actuationName,
                input.loaded().locked()
                        ? new ClusterStatus.Lock(true, input.loaded().lockOwner(), input.loaded().lockExpiresAt())
                        : ClusterStatus.Lock.FREE,
                config, input.state().reported()));
        return DecideOutput.of(decision, actuationName, policyName, new WorkerPrice(config.workerHourlyPriceUsd()), report);
    }
}
