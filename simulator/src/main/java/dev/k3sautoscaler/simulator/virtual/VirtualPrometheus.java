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
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The Prometheus HTTP API of the virtual cluster: CollectMetrics' own queries (by their exact
 * text) answered from what the last scrape of kube-state-metrics and node-exporter saw — never
 * from the live cluster, so a pod that has just become unschedulable is seen only at the next
 * scrape, as on a real cluster — and the windowed ones from a {@link MetricsHistory} of the scrapes.
 * During a {@code prometheus} outage of the scenario every query answers 503 and no scrape is
 * stored, so the windows see the gap as the real subqueries would.
 */
public final class VirtualPrometheus implements AutoCloseable {
    private final SimulatedCluster cluster;
    private final AutoscalerConfig config;
    private final MetricsHistory history = new MetricsHistory();
    private final FakePrometheusApi api;
    /** When each stored scrape was taken (the offset in the PENDING_UP_SEC filter reads an older one); a day is 5,760 at 15 s. */
    private final TreeSet<Duration> scrapeTimes = new TreeSet<>();
    private Scraped latest;

    /** What one scrape saw: the series CollectMetrics' instant queries read. */
    private record Scraped(Duration at, List<Worker> workers, Double cpuPercent, Double memoryPercent,
            List<ClusterObservation.UnschedulablePod> unschedulable) {
    }

    /** Prometheus' lookback: an instant query finds no sample older than this. */
    private static final Duration LOOKBACK = Duration.ofMinutes(5);

    public VirtualPrometheus(SimulatedCluster cluster, AutoscalerConfig config) {
        this.cluster = cluster;
        this.config = config;
        // The run starts from a settled cluster: Prometheus has been scraping it for the last hour.
        MetricsHistory.Scrape settled = scrapeOf(cluster.observe());
        for (Duration t = Duration.ofHours(-1); t.isNegative(); t = t.plus(MetricsHistory.STEP)) {
            history.record(t, settled);
        }
        latest = capture();
        scrapeTimes.add(latest.at());
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
                latest = capture();
                scrapeTimes.add(latest.at());
            }
        }
    }

    /** The series of kube-state-metrics and node-exporter as a scrape now finds them. */
    private Scraped capture() {
        ClusterObservation observation = cluster.observe();
        Map<String, long[]> requested = requestedByNode(cluster.pods());
        List<Worker> workers = cluster.nodes().stream().filter(node -> !node.master())
                .map(node -> worker(node, requested.getOrDefault(node.name(), new long[2]))).toList();
        return new Scraped(cluster.now(), workers, observation.workerCpuPercent(), observation.workerMemoryPercent(),
                observation.unschedulable());
    }

    /**
     * When CollectMetrics could first see a pod that started waiting at {@code since}: the first
     * scrape after it, plus PENDING_UP_SEC (the query wants the pod in a scrape that old too);
     * null when no scrape has seen it yet.
     */
    public Duration visibleAt(Duration since) {
        Duration firstScrape = scrapeTimes.ceiling(since);
        return firstScrape == null ? null : firstScrape.plus(config.pendingUp());
    }

    /** The pods the last scrape saw unschedulable (namespace/name): what an alerting rule evaluated now reads. */
    public Set<String> unschedulableInLastScrape() {
        synchronized (cluster) {
            return latest.unschedulable().stream().map(pod -> pod.namespace() + "/" + pod.name())
                    .collect(Collectors.toUnmodifiableSet());
        }
    }

    /**
     * Whether the headroom alerting rule evaluated now finds the room short: on the Ready, uncordoned
     * workers of the last scrape, WORKER_CPU_MILLIS / WORKER_MEMORY_MIB less their requests (never
     * below zero), summed, below HEADROOM_CPU_MILLIS or HEADROOM_MEMORY_MIB.
     */
    public boolean headroomShortInLastScrape() {
        AutoscalerConfig.Headroom headroom = config.headroom();
        long freeCpuMillis = 0;
        long freeMemoryBytes = 0;
        synchronized (cluster) {
            for (Worker worker : latest.workers()) {
                if (worker.ready() && !worker.cordoned()) {
                    freeCpuMillis += Math.max(0, config.workerCpuMillis() - Math.round(worker.requestedCpuCores() * 1000));
                    freeMemoryBytes += Math.max(0, config.workerMemoryBytes() - worker.requestedMemoryBytes());
                }
            }
        }
        return freeCpuMillis < headroom.cpuMillis() || freeMemoryBytes < headroom.memoryBytes();
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
            // Past the lookback the last scrape is gone too; the run then answers from a fresh one
            // (only after a long outage, when Prometheus scrapes again within seconds of restarting).
            Scraped seen = now.minus(latest.at()).compareTo(LOOKBACK) > 0 ? capture() : latest;
            // kube_pod_status_unschedulable now and PENDING_UP_SEC ago: pods already in the scrape then.
            Duration then = scrapeTimes.floor(now.minus(config.pendingUp()));
            List<PendingPod> unschedulable = seen.unschedulable().stream()
                    .filter(pod -> config.pendingUp().isZero() || then != null && pod.since().compareTo(then) <= 0)
                    .map(pod -> new PendingPod(pod.namespace(), pod.name(), pod.cpuMillis() / 1000.0, pod.memoryBytes()))
                    .toList();
            return new Snapshot(seen.workers(),
                    orZero(seen.cpuPercent()),
                    history.cpuSustainedHigh(now, config.cpuUpSustain()),
                    history.cpuSustainedLow(now, config.idleDown()),
                    orZero(seen.memoryPercent()),
                    history.memorySustainedHigh(now, config.memoryUpSustain()),
                    history.memorySustainedLow(now, config.idleDown()),
                    unschedulable,
                    Math.max(history.unschedulableMax(now, config.idleDown()), seen.unschedulable().size()));
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
