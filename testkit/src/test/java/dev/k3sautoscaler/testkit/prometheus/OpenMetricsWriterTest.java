package dev.k3sautoscaler.testkit.prometheus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k3sautoscaler.testkit.prometheus.OpenMetrics.Labels;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class OpenMetricsWriterTest {
    private static final long T = 1772452800_000L;
    private final StringWriter text = new StringWriter();
    private final OpenMetricsWriter out = new OpenMetricsWriter(text);

    @Test
    void writesFamiliesSeriesAndSamplesAsGiven_endingWithEof() {
        // WHEN
        out.gauge("kube_node_info").series(Labels.of("node", "w1")).sample(T, 1).sample(T + 60_000, 1)
                .series(Labels.of("node", "w2")).sample(T + 60_000, 1);
        out.counter("container_cpu_usage_seconds").series(Labels.of("pod", "web-1")).sample(T + 5, 0.125);
        out.end();

        // THEN
        assertEquals("""
                # TYPE kube_node_info gauge
                kube_node_info{node="w1"} 1 1772452800.000
                kube_node_info{node="w1"} 1 1772452860.000
                kube_node_info{node="w2"} 1 1772452860.000
                # TYPE container_cpu_usage_seconds counter
                container_cpu_usage_seconds_total{pod="web-1"} 0.125 1772452800.005
                # EOF
                """, text.toString());
    }

    @Test
    void aFamilyWrittenTwice_isRefused() {
        out.gauge("g").series(Labels.of("a", "1")).sample(T, 1);
        out.gauge("h");

        IllegalStateException error = assertThrows(IllegalStateException.class, () -> out.gauge("g"));
        assertTrue(error.getMessage().contains("family g was already written"), error.getMessage());
    }

    @Test
    void aSeriesInterleavedWithAnother_isRefused() {
        out.gauge("g").series(Labels.of("a", "1")).sample(T, 1).series(Labels.of("a", "2")).sample(T, 1);

        IllegalStateException error = assertThrows(IllegalStateException.class, () -> out.series(Labels.of("a", "1")));
        assertTrue(error.getMessage().contains("g{a=\"1\"} was already written"), error.getMessage());
    }

    @Test
    void aSampleNotLaterThanTheSeriesPrevious_isRefused() {
        out.gauge("g").series(Labels.of("a", "1")).sample(T, 1);

        assertThrows(IllegalStateException.class, () -> out.sample(T, 2));
        assertThrows(IllegalStateException.class, () -> out.sample(T - 1, 2));
    }

    @Test
    void samplesBeforeASeries_orAfterEof_areRefused() {
        assertThrows(IllegalStateException.class, () -> out.series(Labels.of("a", "1")));
        out.gauge("g");
        assertThrows(IllegalStateException.class, () -> out.sample(T, 1));
        out.end();
        assertThrows(IllegalStateException.class, () -> out.gauge("h"));
    }
}
