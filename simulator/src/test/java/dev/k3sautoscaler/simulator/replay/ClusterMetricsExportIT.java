package dev.k3sautoscaler.simulator.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.k3sautoscaler.contract.PolicyName;
import dev.k3sautoscaler.metrics.PrometheusClient;
import dev.k3sautoscaler.metrics.PrometheusEndpoint;
import dev.k3sautoscaler.metrics.QueryResult;
import dev.k3sautoscaler.simulator.engine.Simulation;
import dev.k3sautoscaler.simulator.engine.SimulationResult;
import dev.k3sautoscaler.simulator.fixtures.TestScenarios;
import dev.k3sautoscaler.simulator.report.RunTimeline.Sample;
import dev.k3sautoscaler.simulator.scenario.Scenario;
import dev.k3sautoscaler.simulator.scenario.Scenario.Workload;
import dev.k3sautoscaler.testkit.prometheus.PrometheusServer;
import java.io.StringWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A run's exported history, backfilled into the real Prometheus, read back with PromQL: it tells
 * the run's own story — its workers, each workload's pods, the unschedulable ones, their requests
 * and their CPU use — minute by minute.
 */
class ClusterMetricsExportIT {
    /**
     * Two workers take the 8 web pods; at 10 min 4 more cannot be placed until a worker joins; at
     * 25 min web falls to 3, so the spare worker can go. pg grows to two at 5 min.
     */
    private static final String WORKLOAD = """
              - name: node-exporter
                namespace: monitoring
                kind: DaemonSet
                requests: {cpuMillis: 20, memoryMiB: 32}
                usage: {cpu: 0.5, memory: 0.6}
              - name: web
                namespace: shop
                replicas: [{at: 0s, count: 8}, {at: 10m, count: 12}, {at: 25m, count: 3}]
                requests: {cpuMillis: 400, memoryMiB: 256}
                usage: {cpu: 0.5, memory: 0.4, jitter: 0.1}
              - name: pg
                namespace: db
                kind: StatefulSet
                replicas: [{at: 0s, count: 1}, {at: 5m, count: 2}]
                requests: {cpuMillis: 250, memoryMiB: 512}
                usage: {cpu: 0.4, memory: 0.5}
            """;
    /** Series that disappeared stay visible for the 5-minute lookback; only those sampled at the query's instant count. */
    private static final String FRESH = " unless time() - timestamp(%s) > 30";

    private static Scenario scenario;
    private static SimulationResult result;
    private static PrometheusServer prometheus;
    private static PrometheusClient client;

    @BeforeAll
    static void runExportAndBackfill() {
        scenario = TestScenarios.of("workers: 2", WORKLOAD).withDuration(Duration.ofMinutes(50));
        ClusterMetricsExport export = new ClusterMetricsExport(Simulation.START);
        try (Simulation simulation = new Simulation(scenario, PolicyName.DEFAULT).onSample(export::sample)) {
            result = simulation.run();
        }
        StringWriter text = new StringWriter();
        export.writeTo(text);
        prometheus = PrometheusServer.backfilledWith(text.toString());
        client = PrometheusClient.unauthenticated(PrometheusEndpoint.direct(prometheus.url()));
    }

    @AfterAll
    static void stopPrometheus() {
        if (prometheus != null) {
            prometheus.close();
        }
    }

    @Test
    void workers_areTheNodesThatAreNotControlPlane_asTheRunCountedThem() {
        int compared = 0;
        for (Sample sample : result.timeline().samples()) {
            Instant at = Simulation.START.plus(sample.at());
            // WHEN
            double ready = scalar("count(" + fresh("kube_node_status_condition{condition=\"Ready\",status=\"true\"}")
                    + " == 1 unless on(node) kube_node_role{role=\"control-plane\"}) or vector(0)", at);
            // THEN every Ready worker the run counted, at every minute
            assertEquals(sample.readyWorkers(), ready, "Ready workers at " + sample.at());
            if (sample.totalWorkers() == sample.readyWorkers()) {
                // AND while no worker is joining or gone, the Nodes are exactly those workers and the master
                double workers = scalar("count(" + fresh("kube_node_info") + ") - count(" + fresh("kube_node_role{role=\"control-plane\"}")
                        + ")", at);
                assertEquals(sample.totalWorkers(), workers, "workers at " + sample.at());
                compared++;
            }
        }
        assertTrue(compared > result.timeline().samples().size() / 2, "compared at " + compared + " minutes only");
        assertTrue(result.timeline().samples().stream().mapToInt(Sample::totalWorkers).max().orElseThrow() > 2,
                "the run must scale up for the count to say something");
    }

    @Test
    void podsByOwner_areEachWorkloadsReplicas_throughTheReplicaSetOfADeployment() {
        Workload web = workload("web");
        Workload pg = workload("pg");
        for (Sample sample : result.timeline().samples()) {
            Instant at = Simulation.START.plus(sample.at());
            // WHEN pods not being deleted are counted by their owner, a ReplicaSet's taken to its Deployment
            Map<String, Double> deployments = byLabel("count by (owner_name) (kube_replicaset_owner{owner_kind=\"Deployment\"}"
                    + " * on(namespace, replicaset) group_right(owner_name)"
                    + " label_replace(" + livePods("=\"ReplicaSet\"") + ", \"replicaset\", \"$1\", \"owner_name\", \"(.+)\"))",
                    "owner_name", at);
            Map<String, Double> byOwner = byLabel("count by (owner_name) (" + livePods("!=\"ReplicaSet\"") + ")", "owner_name", at);

            // THEN web's ReplicaSet belongs to web and holds its replicas, pg's StatefulSet its own, node-exporter one a Ready node
            assertEquals((double) web.replicasAt(sample.at()), deployments.getOrDefault("web", 0.0), "web at " + sample.at());
            assertEquals((double) pg.replicasAt(sample.at()), byOwner.getOrDefault("pg", 0.0), "pg at " + sample.at());
            assertEquals(sample.readyWorkers() + 1.0, byOwner.getOrDefault("node-exporter", 0.0), "node-exporter at " + sample.at());
        }
    }

    @Test
    void unschedulablePods_areTheOnesTheRunCounted() {
        for (Sample sample : result.timeline().samples()) {
            // WHEN
            double unschedulable = scalar("sum(" + fresh("kube_pod_status_unschedulable") + ") or vector(0)",
                    Simulation.START.plus(sample.at()));
            // THEN
            assertEquals(sample.unschedulablePods(), unschedulable, "unschedulable at " + sample.at());
        }
        assertTrue(result.timeline().samples().stream().anyMatch(sample -> sample.unschedulablePods() > 0),
                "the run must leave pods unschedulable for the count to say something");
    }

    @Test
    void everyPodsRequests_areItsWorkloads() {
        Instant at = Simulation.START.plus(Duration.ofMinutes(12));
        for (Workload workload : scenario.workloads()) {
            String selector = "kube_pod_container_resource_requests{namespace=\"" + workload.namespace() + "\",container=\""
                    + workload.name() + "\",resource=\"%s\"}";
            // WHEN / THEN every pod's container asks for what the scenario says, bound or not
            List<QueryResult.Sample> cpu = vector(selector.formatted("cpu"), at);
            List<QueryResult.Sample> memory = vector(selector.formatted("memory"), at);
            assertFalse(cpu.isEmpty(), workload.name());
            cpu.forEach(pod -> assertEquals(workload.cpuMillis() / 1000.0, pod.value(), pod.labels().toString()));
            memory.forEach(pod -> assertEquals((double) workload.memoryBytes(), pod.value(), pod.labels().toString()));
        }
    }

    @Test
    void cpuRate_andWorkingSet_ofEveryPod_areItsRequestsTimesItsUsage() {
        // GIVEN a time every pod has been running for the whole 5-minute window (the last came with the new worker)
        Instant at = Simulation.START.plus(Duration.ofMinutes(22));
        for (Workload workload : scenario.workloads()) {
            String pods = "{namespace=\"" + workload.namespace() + "\",container=\"" + workload.name() + "\"}";
            // WHEN
            List<QueryResult.Sample> cpu = vector("rate(container_cpu_usage_seconds_total" + pods + "[5m])", at);
            List<QueryResult.Sample> memory = vector("container_memory_working_set_bytes" + pods, at);

            // THEN within 15 %: the usage jitters by at most 10 % a minute
            assertFalse(cpu.isEmpty(), workload.name());
            double cores = workload.cpuMillis() / 1000.0 * workload.cpuUsage();
            cpu.forEach(pod -> assertEquals(cores, pod.value(), cores * 0.15, "CPU of " + pod.labels()));
            double bytes = workload.memoryBytes() * workload.memoryUsage();
            memory.forEach(pod -> assertEquals(bytes, pod.value(), bytes * 0.15, "memory of " + pod.labels()));
        }
    }

    private static Workload workload(String name) {
        return scenario.workloads().stream().filter(workload -> workload.name().equals(name)).findFirst().orElseThrow();
    }

    /** The selector's series sampled at the query's instant, without those of pods or nodes already gone. */
    private static String fresh(String selector) {
        return "(" + selector + FRESH.formatted(selector) + ")";
    }

    /** kube_pod_owner of the pods that exist and are not being deleted, whose owner_kind matches. */
    private static String livePods(String ownerKindMatcher) {
        return "(" + fresh("kube_pod_owner{owner_kind" + ownerKindMatcher + "}") + " unless on(namespace, pod) "
                + fresh("kube_pod_deletion_timestamp") + ")";
    }

    private static List<QueryResult.Sample> vector(String promql, Instant at) {
        QueryResult answer = client.querySync(promql, at);
        if (answer instanceof QueryResult.Samples samples) {
            return samples.samples();
        }
        return fail("query failed: " + answer + "\n" + promql);
    }

    private static double scalar(String promql, Instant at) {
        List<QueryResult.Sample> samples = vector(promql, at);
        assertEquals(1, samples.size(), () -> "one sample expected from " + promql + ", got " + samples);
        return samples.getFirst().value();
    }

    private static Map<String, Double> byLabel(String promql, String label, Instant at) {
        Map<String, Double> values = new TreeMap<>();
        vector(promql, at).forEach(sample -> values.put(sample.label(label), sample.value()));
        return values;
    }
}
