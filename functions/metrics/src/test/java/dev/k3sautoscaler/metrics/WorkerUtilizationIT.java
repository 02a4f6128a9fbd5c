package dev.k3sautoscaler.metrics;

import static dev.k3sautoscaler.metrics.ClusterFixture.GIB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k3sautoscaler.core.config.AutoscalerConfig;
import dev.k3sautoscaler.testkit.prometheus.PrometheusServer;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * CPU and memory of workers, evaluated by the real Prometheus: two workers at different loads and
 * sizes, and a busy master that must not count.
 */
class WorkerUtilizationIT {
    private static final Instant NOW = Instant.parse("2026-03-02T12:00:00Z");
    private static final ClusterQueries QUERIES = ClusterQueries.forConfig(AutoscalerConfig.defaults());
    private static PrometheusServer prometheus;
    private static Promql promql;

    @BeforeAll
    static void startPrometheus() {
        // GIVEN a master at 95 % CPU / 90 % memory, w1 (4 cores) at 80 % CPU using 3 of 4 GiB,
        //       and w2 (2 cores) at 20 % CPU using 0.5 of 2 GiB, for 20 minutes
        ClusterFixture cluster = ClusterFixture.between(NOW.minus(Duration.ofMinutes(20)), NOW);
        cluster.master("server-1").cpus(2).cpuBusy(0.95).memory(4 * GIB, 0.9);
        cluster.worker("w1").cpus(4).cpuBusy(0.8).memory(4 * GIB, 0.75);
        cluster.worker("w2").cpus(2).cpuBusy(0.2).memory(2 * GIB, 0.25);
        prometheus = PrometheusServer.backfilledWith(cluster.openMetrics());
        promql = new Promql(prometheus);
    }

    @AfterAll
    static void stopPrometheus() {
        prometheus.close();
    }

    @Test
    void cpuPercent_weighsWorkersByCores_andLeavesTheMasterOut() {
        // WHEN
        double cpu = promql.scalar(ClusterQueries.CPU_PERCENT, NOW);

        // THEN (0.8 × 4 + 0.2 × 2) / 6 cores = 60 %; with the master it would be 64 %
        assertEquals(60.0, cpu, 0.01);
    }

    @Test
    void memoryPercent_isUsedOverTotalOfWorkers_andLeavesTheMasterOut() {
        // WHEN
        double memory = promql.scalar(ClusterQueries.MEMORY_PERCENT, NOW);

        // THEN (3 + 0.5) GiB used of 6 GiB
        assertEquals(100.0 * 3.5 / 6, memory, 0.01);
    }

    @Test
    void sustainedWindows_equalTheCurrentValue_whenLoadIsSteady() {
        // WHEN / THEN
        assertEquals(60.0, promql.scalar(QUERIES.cpuSustainedHigh(), NOW), 0.01);
        assertEquals(60.0, promql.scalar(QUERIES.cpuSustainedLow(), NOW), 0.01);
        assertEquals(100.0 * 3.5 / 6, promql.scalar(QUERIES.memorySustainedHigh(), NOW), 0.01);
        assertEquals(100.0 * 3.5 / 6, promql.scalar(QUERIES.memorySustainedLow(), NOW), 0.01);
    }

    @Test
    void workerFilter_listsEveryNodeButTheControlPlane() {
        // WHEN
        Map<String, Double> workers = promql.byLabel(ClusterQueries.WORKER_NODES, NOW, "node");
        double controlPlanes = promql.scalar(ClusterQueries.CONTROL_PLANE_NODES, NOW);

        // THEN K3s's server carries both the control-plane and master roles: one node, not two
        assertEquals(java.util.Set.of("w1", "w2"), workers.keySet());
        assertEquals(1.0, controlPlanes);
    }

    @Test
    void nodeExporterSamples_areFresh_andPerWorker() {
        // WHEN
        Map<String, Double> sampleTimes = promql.byLabel(ClusterQueries.NODE_EXPORTER_SAMPLES, NOW, "node");

        // THEN the newest sample of each worker is the one scraped at NOW
        assertEquals(Map.of("w1", (double) NOW.getEpochSecond(), "w2", (double) NOW.getEpochSecond()), sampleTimes);
        assertTrue(promql.scalar(ClusterQueries.KSM_NEWEST_SAMPLE, NOW) >= NOW.getEpochSecond());
    }
}
