package dev.k3sautoscaler.core.policy;

import dev.k3sautoscaler.contract.PolicyName;
import dev.k3sautoscaler.contract.Names;
import dev.k3sautoscaler.core.config.AutoscalerConfig;
import dev.k3sautoscaler.core.model.ClusterMetrics;
import dev.k3sautoscaler.core.model.FleetView;
import dev.k3sautoscaler.core.model.Decision;
import dev.k3sautoscaler.core.model.ScalingState;
import java.time.Instant;
import java.util.Locale;

/**
 * Decides what to do from what was observed. Implementations are pure: no clock reads (time is
 * {@code now}), no I/O, same inputs → same decision.
 */
public interface ScalingPolicy {

    /**
     * @param fleet what EC2 bills for this cluster's workers (MAX_WORKERS counts it); unobserved
     *              when EC2 could not be read, and then the Nodes and recorded launches are counted
     */
    Decision decide(ClusterMetrics metrics, FleetView fleet, ScalingState state, AutoscalerConfig config, Instant now);

    /** Without an EC2 view: MAX_WORKERS counts the Nodes and the recorded launches. */
    default Decision decide(ClusterMetrics metrics, ScalingState state, AutoscalerConfig config, Instant now) {
        return decide(metrics, FleetView.unobserved("no EC2 view"), state, config, now);
    }

    /** The policy by its command-line / environment name: {@code default} or {@code seed-baseline}. */
    static ScalingPolicy named(String name) {
        PolicyName policy = PolicyName.parse(name.toLowerCase(Locale.ROOT)).orElseThrow(() -> new IllegalArgumentException(
                "unknown policy '" + name + "' (expected one of " + Names.values(PolicyName.class) + ")"));
        return switch (policy) {
            case DEFAULT -> new DefaultScalingPolicy();
            case SEED_BASELINE -> new SeedBaselinePolicy();
        };
    }
}
