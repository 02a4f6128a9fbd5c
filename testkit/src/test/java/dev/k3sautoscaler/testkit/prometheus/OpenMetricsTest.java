package dev.k3sautoscaler.testkit.prometheus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.k3sautoscaler.testkit.prometheus.OpenMetrics.Labels;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class OpenMetricsTest {
    private static final Instant T = Instant.parse("2026-03-02T12:00:00Z");

    @Test
    void text_groupsFamilies_ordersSamplesInTime_andEndsWithEof() {
        // GIVEN samples written out of order and interleaved across families
        OpenMetrics metrics = new OpenMetrics();
        metrics.gauge("kube_node_info").sample(Labels.of("node", "w1"), T.plusSeconds(15), 1);
        metrics.counter("node_cpu_seconds").sample(Labels.of("cpu", "0", "mode", "idle"), T, 10.5);
        metrics.gauge("kube_node_info").sample(Labels.of("node", "w1"), T, 1);

        // WHEN
        String text = metrics.text();

        // THEN
        assertEquals("""
                # TYPE kube_node_info gauge
                kube_node_info{node="w1"} 1 1772452800.000
                kube_node_info{node="w1"} 1 1772452815.000
                # TYPE node_cpu_seconds counter
                node_cpu_seconds_total{cpu="0",mode="idle"} 10.5 1772452800.000
                # EOF
                """, text);
        assertEquals(3, metrics.sampleCount());
    }

    @Test
    void labelValues_areEscaped_andSpecialValuesSpelledAsPrometheusReadsThem() {
        // GIVEN
        OpenMetrics metrics = new OpenMetrics();
        metrics.gauge("g").sample(Labels.of("v", "a\"b\\c\nd"), T, Double.NaN);
        metrics.gauge("g").sample(Labels.of("v", "inf"), T, Double.POSITIVE_INFINITY);

        // WHEN / THEN
        assertEquals("""
                # TYPE g gauge
                g{v="a\\"b\\\\c\\nd"} NaN 1772452800.000
                g{v="inf"} +Inf 1772452800.000
                # EOF
                """, metrics.text());
    }

    @Test
    void counterName_isGivenWithoutTotal() {
        assertThrows(IllegalArgumentException.class, () -> new OpenMetrics().counter("requests_total"));
    }
}
