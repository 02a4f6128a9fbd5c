package dev.k3sautoscaler.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k3sautoscaler.core.config.AutoscalerConfig;
import dev.k3sautoscaler.metrics.ClusterQueries.Query;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClusterQueriesTest {

    @Test
    void windows_comeFromTheConfiguration() {
        // GIVEN
        AutoscalerConfig config = AutoscalerConfig.fromEnvironment(Map.of(
                "CPU_UP_SUSTAIN_SEC", "300", "PENDING_UP_SEC", "45", "IDLE_DOWN_SEC", "900"));

        // WHEN
        ClusterQueries queries = ClusterQueries.forConfig(config);

        // THEN
        assertTrue(queries.cpuSustainedHigh().endsWith("[300s:30s])"), queries.cpuSustainedHigh());
        assertTrue(queries.cpuSustainedLow().endsWith("[900s:30s])"), queries.cpuSustainedLow());
        assertTrue(queries.memorySustainedLow().endsWith("[900s:30s])"), queries.memorySustainedLow());
        assertTrue(queries.unschedulableMaxOverIdleWindow().endsWith("[900s:30s])"));
        assertTrue(queries.unschedulablePods().endsWith("(kube_pod_status_unschedulable offset 45s)"),
                queries.unschedulablePods());
    }

    @Test
    void zeroPendingWindow_countsPodsTheMomentTheyAreUnschedulable() {
        // WHEN
        ClusterQueries queries = new ClusterQueries(Duration.ofSeconds(180), Duration.ofSeconds(120), Duration.ZERO, Duration.ofSeconds(600));

        // THEN
        assertFalse(queries.unschedulablePods().contains("offset"), queries.unschedulablePods());
    }

    @Test
    void everyRequestsQuery_namesItsResource_andEveryPerNodeQuery_filtersWorkers() {
        // GIVEN
        Map<Query, String> all = ClusterQueries.forConfig(AutoscalerConfig.defaults()).all();

        // WHEN / THEN
        assertEquals(Query.values().length, all.size());
        all.forEach((name, promql) -> {
            if (promql.contains("kube_pod_container_resource_requests")) {
                assertTrue(promql.contains("kube_pod_container_resource_requests{resource=~\"cpu|memory\"}"),
                        name + ": " + promql);
            }
            if (promql.contains("node_cpu_seconds_total") || promql.contains("node_memory_")) {
                assertTrue(promql.contains("and on(node) " + ClusterQueries.WORKERS), name + ": " + promql);
            }
            assertFalse(promql.contains("kube_pod_status_phase{phase=\"Pending\"}"), name + ": " + promql);
        });
    }
}
