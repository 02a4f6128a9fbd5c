package dev.k3sautoscaler.core.metrics;

import dev.k3sautoscaler.core.words.WordingTables;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The golden wording of every reason CollectMetrics has no numbers. */
class MetricsWordingTest {
    private static final Instant AT = Instant.parse("2026-03-02T12:00:00Z");

    static Stream<Arguments> reasons() {
        return Stream.of(
                Arguments.of(new MetricsUnavailable.QueryFailed(QueryFailure.UNREACHABLE, "connection to p:9090 refused",
                        "cpu_percent", 15, 15), "Prometheus unreachable (connection to p:9090 refused) (all 15 queries)"),
                Arguments.of(new MetricsUnavailable.QueryFailed(QueryFailure.TIMEOUT, "no answer from p:9090 within 5 s",
                        "cpu_percent", 1, 15), "Prometheus did not answer in time (no answer from p:9090 within 5 s) for"
                        + " cpu_percent (1 of 15 queries failed)"),
                Arguments.of(new MetricsUnavailable.QueryFailed(QueryFailure.UNAVAILABLE, "HTTP 503", "up", 15, 15),
                        "Prometheus unavailable (HTTP 503) (all 15 queries)"),
                Arguments.of(new MetricsUnavailable.QueryFailed(QueryFailure.REJECTED, "HTTP 422, execution: query timed out",
                        "cpu_sustained_high", 1, 15), "Prometheus rejected the query (HTTP 422, execution: query timed"
                        + " out) for cpu_sustained_high (1 of 15 queries failed)"),
                Arguments.of(new MetricsUnavailable.QueryFailed(QueryFailure.MALFORMED, "not JSON: <html>", "up", 15, 15),
                        "Prometheus answer unreadable (not JSON: <html>) (all 15 queries)"),
                Arguments.of(new MetricsUnavailable.QueryFailed(QueryFailure.SETUP, "token unreadable", "up", 15, 15),
                        "cannot authenticate to the cluster (token unreadable) (all 15 queries)"),
                Arguments.of(new MetricsUnavailable.MissingSeries(MetricsWording.KSM_NEWEST_SAMPLE),
                        "kube-state-metrics has no kube_node_info series: is it deployed and scraped?"),
                Arguments.of(new MetricsUnavailable.MissingSeries(MetricsWording.CONTROL_PLANE_NODES),
                        "no node has the control-plane role in kube_node_role (needs kube-state-metrics v2.x): without"
                                + " it the master would be counted as a worker"),
                Arguments.of(new MetricsUnavailable.MissingSeries(MetricsWording.UNSCHEDULABLE_HISTORY),
                        "no unschedulable-pod history"),
                Arguments.of(new MetricsUnavailable.MissingSeries("cpu_percent"),
                        "no data for cpu_percent although workers are measured"),
                Arguments.of(new MetricsUnavailable.NotANumber("memory_percent", Double.NaN),
                        "memory_percent is not a number (NaN)"),
                Arguments.of(new MetricsUnavailable.OutOfRange("cpu_percent", -5.0, "0..100"),
                        "cpu_percent is out of range (-5.0, expected 0..100)"),
                Arguments.of(new MetricsUnavailable.SampleAfterQuery("ksm_newest_sample", AT.plusSeconds(86_400), AT),
                        "ksm_newest_sample has a sample time after the query time (2026-03-03T12:00:00Z >"
                                + " 2026-03-02T12:00:00Z)"),
                Arguments.of(new MetricsUnavailable.StaleData("node-exporter", 60, 45),
                        "node-exporter data is stale: its newest sample is 60 s old (limit 45 s)"),
                Arguments.of(new MetricsUnavailable.NoNodeExporter(1), "node-exporter reports none of the 1 worker (is it"
                        + " running there, and does the scrape set the node label?)"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("reasons")
    void everyReason_readsAsPinned(MetricsUnavailable reason, String expected) {
        assertEquals(expected, MetricsWording.unavailable(reason));
    }

    @Test
    void theTable_coversEveryCode() {
        WordingTables.assertCoversEveryCode(reasons(), MetricsUnavailable.class, MetricsUnavailable::code, MetricsUnavailable.Code.class);
    }
}
