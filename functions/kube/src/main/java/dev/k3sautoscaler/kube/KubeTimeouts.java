package dev.k3sautoscaler.kube;

import dev.k3sautoscaler.core.config.AutoscalerConfig;
import java.time.Duration;

/**
 * The deadlines the kube steps judge for the workflow's poll loops (the ASL cannot add durations
 * to timestamps): a launch past {@code join} is overdue; a drain past {@code drain}
 * (or {@code spotDrain} in interruption mode) has passed its deadline.
 */
public record KubeTimeouts(Duration join, Duration drain, Duration spotDrain) {
    public static KubeTimeouts from(AutoscalerConfig config) {
        return new KubeTimeouts(config.joinTimeout(), config.drainTimeout(), config.spotDrainBudget());
    }

    public static KubeTimeouts defaults() {
        return from(AutoscalerConfig.defaults());
    }

    Duration drainBudget(boolean interruption) {
        return interruption ? spotDrain : drain;
    }
}
