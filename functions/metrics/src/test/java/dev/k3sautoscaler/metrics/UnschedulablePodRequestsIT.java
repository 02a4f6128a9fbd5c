package dev.k3sautoscaler.metrics;

import static dev.k3sautoscaler.metrics.ClusterFixture.GIB;
import static dev.k3sautoscaler.metrics.ClusterFixture.MIB;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.k3sautoscaler.core.config.AutoscalerConfig;
import dev.k3sautoscaler.testkit.prometheus.PrometheusServer;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Which pods count as unschedulable (PENDING_UP_SEC = 30) and what they request, evaluated by the
 * real Prometheus; plus the requests already placed on workers (for the scale-down fit check).
 */
class UnschedulablePodRequestsIT {
    private static final Instant NOW = Instant.parse("2026-03-02T12:00:00Z");
    private static final Instant FIVE_MINUTES_AGO = NOW.minus(Duration.ofMinutes(5));
    private static final ClusterQueries QUERIES = ClusterQueries.forConfig(AutoscalerConfig.fromEnvironment(Map.of("PENDING_UP_SEC", "30")));
    private static PrometheusServer prometheus;
    private static Promql promql;

    @BeforeAll
    static void startPrometheus() {
        ClusterFixture cluster = ClusterFixture.between(NOW.minus(Duration.ofMinutes(20)), NOW);
        ClusterFixture.Node master = cluster.master("server-1");
        ClusterFixture.Node w1 = cluster.worker("w1");
        ClusterFixture.Node w2 = cluster.worker("w2");
        ClusterFixture.Node w3 = cluster.worker("w3");
        // Unschedulable for 5 minutes: a two-container pod, a memory-heavy pod, a pod without requests.
        cluster.pod("shop", "web-1").unschedulableSince(FIVE_MINUTES_AGO)
                .container("app", 500, 512 * MIB).container("sidecar", 100, 64 * MIB);
        cluster.pod("shop", "cache-0").unschedulableSince(FIVE_MINUTES_AGO).ownedBy("StatefulSet")
                .container("redis", 250, 2 * GIB);
        cluster.pod("shop", "besteffort-1").unschedulableSince(FIVE_MINUTES_AGO);
        // Not (yet) ours: unschedulable for 10 s, a DaemonSet pod, a scheduled pod pulling its image.
        cluster.pod("shop", "fresh-1").unschedulableSince(NOW.minusSeconds(10)).container("app", 1000, GIB);
        cluster.pod("kube-system", "node-exporter-x1").unschedulableSince(FIVE_MINUTES_AGO).ownedBy("DaemonSet")
                .container("exporter", 100, 50 * MIB);
        cluster.pod("shop", "pulling-1").pullingImageOn(w1).container("app", 200, 128 * MIB);
        // Placed: one running pod on w1; a DaemonSet pod and a finished Job pod on w1; a pod on the master.
        cluster.pod("shop", "api-1").runningOn(w1).container("app", 300, 256 * MIB);
        cluster.pod("kube-system", "node-exporter-w1").runningOn(w1).ownedBy("DaemonSet").container("exporter", 100, 50 * MIB);
        cluster.pod("batch", "report-1").succeededOn(w1).ownedBy("Job").container("job", 1000, GIB);
        cluster.pod("kube-system", "coredns-1").runningOn(master).container("coredns", 500, 70 * MIB);
        // On w2: a two-container pod, its DaemonSet pod and a failed Job pod; on w3 only its DaemonSet pod.
        cluster.pod("shop", "cart-1").runningOn(w2).ownedBy("StatefulSet")
                .container("app", 250, 512 * MIB).container("proxy", 50, 32 * MIB);
        cluster.pod("kube-system", "node-exporter-w2").runningOn(w2).ownedBy("DaemonSet").container("exporter", 100, 50 * MIB);
        cluster.pod("batch", "report-2").failedOn(w2).ownedBy("Job").container("job", 1000, GIB);
        cluster.pod("kube-system", "node-exporter-w3").runningOn(w3).ownedBy("DaemonSet").container("exporter", 100, 50 * MIB);
        prometheus = PrometheusServer.backfilledWith(cluster.openMetrics());
        promql = new Promql(prometheus);
    }

    @AfterAll
    static void stopPrometheus() {
        prometheus.close();
    }

    @Test
    void unschedulablePods_skipsFreshDaemonSetAndImagePullingPods() {
        // WHEN
        Set<String> pods = promql.pods(QUERIES.unschedulablePods(), NOW);

        // THEN
        assertEquals(Set.of("shop/web-1", "shop/cache-0", "shop/besteffort-1"), pods);
    }

    @Test
    void podRequests_sumContainers_andKeepCpuAndMemoryApart() {
        // WHEN
        Map<String, Double> requests = new TreeMap<>();
        promql.vector(QUERIES.unschedulablePodRequests(), NOW).forEach(sample ->
                requests.put(sample.label("pod") + " " + sample.label("resource"), sample.value()));

        // THEN web-1 = 500m + 100m and 512 + 64 MiB; a pod without requests has no series
        assertEquals(Map.of(
                "web-1 cpu", 0.6, "web-1 memory", 576.0 * MIB,
                "cache-0 cpu", 0.25, "cache-0 memory", 2.0 * GIB), requests);
    }

    @Test
    void requestsJoinWithoutResourceFilter_wouldAddBytesToCores() {
        // WHEN the source documents' join runs (no resource="cpu")
        double naive = promql.scalar("sum(kube_pod_container_resource_requests{pod=\"web-1\"})", NOW);

        // THEN memory bytes drown the 0.6 cores; our query keeps them in separate series
        assertEquals(0.6 + 576.0 * MIB, naive, 0.001);
    }

    @Test
    void maxOverIdleWindow_countsEveryUnschedulablePodButDaemonSets() {
        // WHEN / THEN web-1, cache-0, besteffort-1 and the 10-second-old fresh-1
        assertEquals(4.0, promql.scalar(QUERIES.unschedulableMaxOverIdleWindow(), NOW));
    }

    @Test
    void requestedOnWorkers_isOneSeriesPerWorkerAndResource_ofPlacedPodsOnly() {
        // WHEN
        Map<String, Double> requested = new TreeMap<>();
        promql.vector(ClusterQueries.REQUESTED_ON_WORKERS, NOW).forEach(sample ->
                requested.put(sample.label("node") + " " + sample.label("resource"), sample.value()));

        // THEN w1: api-1 + pulling-1 (scheduled, holds its requests while pulling), not its DaemonSet pod
        // nor the succeeded report-1; w2: cart-1's two containers summed, not its DaemonSet pod nor the
        // failed report-2; w3 (nothing but a DaemonSet pod) and the master (coredns-1): no series
        assertEquals(Set.of("w1 cpu", "w1 memory", "w2 cpu", "w2 memory"), requested.keySet());
        assertEquals(0.5, requested.get("w1 cpu"), 1e-9);
        assertEquals(384.0 * MIB, requested.get("w1 memory"), 1e-3);
        assertEquals(0.3, requested.get("w2 cpu"), 1e-9);
        assertEquals(544.0 * MIB, requested.get("w2 memory"), 1e-3);
    }

    @Test
    void requestedOnWorkers_carriesNoOtherLabel() {
        // WHEN / THEN the series are keyed by node and resource alone (no pod, container or unit left over)
        promql.vector(ClusterQueries.REQUESTED_ON_WORKERS, NOW).forEach(sample ->
                assertEquals(Set.of("node", "resource"), sample.labels().keySet(), sample::toString));
    }
}
