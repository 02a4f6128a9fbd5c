package dev.k3sautoscaler.core.policy;

import dev.k3sautoscaler.core.config.AutoscalerConfig;
import dev.k3sautoscaler.core.model.ClusterMetrics;
import dev.k3sautoscaler.core.model.Decision;
import dev.k3sautoscaler.core.model.ScalingState;
import java.time.Instant;
import java.util.Locale;

/**
 * Decides what to do from what was observed. Implementations are pure: no clock reads (time is
 * {@code now}), no I/O, same inputs → same decision.
 */
public interface ScalingPolicy {

    Decision decide(ClusterMetrics metrics, ScalingState state, AutoscalerConfig config, Instant now);

    /** The policy by its command-line / environment name: {@code default} or {@code seed-baseline}. */
    static ScalingPolicy named(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "default" -> new DefaultScalingPolicy();
            case "seed-baseline" -> new SeedBaselinePolicy();
            default -> throw new IllegalArgumentException("unknown policy '" + name + "' (expected default or seed-baseline)");
        };
    }
}
