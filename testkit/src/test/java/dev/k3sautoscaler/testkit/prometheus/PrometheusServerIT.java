package dev.k3sautoscaler.testkit.prometheus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k3sautoscaler.testkit.prometheus.OpenMetrics.Labels;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class PrometheusServerIT {
    private static final Instant T = Instant.parse("2026-03-02T12:00:00Z");

    @Test
    void backfilledHistory_isQueryableAtAnExplicitTime() {
        // GIVEN a gauge at 1, then 3, fifteen seconds apart
        OpenMetrics metrics = new OpenMetrics();
        metrics.gauge("fixture_value").sample(Labels.of("job", "test"), T, 1);
        metrics.gauge("fixture_value").sample(Labels.of("job", "test"), T.plusSeconds(15), 3);

        try (PrometheusServer prometheus = PrometheusServer.backfilledWith(metrics.text())) {
            // WHEN
            String first = prometheus.instantQuery("fixture_value", T);
            String sum = prometheus.instantQuery("sum_over_time(fixture_value[1m])", T.plusSeconds(15));

            // THEN
            assertTrue(first.contains("\"value\":[1772452800,\"1\"]"), first);
            assertTrue(sum.contains("\"4\""), sum);
        }
    }

    @Test
    void missingBinary_failsWithTheSetupCommand_neverSkips() {
        // WHEN
        IllegalStateException error = assertThrows(IllegalStateException.class,
                () -> PrometheusServer.Binaries.require("promtool", "/nonexistent-dir"));

        // THEN
        assertTrue(error.getMessage().contains("./autoscaler setup"), error.getMessage());
        assertEquals("'promtool' is not on PATH", error.getMessage().substring(0, 25));
    }
}
