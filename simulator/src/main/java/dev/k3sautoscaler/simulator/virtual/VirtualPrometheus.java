package dev.k3sautoscaler.simulator.virtual;

import dev.k3sautoscaler.core.config.AutoscalerConfig;
import dev.k3sautoscaler.metrics.ClusterQueries;
import dev.k3sautoscaler.simulator.cluster.ClusterObservation;
import dev.k3sautoscaler.simulator.cluster.NodeState;
import dev.k3sautoscaler.simulator.cluster.PodPhase;
import dev.k3sautoscaler.simulator.cluster.PodState;
import dev.k3sautoscaler.simulator.cluster.SimulatedCluster;
import dev.k3sautoscaler.simulator.scenario.Scenario.Kind;
import dev.k3sautoscaler.simulator.scenario.Scenario.OutageKind;
import dev.k3sautoscaler.testkit.prometheus.FakePrometheusApi;
import dev.k3sautoscaler.testkit.prometheus.FakePrometheusApi.PendingPod;
import dev.k3sautoscaler.testkit.prometheus.FakePrometheusApi.Snapshot;
import dev.k3sautoscaler.testkit.prometheus.FakePrometheusApi.Worker;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The Prometheus HTTP API of the virtual cluster: CollectMetrics' own queries (by their exact
 * text) answered from the simulated cluster, the windowed ones from a {@link MetricsHistory} of
 * 30-second scrapes. During a {@code prometheus} outage of the scenario every query answers 503 and
 * no scrape is stored, so the windows see the gap as the real subqueries would.
 */
public final class VirtualPrometheus implements AutoCloseable {
    private final SimulatedCluster cluster;
    private final AutoscalerConfig config;
    private final MetricsHistory history = new MetricsHistory();
    private final FakePrometheusApi api;

    public VirtualPrometheus(SimulatedCluster cluster, AutoscalerConfig config) {
        this.cluster = cluster;
        this.config = config;
        // The run starts from a settled cluster: Prometheus has been scraping it for the last hour.
        MetricsHistory.Scrape settled = scrapeOf(cluster.observe());
        for (Duration t = Duration.ofHours(-1); t.isNegative(); t = t.plus(MetricsHistory.STEP)) {
            history.record(t, settled);
        }
        Map<String, String> queries = ClusterQueries.forConfig(config).all().entrySet().stream()
                .collect(Collectors.toMap(entry -> entry.getKey().name(), Map.Entry::getValue));
        api = FakePrometheusApi.start(queries, this::snapshot);
        api.outage(() -> {
            synchronized (cluster) {
                return cluster.outageActive(OutageKind.PROMETHEUS);
            }
        });
    }

    public URI baseUrl() {
        return api.baseUrl();
    }

    /** A scrape at the cluster's current time (skipped while Prometheus is down). */
    public void scrape() {
        synchronized (cluster) {
            if (!cluster.outageActive(OutageKind.PROMETHEUS)) {
                history.record(cluster.now(), scrapeOf(cluster.observe()));
            }
        }
    }

    /**
     * When CollectMetrics could first see a pod that started waiting at {@code since}: its queries
     * count a pod only once it has been unschedulable for PENDING_UP_SEC.
     */
    public Duration visibleAt(Duration since) {
        return since.plus(config.pendingUp());
    }

    /** Queries the API could not recognise: a new ClusterQueries query the simulator must learn. */
    public List<String> unrecognisedQueries() {
        return api.unrecognised();
    }

    private static MetricsHistory.Scrape scrapeOf(ClusterObservation observation) {
        return new MetricsHistory.Scrape(observation.workerCpuPercent(), observation.workerMemoryPercent(),
                observation.unschedulable().size());
    }

    private Snapshot snapshot() {
        synchronized (cluster) {
            Duration now = cluster.now();
            ClusterObservation observation = cluster.observe();
            Map<String, long[]> requested = requestedByNode(cluster.pods());
            List<Worker> workers = cluster.nodes().stream().filter(node -> !node.master())
                    .map(node -> worker(node, requested.getOrDefault(node.name(), new long[2]))).toList();
            // kube_pod_status_unschedulable now and PENDING_UP_SEC ago: only pods pending all along.
            Duration pendingSince = now.minus(config.pendingUp());
            List<PendingPod> unschedulable = observation.unschedulable().stream()
                    .filter(pod -> pod.since().compareTo(pendingSince) <= 0)
                    .map(pod -> new PendingPod(pod.namespace(), pod.name(), pod.cpuMillis() / 1000.0, pod.memoryBytes()))
                    .toList();
            return new Snapshot(workers,
                    orZero(observation.workerCpuPercent()),
                    history.cpuSustainedHigh(now, config.cpuUpSustain()),
                    history.cpuSustainedLow(now, config.idleDown()),
                    orZero(observation.workerMemoryPercent()),
                    history.memorySustainedHigh(now, config.memoryUpSustain()),
                    history.memorySustainedLow(now, config.idleDown()),
                    unschedulable,
                    Math.max(history.unschedulableMax(now, config.idleDown()), observation.unschedulable().size()));
        }
    }

    /**
     * Summed requests (CPU millis, memory bytes) of the pods holding resources on each node: bound
     * and not pending, terminating ones included, as the cluster's own requests-on-workers sum
     * counts them; DaemonSet pods left out, as REQUESTED_ON_WORKERS leaves them out.
     */
    private static Map<String, long[]> requestedByNode(List<PodState> pods) {
        Map<String, long[]> byNode = new HashMap<>();
        for (PodState pod : pods) {
            if (pod.nodeName() != null && pod.phase() != PodPhase.PENDING && pod.ownerKind() != Kind.DAEMON_SET) {
                long[] sums = byNode.computeIfAbsent(pod.nodeName(), name -> new long[2]);
                sums[0] += pod.cpuMillis();
                sums[1] += pod.memoryBytes();
            }
        }
        return byNode;
    }

    private static Worker worker(NodeState node, long[] requested) {
        return new Worker(node.name(), node.zone(), node.instanceId(), node.ready(), node.cordoned(),
                requested[0] / 1000.0, requested[1]);
    }

    /** No Ready worker: the real query returns no series; the fake's answer format needs a number. */
    private static double orZero(Double percent) {
        return percent == null ? 0 : percent;
    }

    @Override
    public void close() {
        api.close();
    }
}
