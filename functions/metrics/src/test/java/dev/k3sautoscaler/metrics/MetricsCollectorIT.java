package dev.k3sautoscaler.metrics;

import static dev.k3sautoscaler.metrics.ClusterFixture.GIB;
import static dev.k3sautoscaler.metrics.ClusterFixture.MIB;
import static dev.k3sautoscaler.metrics.Scenarios.NOW;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k3sautoscaler.core.config.AutoscalerConfig;
import dev.k3sautoscaler.core.model.ClusterMetrics;
import dev.k3sautoscaler.core.model.PodRequest;
import dev.k3sautoscaler.core.model.WorkerNode;
import dev.k3sautoscaler.testkit.prometheus.PrometheusServer;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The whole ClusterMetrics path (every query, then assembly) against the real Prometheus. */
class MetricsCollectorIT {
    private static final ClusterQueries QUERIES = ClusterQueries.forConfig(AutoscalerConfig.defaults());

    @Test
    void collect_readsEveryFieldOfABusyCluster() {
        // GIVEN
        try (PrometheusServer prometheus = PrometheusServer.backfilledWith(Scenarios.busyCluster().openMetrics())) {
            // WHEN
            MetricsCollector.Collected collected = collector(prometheus).collect(NOW);

            // THEN
            ClusterMetrics metrics = collected.metrics();
            assertTrue(metrics.available(), metrics::unavailableReason);
            assertEquals(NOW, metrics.observedAt());
            assertEquals(60.0, metrics.cpuPercent());
            assertEquals(60.0, metrics.cpuSustainedHighPercent());
            assertEquals(60.0, metrics.cpuSustainedLowPercent());
            assertEquals(58.33, metrics.memoryPercent());
            assertEquals(58.33, metrics.memorySustainedLowPercent());
            assertEquals(2, metrics.unschedulablePods());
            assertEquals(List.of(new PodRequest("shop", "web-1", 600, 576 * MIB),
                    new PodRequest("shop", "cache-0", 250, 2 * GIB)), metrics.unschedulablePodRequests());
            assertEquals(2, metrics.unschedulablePodsMaxOverIdleWindow());
            assertEquals(300L, metrics.requestedCpuMillisOnWorkers());
            assertEquals(256 * MIB, metrics.requestedMemoryBytesOnWorkers());
            assertEquals(List.of(
                    new WorkerNode("w1", "i-00000000000abc001", true, true, 300L, (long) (256 * MIB)),
                    new WorkerNode("w2", "i-00000000000abc002", true, true, 0L, 0L),
                    new WorkerNode("w3", null, false, false, 0L, 0L)), metrics.workers());
            assertEquals(List.of("CPU and memory measured on 2 of 3 workers (no node-exporter data from w3)"),
                    collected.notes());
        }
    }

    @Test
    void collect_fillsEachWorkersRequests_andTheClusterTotalIsTheirSum() {
        // GIVEN two workers running different pods, a third with nothing but a DaemonSet pod, and the master's own pod
        ClusterFixture cluster = ClusterFixture.between(NOW.minus(Duration.ofMinutes(20)), NOW);
        ClusterFixture.Node master = cluster.master("server-1");
        ClusterFixture.Node w1 = cluster.worker("w1");
        ClusterFixture.Node w2 = cluster.worker("w2");
        ClusterFixture.Node w3 = cluster.worker("w3");
        cluster.pod("shop", "api-1").runningOn(w1).container("app", 300, 256 * MIB);
        cluster.pod("batch", "report-1").succeededOn(w1).ownedBy("Job").container("job", 1000, GIB);
        cluster.pod("shop", "cart-1").runningOn(w2).container("app", 250, 512 * MIB).container("proxy", 50, 32 * MIB);
        cluster.pod("shop", "web-2").runningOn(w2).container("app", 700, 128 * MIB);
        List<ClusterFixture.Node> nodes = List.of(master, w1, w2, w3);
        for (int i = 0; i < nodes.size(); i++) {
            cluster.pod("kube-system", "node-exporter-" + i).runningOn(nodes.get(i)).ownedBy("DaemonSet")
                    .container("exporter", 100, 50 * MIB);
        }
        cluster.pod("kube-system", "coredns-1").runningOn(master).container("coredns", 500, 70 * MIB);
        try (PrometheusServer prometheus = PrometheusServer.backfilledWith(cluster.openMetrics())) {
            // WHEN
            ClusterMetrics metrics = collector(prometheus).collect(NOW).metrics();

            // THEN
            assertTrue(metrics.available(), metrics::unavailableReason);
            assertEquals(List.of(
                    new WorkerNode("w1", "i-00000000000abc001", true, true, 300L, (long) (256 * MIB)),
                    new WorkerNode("w2", "i-00000000000abc002", true, true, 1000L, (long) (672 * MIB)),
                    new WorkerNode("w3", "i-00000000000abc003", true, true, 0L, 0L)), metrics.workers());
            assertEquals(1300L, metrics.requestedCpuMillisOnWorkers());
            assertEquals(928 * MIB, metrics.requestedMemoryBytesOnWorkers());
        }
    }

    @Test
    void collect_isUnavailable_whenPrometheusHasNoDataAtThatTime() {
        // GIVEN history that ends at NOW
        try (PrometheusServer prometheus = PrometheusServer.backfilledWith(Scenarios.busyCluster().openMetrics())) {
            // WHEN asked about a day before it began
            ClusterMetrics metrics = collector(prometheus).collect(NOW.minus(Duration.ofDays(1))).metrics();

            // THEN
            assertUnavailable(metrics, "kube-state-metrics has no kube_node_info series: is it deployed and scraped?");
        }
    }

    @Test
    void collect_isUnavailable_whenKubeStateMetricsStoppedReporting() {
        // GIVEN kube-state-metrics silent for the last 2 minutes while node-exporter still reports
        ClusterFixture cluster = Scenarios.busyCluster().ksmSilentFrom(NOW.minus(Duration.ofMinutes(2)));
        try (PrometheusServer prometheus = PrometheusServer.backfilledWith(cluster.openMetrics())) {
            // WHEN
            ClusterMetrics metrics = collector(prometheus).collect(NOW).metrics();

            // THEN its last pod and node numbers are two minutes old: not used
            assertUnavailable(metrics, "kube-state-metrics data is stale: its newest sample is 135 s old (limit 45 s)");
        }
    }

    @Test
    void collect_isUnavailable_whenNoNodeHasTheControlPlaneRole() {
        // GIVEN a KSM without kube_node_role: the master would look like a worker
        ClusterFixture cluster = ClusterFixture.between(NOW.minus(Duration.ofMinutes(20)), NOW);
        cluster.worker("server-1");
        cluster.worker("w1");
        try (PrometheusServer prometheus = PrometheusServer.backfilledWith(cluster.openMetrics())) {
            // WHEN
            ClusterMetrics metrics = collector(prometheus).collect(NOW).metrics();

            // THEN
            assertFalse(metrics.available());
            assertTrue(metrics.unavailableReason().startsWith("no node has the control-plane role"),
                    metrics.unavailableReason());
        }
    }

    @Test
    void collect_isUnavailable_whenNoWorkerHasNodeExporterData() {
        // GIVEN node-exporter reports only from the master
        ClusterFixture cluster = ClusterFixture.between(NOW.minus(Duration.ofMinutes(20)), NOW);
        cluster.master("server-1");
        cluster.worker("w1").withoutNodeExporter();
        cluster.worker("w2").withoutNodeExporter();
        try (PrometheusServer prometheus = PrometheusServer.backfilledWith(cluster.openMetrics())) {
            // WHEN
            ClusterMetrics metrics = collector(prometheus).collect(NOW).metrics();

            // THEN no CPU figure is invented for the workers
            assertUnavailable(metrics, "node-exporter reports none of the 2 workers (is it running there,"
                    + " and does the scrape set the node label?)");
        }
    }

    @Test
    void collect_reportsZeroUtilization_whenThereIsNoWorkerAtAll() {
        // GIVEN only the master is registered
        ClusterFixture cluster = ClusterFixture.between(NOW.minus(Duration.ofMinutes(20)), NOW);
        cluster.master("server-1").cpuBusy(0.9);
        try (PrometheusServer prometheus = PrometheusServer.backfilledWith(cluster.openMetrics())) {
            // WHEN
            ClusterMetrics metrics = collector(prometheus).collect(NOW).metrics();

            // THEN available, so the policy can restore MIN_WORKERS; no capacity means nothing is busy
            assertTrue(metrics.available(), metrics::unavailableReason);
            assertEquals(List.of(), metrics.workers());
            assertEquals(0.0, metrics.cpuPercent());
            assertEquals(0, metrics.unschedulablePods());
        }
    }

    @Test
    void collect_isUnavailable_whenIdleCountersRunFasterThanTheClock() {
        // GIVEN every worker's idle counter advancing 1.05 s per second: CPU reads -5 %
        ClusterFixture cluster = ClusterFixture.between(NOW.minus(Duration.ofMinutes(20)), NOW);
        cluster.master("server-1");
        cluster.worker("w1").cpuBusy(-0.05);
        cluster.worker("w2").cpuBusy(-0.05);
        try (PrometheusServer prometheus = PrometheusServer.backfilledWith(cluster.openMetrics())) {
            // WHEN
            ClusterMetrics metrics = collector(prometheus).collect(NOW).metrics();

            // THEN a broken exporter is no idle cluster: nothing to scale down on
            assertFalse(metrics.available());
            assertTrue(metrics.unavailableReason().matches(
                    "cpu_percent is out of range \\(-5\\.0+\\d*, expected 0\\.\\.100\\)"), metrics.unavailableReason());
            assertEquals(null, metrics.cpuSustainedLowPercent());
        }
    }

    @Test
    void collect_isUnavailable_whenPrometheusIsUnreachable() {
        // GIVEN nothing listens on the port
        PrometheusClient nowhere = PrometheusClient.unauthenticated(
                PrometheusEndpoint.direct(URI.create("http://127.0.0.1:" + ClosedPort.find() + "/")));

        // WHEN
        ClusterMetrics metrics = new MetricsCollector(nowhere, QUERIES).collect(NOW).metrics();

        // THEN
        assertFalse(metrics.available());
        assertTrue(metrics.unavailableReason().startsWith("Prometheus unreachable (connection to 127.0.0.1:"),
                metrics.unavailableReason());
        assertTrue(metrics.unavailableReason().endsWith("refused) (all 16 queries)"), metrics.unavailableReason());
    }

    private static MetricsCollector collector(PrometheusServer prometheus) {
        return new MetricsCollector(new Promql(prometheus).client(), QUERIES);
    }

    private static void assertUnavailable(ClusterMetrics metrics, String reason) {
        assertFalse(metrics.available());
        assertEquals(reason, metrics.unavailableReason());
        assertEquals(null, metrics.cpuPercent());
        assertEquals(null, metrics.unschedulablePods());
    }

}
