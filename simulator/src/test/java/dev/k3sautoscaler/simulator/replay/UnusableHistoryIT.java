package dev.k3sautoscaler.simulator.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k3sautoscaler.simulator.replay.UnusableHistoryException.Problem;
import dev.k3sautoscaler.simulator.scenario.Scenario;
import dev.k3sautoscaler.simulator.scenario.Scenario.Workload;
import dev.k3sautoscaler.testkit.prometheus.PrometheusServer;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Histories the derivation cannot use, or can only in part: on the real Prometheus, each from its own backfill. */
class UnusableHistoryIT {
    private static final Instant START = Instant.parse("2026-03-02T12:00:00Z");
    private static final ReplayRange RANGE = new ReplayRange(START, START.plus(Duration.ofMinutes(40)), Duration.ofMinutes(1));
    private static final ReplayParameters PARAMETERS = ReplayParameters.of(0.0208, null, null);

    private static Replay derive(ClusterHistory history) {
        try (PrometheusServer prometheus = PrometheusServer.backfilledWith(history.openMetrics(), ClusterHistory.LOOKBACK)) {
            return new ScenarioDerivation(PrometheusHistory.connect(URI.create(prometheus.url().toString()), null))
                    .derive(RANGE, PARAMETERS);
        }
    }

    @Test
    void missingSeries_areNamedAllAtOnce() {
        // GIVEN kube-state-metrics exporting neither pod owners nor ReplicaSet owners
        ClusterHistory history = ScenarioDerivationIT.cluster().without("kube_pod_owner", "kube_replicaset_owner");

        // WHEN
        UnusableHistoryException error = assertThrows(UnusableHistoryException.class, () -> derive(history));

        // THEN
        assertEquals(Problem.MISSING_SERIES, error.problem());
        assertEquals(List.of("kube_pod_owner", "kube_replicaset_owner"), error.missingSeries());
        assertEquals("kube_pod_owner, kube_replicaset_owner have no series: install kube-state-metrics"
                + " (cluster-bootstrap/manifests/kube-state-metrics.yaml)", error.getMessage());
    }

    @Test
    void noWorker_isRefused() {
        // GIVEN a single-node cluster: the K3s server runs everything
        ClusterHistory history = ClusterHistory.from(START, Duration.ofMinutes(40));
        ClusterHistory.Node master = history.master("server-1", "t3.medium", 2, 3800);
        history.pod("monitoring", "node-exporter-server-1", "DaemonSet", "node-exporter", Duration.ZERO, null)
                .on(master).container("node-exporter", 20, 32, 0.5, 0.5);
        history.replicaSet("default", "app-5f6d", "app");
        history.pod("default", "app-5f6d-a", "ReplicaSet", "app-5f6d", Duration.ZERO, null)
                .on(master).container("app", 100, 128, 0.5, 0.5);

        // WHEN
        UnusableHistoryException error = assertThrows(UnusableHistoryException.class, () -> derive(history));

        // THEN
        assertEquals(Problem.NO_WORKERS, error.problem());
        assertEquals("no worker node between 2026-03-02T12:00:00Z and 2026-03-02T12:40:00Z: every node with an allocatable"
                + " CPU and memory has the control-plane role (kube_node_role), and the autoscaler adds and removes workers"
                + " only", error.getMessage());
    }

    @Test
    void withoutCadvisorOrInstanceTypes_usageAndNameAreLeftToDefaults_andSaidSo() {
        // GIVEN no cAdvisor series and no node labels
        ClusterHistory history = ScenarioDerivationIT.cluster()
                .without("container_cpu_usage_seconds_total", "container_memory_working_set_bytes", "kube_node_labels");

        // WHEN
        Replay replay = derive(history);

        // THEN the loader's defaults (0.5 of the CPU request, 0.8 of the memory) apply, and the notes say why
        Workload web = replay.scenario().workloads().stream().filter(w -> w.name().equals("web")).findFirst().orElseThrow();
        assertEquals(List.of(0.5, 0.8, 0.0), List.of(web.cpuUsage(), web.memoryUsage(), web.usageJitter()));
        assertEquals(250, web.cpuMillis());
        assertTrue(replay.yaml().contains("    # usage: no cAdvisor samples of its pods, so the simulator's defaults apply\n"),
                replay.yaml());
        assertTrue(replay.notes().containsAll(List.of(
                "container_cpu_usage_seconds_total has no series (is cAdvisor scraped?): every workload's cpu usage is left to"
                        + " the simulator's default",
                "container_memory_working_set_bytes has no series (is cAdvisor scraped?): every workload's memory usage is left"
                        + " to the simulator's default",
                "no worker has the node.kubernetes.io/instance-type label in kube_node_labels: the worker type is named unknown")),
                replay.notes().toString());
        assertEquals(new Scenario.WorkerType("unknown", 1900, 1600, 0.0208, null), replay.scenario().workerType());
    }
}
