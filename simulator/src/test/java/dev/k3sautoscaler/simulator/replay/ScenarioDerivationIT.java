package dev.k3sautoscaler.simulator.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k3sautoscaler.metrics.PrometheusEndpoint;
import dev.k3sautoscaler.simulator.replay.Replay.LeftOut;
import dev.k3sautoscaler.simulator.replay.Replay.Reason;
import dev.k3sautoscaler.simulator.scenario.Scenario;
import dev.k3sautoscaler.simulator.scenario.Scenario.Kind;
import dev.k3sautoscaler.simulator.scenario.Scenario.ReplicaStep;
import dev.k3sautoscaler.simulator.scenario.Scenario.Workload;
import dev.k3sautoscaler.simulator.scenario.ScenarioLoader;
import dev.k3sautoscaler.testkit.prometheus.PrometheusServer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The derivation against the real Prometheus, over 40 minutes of a small cluster: a master, two
 * workers and a third that joins, a Deployment scaling 2 → 5 → 3 (with a rollout to a new
 * ReplicaSet and a pod unschedulable for 4 minutes), a DaemonSet, a StatefulSet of 1, a Job,
 * Prometheus pinned to the master, and kube-state-metrics not scraped for 2 minutes.
 */
class ScenarioDerivationIT {
    private static final Instant START = Instant.parse("2026-03-02T12:00:00Z");
    private static final ReplayRange RANGE = new ReplayRange(START, START.plus(Duration.ofMinutes(40)), Duration.ofMinutes(1));
    private static final double PRICE = 0.0208;
    /** The fixture's counters grow linearly, so rate() is exact; what is left is float noise. */
    private static final double USAGE_TOLERANCE = 0.005;

    private static PrometheusServer prometheus;
    private static Replay replay;

    @BeforeAll
    static void derive() {
        // GIVEN
        prometheus = PrometheusServer.backfilledWith(cluster().openMetrics(), ClusterHistory.LOOKBACK);

        // WHEN
        replay = derivation(PrometheusHistory.MAX_POINTS_PER_REQUEST).derive(RANGE, ReplayParameters.of(PRICE, null, null));
    }

    @AfterAll
    static void stop() {
        prometheus.close();
    }

    static ClusterHistory cluster() {
        ClusterHistory cluster = ClusterHistory.from(START, Duration.ofMinutes(40)).ksmSilentBetween(minutes(30), minutes(32));
        ClusterHistory.Node master = cluster.master("server-1", "t3.medium", 2, 3800);
        ClusterHistory.Node w1 = cluster.worker("w1", "t3.small", 1.9, 1600);
        ClusterHistory.Node w2 = cluster.worker("w2", "t3.small", 1.9, 1600);
        // The third worker reports a little more memory: the worker type takes the most common.
        ClusterHistory.Node w3 = cluster.worker("w3", "t3.small", 1.9, 1650).joins(minutes(12), minutes(14));
        cluster.replicaSet("shop", "web-7d9f", "web").replicaSet("shop", "web-5c8b", "web")
                .replicaSet("monitoring", "prometheus-6b7c", "prometheus");

        // web: 2 pods, 5 from 10m (one unschedulable until w3 is Ready at 14m), then a rollout to 3 new pods at 25m.
        web(cluster, "web-7d9f-a", 0.4, minutes(0), minutes(25)).on(w1);
        web(cluster, "web-7d9f-b", 0.6, minutes(0), minutes(25)).on(w2);
        web(cluster, "web-7d9f-c", 0.4, minutes(10), minutes(25)).on(w1);
        web(cluster, "web-7d9f-d", 0.6, minutes(10), minutes(25)).on(w2);
        web(cluster, "web-7d9f-e", 0.4, minutes(10), minutes(25)).waits(minutes(14), w3, minutes(15));
        web(cluster, "web-5c8b-x", 0.6, minutes(25), null).on(w1);
        web(cluster, "web-5c8b-y", 0.4, minutes(25), null).on(w2);
        web(cluster, "web-5c8b-z", 0.6, minutes(25), null).on(w3);

        for (ClusterHistory.Node node : List.of(master, w1, w2, w3)) {
            cluster.pod("monitoring", "node-exporter-" + node.name(), "DaemonSet", "node-exporter",
                            node == w3 ? minutes(14) : minutes(0), null)
                    .on(node).container("node-exporter", 20, 32, 0.5, 0.5);
        }
        cluster.pod("data", "db-0", "StatefulSet", "db", minutes(0), null).on(w1).container("postgres", 500, 512, 0.3, 0.9);
        cluster.pod("batch", "backup-28731-q7x", "Job", "backup-28731", minutes(5), minutes(8)).on(w2)
                .container("backup", 100, 64, 1, 0.5);
        cluster.pod("monitoring", "prometheus-6b7c-k2m", "ReplicaSet", "prometheus-6b7c", minutes(0), null).on(master)
                .container("prometheus", 200, 512, 0.5, 0.8);
        return cluster;
    }

    /** A web pod: 250m / 256 MiB in two containers, using {@code cpuUse} of its CPU and 3/4 of its memory. */
    private static ClusterHistory.Pod web(ClusterHistory cluster, String name, double cpuUse, Duration from, Duration until) {
        return cluster.pod("shop", name, "ReplicaSet", name.substring(0, name.lastIndexOf('-')), from, until)
                .container("app", 200, 192, cpuUse, 0.75)
                .container("proxy", 50, 64, cpuUse, 0.75);
    }

    static ScenarioDerivation derivation(int maxPointsPerRequest) {
        return new ScenarioDerivation(new PrometheusHistory(PrometheusEndpoint.direct(prometheus.url()), null,
                PrometheusHistory.CONNECT_TIMEOUT, PrometheusHistory.REQUEST_TIMEOUT, maxPointsPerRequest));
    }

    private static Duration minutes(long minutes) {
        return Duration.ofMinutes(minutes);
    }

    private static Map<String, Workload> workloads() {
        return replay.scenario().workloads().stream()
                .collect(Collectors.toMap(w -> w.namespace() + "/" + w.name(), Function.identity()));
    }

    @Test
    void workloads_areTheDeploymentStatefulSetAndDaemonSet_withoutTheJobOrWhatRanOnTheMaster() {
        // THEN
        Map<String, Kind> kinds = replay.scenario().workloads().stream()
                .collect(Collectors.toMap(w -> w.namespace() + "/" + w.name(), Workload::kind));
        assertEquals(Map.of("shop/web", Kind.DEPLOYMENT, "data/db", Kind.STATEFUL_SET,
                "monitoring/node-exporter", Kind.DAEMON_SET), kinds);
        assertEquals(List.of(
                new LeftOut("batch", "Job", "backup-28731", 1, Reason.NOT_A_WORKLOAD),
                new LeftOut("monitoring", "Deployment", "prometheus", 1, Reason.ON_CONTROL_PLANE)), replay.leftOut());
        assertTrue(replay.notes().contains("left out the pods of owners that are not a Deployment, StatefulSet or DaemonSet:"
                + " Job batch/backup-28731"), replay.notes().toString());
        assertTrue(replay.notes().contains("left out the pods that ran on the control plane (the simulated master takes"
                + " DaemonSet pods only): Deployment monitoring/prometheus"), replay.notes().toString());
    }

    @Test
    void replicas_changeWhereTheRunningAndPendingPodsChange_acrossReplicaSets() {
        // THEN the unschedulable pod counts from 10m, and the rollout's new ReplicaSet is still web
        assertEquals(List.of(step(0, 2), step(10, 5), step(25, 3)), workloads().get("shop/web").replicas());
        assertEquals(List.of(step(0, 1)), workloads().get("data/db").replicas());
        assertEquals(List.of(), workloads().get("monitoring/node-exporter").replicas());
    }

    @Test
    void requests_areThePodsContainersSummed() {
        // THEN
        Map<String, Workload> workloads = workloads();
        assertEquals(List.of(250L, 256L), List.of(workloads.get("shop/web").cpuMillis(), workloads.get("shop/web").memoryMiB()));
        assertEquals(List.of(500L, 512L), List.of(workloads.get("data/db").cpuMillis(), workloads.get("data/db").memoryMiB()));
        Workload exporter = workloads.get("monitoring/node-exporter");
        assertEquals(List.of(20L, 32L), List.of(exporter.cpuMillis(), exporter.memoryMiB()));
    }

    @Test
    void usage_isTheMeanFractionOfTheRequest_andJitterTheSpreadOfThePods() {
        // THEN web: its pods use 0.4 or 0.6 of their CPU, so the mean over the points is 0.508 (0.51) and the
        // spread of every pod around it 0.0997, i.e. 0.196 of the mean; a uniform jitter of √3 × 0.196 = 0.34 spreads as much.
        Workload web = workloads().get("shop/web");
        assertEquals(0.51, web.cpuUsage(), USAGE_TOLERANCE);
        assertEquals(0.75, web.memoryUsage(), USAGE_TOLERANCE);
        assertEquals(0.34, web.usageJitter(), USAGE_TOLERANCE);
        Workload db = workloads().get("data/db");
        assertEquals(List.of(0.3, 0.9, 0.0), List.of(db.cpuUsage(), db.memoryUsage(), db.usageJitter()));
        Workload exporter = workloads().get("monitoring/node-exporter");
        assertEquals(List.of(0.5, 0.5, 0.0), List.of(exporter.cpuUsage(), exporter.memoryUsage(), exporter.usageJitter()));
    }

    @Test
    void gapInKubeStateMetrics_keepsTheCountsFromBeforeIt_andIsSaid() {
        // THEN web keeps its 3 pods and the workers their 3 through 30m–32m, rather than dropping to 0
        assertEquals(List.of(step(0, 2), step(10, 5), step(25, 3)), workloads().get("shop/web").replicas());
        assertEquals(new ActualRun.Sample(minutes(31), 3, 0), replay.actual().samples().get(31));
        assertTrue(replay.notes().contains("kube-state-metrics has no samples at 2 of 41 points (the longest gap: 2m): the counts"
                + " from before each gap are kept through it"), replay.notes().toString());
    }

    @Test
    void workerType_isTheMostCommonAllocatableOfTheWorkers_atTheGivenPrice() {
        // THEN the master's 2 cores / 3800 MiB and w3's 1650 MiB are not it
        assertEquals(new Scenario.WorkerType("t3.small", 1900, 1600, PRICE, null), replay.scenario().workerType());
        assertTrue(replay.notes().contains("the 3 workers had 2 allocatable sizes; the scenario's worker type has the most"
                + " common (1900m CPU, 1600 MiB, 2 of 3 workers)"), replay.notes().toString());
    }

    @Test
    void cluster_startsWithTheWorkersReadyAtTheStart_forTheRangesLength() {
        // THEN
        Scenario scenario = replay.scenario();
        assertEquals(2, scenario.cluster().workers());
        assertEquals(List.of("us-east-1a", "us-east-1b"), scenario.cluster().zones());
        assertEquals(Duration.ofMinutes(40), scenario.duration());
        assertEquals("replay-20260302-1200", scenario.name());
        assertEquals("Replayed from Prometheus at " + prometheus.url() + ": 2026-03-02T12:00:00Z to 2026-03-02T12:40:00Z"
                + " at 1m steps", scenario.description());
    }

    @Test
    void actualRun_countsReadyWorkerHoursAndUnschedulablePodMinutes() {
        // THEN 2 workers for 14 minutes, 3 for 26: 106 worker-minutes; one pod unschedulable 10m–14m
        ActualRun actual = replay.actual();
        assertEquals(106 / 60.0, actual.nodeHours(), 1e-9);
        assertEquals(106 / 60.0 * PRICE, actual.costUsd(), 1e-9);
        assertEquals(4.0, actual.unschedulablePodMinutes(), 1e-9);
        assertEquals(41, actual.samples().size());
        assertEquals(new ActualRun.Sample(minutes(13), 2, 1), actual.samples().get(13));
        assertEquals(new ActualRun.Sample(minutes(14), 3, 0), actual.samples().get(14));
        assertEquals(3, actual.peakReadyWorkers());
    }

    @Test
    void yaml_loadsAsTheScenario() {
        // WHEN
        Scenario reloaded = ScenarioLoader.parse(replay.yaml(), "replayed.yaml");

        // THEN
        assertEquals(replay.scenario(), reloaded);
        assertTrue(replay.yaml().contains("      - {at: 10m, count: 5}\n"), replay.yaml());
    }

    @Test
    void rangeCutIntoPiecesOfSevenPoints_derivesTheSame() {
        // WHEN 41 points are asked for in 6 pieces
        Replay pieced = derivation(7).derive(RANGE, ReplayParameters.of(PRICE, null, null));

        // THEN
        assertEquals(replay.yaml(), pieced.yaml());
        assertEquals(replay.actual(), pieced.actual());
    }

    @Test
    void rangeWithoutSamples_isRefused() {
        // GIVEN the day before the history
        ReplayRange dayBefore = new ReplayRange(START.minus(Duration.ofDays(1)), START.minus(Duration.ofDays(1)).plus(minutes(40)),
                Duration.ofMinutes(1));

        // WHEN
        UnusableHistoryException error = assertThrows(UnusableHistoryException.class,
                () -> derivation(PrometheusHistory.MAX_POINTS_PER_REQUEST).derive(dayBefore, ReplayParameters.of(PRICE, null, null)));

        // THEN
        assertEquals(UnusableHistoryException.Problem.NO_SAMPLES, error.problem());
        assertEquals("no kube_pod_owner samples between 2026-03-01T12:00:00Z and 2026-03-01T12:40:00Z: is the range right?",
                error.getMessage());
    }

    private static ReplicaStep step(long minutes, int count) {
        return new ReplicaStep(Duration.ofMinutes(minutes), count, Duration.ZERO);
    }
}
