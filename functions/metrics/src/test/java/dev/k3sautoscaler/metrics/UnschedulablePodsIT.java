package dev.k3sautoscaler.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.k3sautoscaler.core.config.AutoscalerConfig;
import dev.k3sautoscaler.testkit.prometheus.PrometheusServer;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The source documents' Pending-pod trap, shown on the real Prometheus: 10 pods, 3 of them pending. */
class UnschedulablePodsIT {
    private static final Instant NOW = Instant.parse("2026-03-02T12:00:00Z");
    private static final ClusterQueries QUERIES = ClusterQueries.forConfig(AutoscalerConfig.defaults());
    private static PrometheusServer prometheus;
    private static Promql promql;

    @BeforeAll
    static void startPrometheus() {
        // GIVEN 7 running pods and 3 that have been unschedulable for 5 minutes
        ClusterFixture cluster = ClusterFixture.between(NOW.minus(Duration.ofMinutes(20)), NOW);
        cluster.master("server-1");
        ClusterFixture.Node w1 = cluster.worker("w1");
        ClusterFixture.Node w2 = cluster.worker("w2");
        for (int i = 1; i <= 7; i++) {
            cluster.pod("shop", "web-" + i).runningOn(i % 2 == 0 ? w1 : w2).container("app", 200, 128 * ClusterFixture.MIB);
        }
        for (int i = 8; i <= 10; i++) {
            cluster.pod("shop", "web-" + i).unschedulableSince(NOW.minus(Duration.ofMinutes(5)))
                    .container("app", 200, 128 * ClusterFixture.MIB);
        }
        prometheus = PrometheusServer.backfilledWith(cluster.openMetrics());
        promql = new Promql(prometheus);
    }

    @AfterAll
    static void stopPrometheus() {
        prometheus.close();
    }

    @Test
    void naiveCountOfPendingPhase_countsEveryPod() {
        // WHEN the source documents' query runs
        double naive = promql.scalar("count(kube_pod_status_phase{phase=\"Pending\"})", NOW);

        // THEN it counts all 10 pods: every pod has a Pending series, 0 or 1
        assertEquals(10.0, naive);
    }

    @Test
    void unschedulablePods_findsExactlyTheThreePendingPods() {
        // WHEN
        Set<String> pods = promql.pods(QUERIES.unschedulablePods(), NOW);

        // THEN
        assertEquals(Set.of("shop/web-8", "shop/web-9", "shop/web-10"), pods);
    }

    @Test
    void countOfUnschedulablePodsOverTheIdleWindow_isThree() {
        // WHEN / THEN
        assertEquals(3.0, promql.scalar(QUERIES.unschedulableMaxOverIdleWindow(), NOW));
    }
}
