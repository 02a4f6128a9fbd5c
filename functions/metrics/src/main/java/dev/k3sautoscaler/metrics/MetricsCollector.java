package dev.k3sautoscaler.metrics;

import dev.k3sautoscaler.core.metrics.MetricsUnavailable;
import dev.k3sautoscaler.core.metrics.MetricsWording;
import dev.k3sautoscaler.core.model.ClusterMetrics;
import dev.k3sautoscaler.core.model.PodRequest;
import dev.k3sautoscaler.core.model.WorkerNode;
import dev.k3sautoscaler.metrics.ClusterQueries.Query;
import dev.k3sautoscaler.metrics.QueryResult.Failed;
import dev.k3sautoscaler.metrics.QueryResult.Sample;
import dev.k3sautoscaler.metrics.QueryResult.Samples;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs {@link ClusterQueries} against Prometheus at one instant and turns the answers into the
 * core {@link ClusterMetrics}. Any failed query, a required series that is missing or not a
 * number, a value no measurement can have (a percentage far outside 0..100, a negative count or
 * request, a sample time after the query's), or data older than {@link #MAX_SAMPLE_AGE} makes the
 * whole result unavailable with the reason: the policy then does nothing, and a missing or
 * impossible value is never reported as zero or clamped into range.
 */
public final class MetricsCollector {
    /**
     * KSM and node-exporter are scraped every 15 s: two missed scrapes plus 15 s of slack. Older data
     * means the exporter or its scrape is down, and the numbers describe the past.
     */
    public static final Duration MAX_SAMPLE_AGE = Duration.ofSeconds(45);
    /** Bin packing needs requests, not every pod: 500 pods is 50+ new t3.small nodes, far past MAX_WORKERS. */
    public static final int MAX_POD_REQUESTS = 500;
    /**
     * How far past 0 or 100 a percentage may read and still be clamped to the edge. rate() over 60 s
     * of 15 s scrapes is off by the scrapes' timing jitter (tens of ms, well under 1 %) on an idle or
     * saturated node; 3 points covers that with room. −5 % or 1e300 % is no measurement but a broken
     * exporter or counter, and acting on it clamped would scale on nothing.
     */
    static final double PERCENT_TOLERANCE = 3.0;
    /** Kubernetes supports at most 150 000 pods in one cluster: a larger pod count is a broken answer. */
    static final int MAX_POD_COUNT = 150_000;
    /**
     * timestamp() never returns a time after the evaluation time; 1 s is for a proxy that rounds
     * {@code time=} to the second. A later sample time is a broken answer, and would pass as fresh.
     */
    static final Duration MAX_SAMPLE_LEAD = Duration.ofSeconds(1);

    /** {@code aws:///<availability-zone>/<instance-id>}, as the kubelet's --provider-id sets it on EC2. */
    private static final Pattern AWS_PROVIDER_ID = Pattern.compile("aws:///[^/]*/(i-[0-9a-f]+)");
    private static final double MILLIS_PER_CORE = 1000.0;

    private final PrometheusClient prometheus;
    private final ClusterQueries queries;

    public MetricsCollector(PrometheusClient prometheus, ClusterQueries queries) {
        this.prometheus = prometheus;
        this.queries = queries;
    }

    /**
     * The metrics plus notes an operator should see (workers not measured, a truncated pod list).
     *
     * @param unavailable why there are no metrics, or null when there are
     */
    public record Collected(ClusterMetrics metrics, List<String> notes, MetricsUnavailable unavailable) {
        public Collected {
            notes = List.copyOf(notes);
        }

        static Collected unavailable(MetricsUnavailable reason, Instant at) {
            return new Collected(ClusterMetrics.unavailable(MetricsWording.unavailable(reason), at), List.of(), reason);
        }
    }

    /** Evaluates every query at {@code at} (in parallel, each bounded by the client's timeouts). */
    public Collected collect(Instant at) {
        Map<Query, CompletableFuture<QueryResult>> pending = new EnumMap<>(Query.class);
        queries.all().forEach((name, promql) -> pending.put(name, prometheus.query(promql, at)));
        Map<Query, QueryResult> results = new EnumMap<>(Query.class);
        pending.forEach((name, future) -> results.put(name, future.join()));
        return assemble(results, at);
    }

    /** Pure: the answers of every query at {@code at} → metrics or the reason there are none. */
    static Collected assemble(Map<Query, QueryResult> results, Instant at) {
        List<Map.Entry<Query, Failed>> failures = results.entrySet().stream()
                .filter(entry -> entry.getValue() instanceof Failed)
                .map(entry -> Map.entry(entry.getKey(), (Failed) entry.getValue()))
                .toList();
        if (!failures.isEmpty()) {
            Map.Entry<Query, Failed> first = failures.getFirst();
            return Collected.unavailable(new MetricsUnavailable.QueryFailed(first.getValue().failure(),
                    first.getValue().detail(), label(first.getKey()), failures.size(), results.size()), at);
        }
        Answers answers = new Answers(results);
        try {
            return answers.read(at);
        } catch (Unusable e) {
            return Collected.unavailable(e.reason, at);
        }
    }

    /** A required value is missing, stale or not a number: why, as a reason to word. */
    private static final class Unusable extends Exception {
        private static final long serialVersionUID = 1L;
        private final transient MetricsUnavailable reason;

        Unusable(MetricsUnavailable reason) {
            super(reason.code().name(), null, false, false);
            this.reason = reason;
        }
    }

    private record Answers(Map<Query, QueryResult> results) {

        Collected read(Instant at) throws Unusable {
            List<String> notes = new ArrayList<>();
            double ksmNewest = required(Query.KSM_NEWEST_SAMPLE);
            requireFresh("kube-state-metrics", sampleTime(Query.KSM_NEWEST_SAMPLE, ksmNewest, at), at);
            required(Query.CONTROL_PLANE_NODES);

            List<WorkerNode> workers = workers();
            Utilization utilization = workers.isEmpty() ? Utilization.NO_WORKERS : utilization(workers, at, notes);

            List<PodRequest> unschedulable = unschedulablePods();
            int unschedulableCount = unschedulable.size();
            if (unschedulableCount > MAX_POD_REQUESTS) {
                notes.add("unschedulable pod list truncated to the " + MAX_POD_REQUESTS + " largest of "
                        + unschedulableCount);
                unschedulable = unschedulable.subList(0, MAX_POD_REQUESTS);
            }
            double podsOverIdleWindow = required(Query.UNSCHEDULABLE_MAX_OVER_IDLE_WINDOW);
            int maxOverIdleWindow = (int) Math.max(unschedulableCount, Math.round(
                    within(Query.UNSCHEDULABLE_MAX_OVER_IDLE_WINDOW, podsOverIdleWindow, 0, MAX_POD_COUNT, "0.." + MAX_POD_COUNT)));
            Requested requested = requestedOnWorkers();

            ClusterMetrics metrics = new ClusterMetrics(true, null, at,
                    utilization.cpu, utilization.cpuSustainedHigh, utilization.cpuSustainedLow,
                    utilization.memory, utilization.memorySustainedHigh, utilization.memorySustainedLow,
                    unschedulableCount, unschedulable, maxOverIdleWindow,
                    Math.round(requested.total.cpuCores * MILLIS_PER_CORE),
                    Math.round(requested.total.memoryBytes),
                    workers.stream().map(requested::onto).toList());
            return new Collected(metrics, notes, null);
        }

        /** Summed requests of one worker, or of all of them (cores, bytes). */
        private static final class Amounts {
            double cpuCores;
            double memoryBytes;

            void add(String resource, double amount) {
                if ("cpu".equals(resource)) {
                    cpuCores += amount;
                } else if ("memory".equals(resource)) {
                    memoryBytes += amount;
                }
            }
        }

        /**
         * REQUESTED_ON_WORKERS per worker and in total. The total is every series' sum: a series for
         * a node missing from the worker list (it joined or left between the two queries) still
         * counts there, as the query said, but belongs to no worker.
         */
        private record Requested(Map<String, Amounts> byNode, Amounts total) {

            /** The worker with its requests; none (0 / 0) when the query had no series for it. */
            WorkerNode onto(WorkerNode worker) {
                Amounts amounts = byNode.getOrDefault(worker.name(), new Amounts());
                return new WorkerNode(worker.name(), worker.instanceId(), worker.ready(), worker.schedulable(),
                        Math.round(amounts.cpuCores * MILLIS_PER_CORE), Math.round(amounts.memoryBytes));
            }
        }

        private Requested requestedOnWorkers() throws Unusable {
            Map<String, Amounts> byNode = new HashMap<>();
            Amounts total = new Amounts();
            for (Sample sample : samples(Query.REQUESTED_ON_WORKERS)) {
                double amount = amount(Query.REQUESTED_ON_WORKERS, sample.value());
                String resource = sample.label("resource");
                total.add(resource, amount);
                String node = sample.label("node");
                if (node != null) {
                    byNode.computeIfAbsent(node, name -> new Amounts()).add(resource, amount);
                }
            }
            return new Requested(byNode, total);
        }

        /**
         * Percentages of the measured workers. With no worker at all there is no capacity to be busy:
         * utilization is 0 by definition (so MIN_WORKERS can still be restored), not a guess.
         */
        private record Utilization(Double cpu, Double cpuSustainedHigh, Double cpuSustainedLow,
                                   Double memory, Double memorySustainedHigh, Double memorySustainedLow) {
            static final Utilization NO_WORKERS = new Utilization(0.0, 0.0, 0.0, 0.0, 0.0, 0.0);
        }

        private Utilization utilization(List<WorkerNode> workers, Instant at, List<String> notes) throws Unusable {
            List<Sample> exporters = samples(Query.NODE_EXPORTER_SAMPLES);
            if (exporters.isEmpty()) {
                throw new Unusable(new MetricsUnavailable.NoNodeExporter(workers.size()));
            }
            double newest = Double.NEGATIVE_INFINITY;
            for (Sample exporter : exporters) {
                newest = Math.max(newest, sampleTime(Query.NODE_EXPORTER_SAMPLES, exporter.value(), at));
            }
            requireFresh("node-exporter", newest, at);
            if (exporters.size() < workers.size()) {
                List<String> measured = exporters.stream().map(sample -> sample.label("node")).toList();
                notes.add("CPU and memory measured on " + exporters.size() + " of " + workers.size() + " workers (no"
                        + " node-exporter data from " + String.join(", ", workers.stream().map(WorkerNode::name)
                        .filter(name -> !measured.contains(name)).limit(5).toList()) + ")");
            }
            return new Utilization(
                    percent(Query.CPU_PERCENT), percent(Query.CPU_SUSTAINED_HIGH), percent(Query.CPU_SUSTAINED_LOW),
                    percent(Query.MEMORY_PERCENT), percent(Query.MEMORY_SUSTAINED_HIGH), percent(Query.MEMORY_SUSTAINED_LOW));
        }

        private List<WorkerNode> workers() {
            Map<String, Double> ready = byLabel(Query.WORKER_READY, "node");
            Map<String, Double> cordoned = byLabel(Query.WORKER_CORDONED, "node");
            return samples(Query.WORKER_NODES).stream()
                    .filter(sample -> sample.label("node") != null)
                    .map(sample -> {
                        String node = sample.label("node");
                        // Ready defaults to false (no evidence of Ready); spec.unschedulable defaults to false.
                        return new WorkerNode(node, instanceId(sample.label("provider_id")),
                                ready.getOrDefault(node, 0.0) == 1.0,
                                cordoned.getOrDefault(node, 0.0) != 1.0);
                    })
                    .distinct()
                    .sorted(Comparator.comparing(WorkerNode::name))
                    .toList();
        }

        /** Every unschedulable pod with its summed requests (0 when it requests nothing), largest first. */
        private List<PodRequest> unschedulablePods() throws Unusable {
            Map<String, double[]> requests = new HashMap<>();
            for (Sample sample : samples(Query.UNSCHEDULABLE_POD_REQUESTS)) {
                double[] pair = requests.computeIfAbsent(podKey(sample), key -> new double[2]);
                String resource = sample.label("resource");
                if ("cpu".equals(resource)) {
                    pair[0] += amount(Query.UNSCHEDULABLE_POD_REQUESTS, sample.value());
                } else if ("memory".equals(resource)) {
                    pair[1] += amount(Query.UNSCHEDULABLE_POD_REQUESTS, sample.value());
                }
            }
            List<PodRequest> pods = new ArrayList<>();
            Set<String> seen = new HashSet<>();
            for (Sample sample : samples(Query.UNSCHEDULABLE_PODS)) {
                String key = podKey(sample);
                if (!seen.add(key)) {
                    continue;
                }
                double[] pair = requests.getOrDefault(key, new double[2]);
                pods.add(new PodRequest(sample.label("namespace"), sample.label("pod"),
                        Math.round(pair[0] * MILLIS_PER_CORE), Math.round(pair[1])));
            }
            pods.sort(Comparator.comparingLong(PodRequest::cpuMillis).reversed()
                    .thenComparing(Comparator.comparingLong(PodRequest::memoryBytes).reversed())
                    .thenComparing(PodRequest::qualifiedName));
            return pods;
        }

        private static String podKey(Sample sample) {
            return sample.label("namespace") + "/" + sample.label("pod");
        }

        private Map<String, Double> byLabel(Query query, String labelName) {
            Map<String, Double> values = new HashMap<>();
            samples(query).forEach(sample -> values.put(sample.label(labelName), sample.value()));
            return values;
        }

        private List<Sample> samples(Query query) {
            return ((Samples) results.get(query)).samples();
        }

        private double required(Query query) throws Unusable {
            OptionalDouble value = single(query);
            if (value.isEmpty()) {
                throw new Unusable(new MetricsUnavailable.MissingSeries(label(query)));
            }
            return finite(value.getAsDouble(), label(query));
        }

        /** A percentage rounded to 0.01; within {@link #PERCENT_TOLERANCE} of the scale, clamped onto it. */
        private Double percent(Query query) throws Unusable {
            double value = within(query, required(query),
                    -PERCENT_TOLERANCE, 100.0 + PERCENT_TOLERANCE, "0..100");
            double clamped = Math.max(0.0, Math.min(100.0, value));
            return Math.round(clamped * 100.0) / 100.0;
        }

        private OptionalDouble single(Query query) {
            List<Sample> samples = samples(query);
            return samples.isEmpty() ? OptionalDouble.empty() : OptionalDouble.of(samples.getFirst().value());
        }

        private static double finite(double value, String what) throws Unusable {
            if (Double.isNaN(value) || Double.isInfinite(value)) {
                throw new Unusable(new MetricsUnavailable.NotANumber(what, value));
            }
            return value;
        }

        /** A request (cores or bytes) or a sum of them: a finite amount, never negative. */
        private static double amount(Query query, double value) throws Unusable {
            return within(query, finite(value, label(query)), 0, Double.MAX_VALUE, "0 or more");
        }

        private static double within(Query query, double value, double min, double max, String expected) throws Unusable {
            if (value < min || value > max) {
                throw new Unusable(new MetricsUnavailable.OutOfRange(label(query), value, expected));
            }
            return value;
        }

        /** Epoch seconds from timestamp(): a number, and not after the query time (it would pass as fresh). */
        private static double sampleTime(Query query, double epochSeconds, Instant at) throws Unusable {
            finite(epochSeconds, label(query));
            Instant sampled = Instant.ofEpochMilli(Math.round(epochSeconds * 1000.0));
            if (sampled.isAfter(at.plus(MAX_SAMPLE_LEAD))) {
                throw new Unusable(new MetricsUnavailable.SampleAfterQuery(label(query), sampled, at));
            }
            return epochSeconds;
        }

        private static void requireFresh(String source, double newestEpochSeconds, Instant at) throws Unusable {
            long ageSeconds = Math.round(at.toEpochMilli() / 1000.0 - newestEpochSeconds);
            if (ageSeconds > MAX_SAMPLE_AGE.toSeconds()) {
                throw new Unusable(new MetricsUnavailable.StaleData(source, ageSeconds, MAX_SAMPLE_AGE.toSeconds()));
            }
        }
    }

    static String instanceId(String providerId) {
        if (providerId == null) {
            return null;
        }
        Matcher match = AWS_PROVIDER_ID.matcher(providerId);
        return match.matches() ? match.group(1) : null;
    }

    private static String label(Query query) {
        return query.name().toLowerCase(java.util.Locale.ROOT);
    }
}
