package dev.k3sautoscaler.core.policy;

import static dev.k3sautoscaler.core.policy.Fixtures.NOW;
import static dev.k3sautoscaler.core.policy.Fixtures.metrics;
import static dev.k3sautoscaler.core.policy.Fixtures.pods;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.k3sautoscaler.core.config.AutoscalerConfig;
import dev.k3sautoscaler.core.model.ClusterMetrics;
import dev.k3sautoscaler.core.model.Decision;
import dev.k3sautoscaler.core.model.ScalingAction;
import dev.k3sautoscaler.core.model.ScalingState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The source design's rules, reproduced as written: +1 / −1 per tick with one 5-minute cooldown. */
class SeedBaselinePolicyTest {
    private static final AutoscalerConfig CONFIG = AutoscalerConfig.defaults();
    private final ScalingPolicy policy = ScalingPolicy.named("seed-baseline");

    private Decision decide(ClusterMetrics metrics, ScalingState state) {
        return policy.decide(metrics, state, CONFIG, NOW);
    }

    @ParameterizedTest(name = "workers={0} cpu={1} pending={2} → {3}")
    @CsvSource({
            "4, 50, 0, NOOP",
            "4, 70, 0, NOOP",        // not above 70
            "4, 71, 0, SCALE_UP",    // instantaneous CPU, no sustain window
            "4, 50, 7, SCALE_UP",    // +1 no matter how many pods wait
            "10, 90, 7, NOOP",       // at MAX
            "4, 29, 0, SCALE_DOWN",
            "4, 30, 0, NOOP",
            "2, 10, 0, NOOP",        // at MIN
            "4, 10, 3, SCALE_UP"})   // pending wins over idle CPU
    void rules(int workers, double cpu, int pending, ScalingAction expected) {
        Fixtures.Metrics builder = metrics().workers(workers).cpu(cpu, cpu, cpu);
        if (pending > 0) {
            builder.unschedulable(pods(pending, 500, 256));
        }

        Decision decision = decide(builder.build(), ScalingState.initial());

        assertEquals(expected, decision.action(), decision.reason());
        assertEquals(expected == ScalingAction.NOOP ? 0 : 1, decision.count());
    }

    @ParameterizedTest(name = "last action {0} s ago → acts: {1}")
    @CsvSource({"299, false", "300, true"})
    void oneFiveMinuteCooldown_afterAnyAction(long secondsAgo, boolean acts) {
        ClusterMetrics busy = metrics().unschedulable(pods(3, 500, 256)).build();

        Decision afterUp = decide(busy, ScalingState.initial().withLastScaleUpAt(NOW.minusSeconds(secondsAgo)));
        Decision afterDown = decide(busy, ScalingState.initial().withLastScaleDownAt(NOW.minusSeconds(secondsAgo)));

        assertEquals(acts, afterUp.action() == ScalingAction.SCALE_UP, afterUp.reason());
        assertEquals(acts, afterDown.action() == ScalingAction.SCALE_UP, afterDown.reason());
    }

    @Test
    void noop_whenMetricsUnavailable() {
        Decision decision = decide(ClusterMetrics.unavailable("connection refused", NOW), ScalingState.initial());

        assertEquals(ScalingAction.NOOP, decision.action());
    }

    @Test
    void policiesAreChosenByName() {
        assertInstanceOf(DefaultScalingPolicy.class, ScalingPolicy.named("default"));
        assertInstanceOf(SeedBaselinePolicy.class, ScalingPolicy.named("Seed-Baseline"));
        assertThrows(IllegalArgumentException.class, () -> ScalingPolicy.named("karpenter"));
    }
}
