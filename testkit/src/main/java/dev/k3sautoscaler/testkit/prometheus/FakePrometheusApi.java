package dev.k3sautoscaler.testkit.prometheus;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import dev.k3sautoscaler.testkit.http.LoopbackServer;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The Prometheus HTTP API ({@code GET /api/v1/query}) answering CollectMetrics' queries from a
 * test-controlled {@link Snapshot} instead of from scraped series, so an end-to-end test or the
 * simulator can say "three workers, one pod unschedulable" without running exporters. The PromQL
 * itself is exercised against the real Prometheus elsewhere (PrometheusServer); here only the
 * answers matter.
 *
 * <p>Queries are recognised by exact text, from the map the caller builds from the collector's own
 * named queries ({@code ClusterQueries.all()}: query name → PromQL), never by guessing at the
 * string. The names are those of {@code ClusterQueries.Query}; an unknown query is answered with
 * a Prometheus error (HTTP 400, {@code bad_data}) and listed in {@link #unrecognised()}, so a new
 * query fails loudly instead of reading as "no data".
 */
public final class FakePrometheusApi implements AutoCloseable {
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    /**
     * A worker as kube-state-metrics and node-exporter would report it.
     *
     * @param requestedCpuCores    summed CPU requests of the pods scheduled on it (DaemonSet and finished pods excluded)
     * @param requestedMemoryBytes the same for memory
     */
    public record Worker(String node, String availabilityZone, String instanceId, boolean ready, boolean cordoned,
                         double requestedCpuCores, long requestedMemoryBytes) {

        /** A worker with no requests on it (nothing but DaemonSet pods). */
        public Worker(String node, String availabilityZone, String instanceId, boolean ready, boolean cordoned) {
            this(node, availabilityZone, instanceId, ready, cordoned, 0, 0);
        }

        public Worker withRequests(double cpuCores, long memoryBytes) {
            return new Worker(node, availabilityZone, instanceId, ready, cordoned, cpuCores, memoryBytes);
        }

        String providerId() {
            return "aws:///" + availabilityZone + "/" + instanceId;
        }
    }

    /** A pod the scheduler cannot place, with its summed container requests. */
    public record PendingPod(String namespace, String name, double cpuCores, long memoryBytes) {
    }

    /**
     * What the cluster looks like at query time. Percentages are 0-100; the "sustained" values are
     * what the windowed subqueries would return (min over the up window, max over the idle window).
     * The requests on workers are the workers' own ({@link Worker#requestedCpuCores()}, …); the
     * cluster totals are their sums, as the collector computes them.
     */
    public record Snapshot(List<Worker> workers, double cpuPercent, double cpuSustainedHigh, double cpuSustainedLow,
                           double memoryPercent, double memorySustainedHigh, double memorySustainedLow,
                           List<PendingPod> unschedulable, int unschedulableMaxOverIdleWindow) {
        private static final long MIB = 1024L * 1024;

        public Snapshot {
            workers = List.copyOf(workers);
            unschedulable = List.copyOf(unschedulable);
        }

        /** A calm cluster: moderate load all along, nothing pending, 0.5 vCPU / 512 MiB requested on every worker. */
        public static Snapshot steady(List<Worker> workers) {
            return new Snapshot(withRequests(workers, 0.5, 512 * MIB), 45, 45, 50, 50, 50, 55, List.of(), 0);
        }

        /**
         * Idle for the whole idle window: the scale-down candidate picture, 0.1 vCPU / 128 MiB requested on
         * every worker.
         */
        public Snapshot idle() {
            return new Snapshot(withRequests(workers, 0.1, 128 * MIB), 5, 5, 8, 20, 20, 22, List.of(), 0);
        }

        /** The same picture with these workers (e.g. each with the requests of the pods really on it). */
        public Snapshot withWorkers(List<Worker> replaced) {
            return new Snapshot(replaced, cpuPercent, cpuSustainedHigh, cpuSustainedLow, memoryPercent,
                    memorySustainedHigh, memorySustainedLow, unschedulable, unschedulableMaxOverIdleWindow);
        }

        public Snapshot withUnschedulable(List<PendingPod> pods) {
            return new Snapshot(workers, cpuPercent, cpuSustainedHigh, cpuSustainedLow, memoryPercent,
                    memorySustainedHigh, memorySustainedLow, pods, Math.max(unschedulableMaxOverIdleWindow, pods.size()));
        }

        private static List<Worker> withRequests(List<Worker> workers, double cpuCores, long memoryBytes) {
            return workers.stream().map(worker -> worker.withRequests(cpuCores, memoryBytes)).toList();
        }
    }

    private final LoopbackServer server;
    private final Map<String, String> nameByQuery = new HashMap<>();
    private final List<String> unrecognised = new CopyOnWriteArrayList<>();
    private final List<String> answered = new CopyOnWriteArrayList<>();
    private volatile Supplier<Snapshot> cluster;
    private volatile BooleanSupplier down = () -> false;

    private FakePrometheusApi(Map<String, String> queriesByName, Supplier<Snapshot> cluster) {
        queriesByName.forEach((name, promql) -> nameByQuery.put(promql, name));
        this.cluster = cluster;
        this.server = LoopbackServer.start("fake-prometheus", "/api/v1/query", this::serve);
    }

    /**
     * @param queriesByName every query the client will send, by its name in ClusterQueries.Query
     * @param cluster       read on every query, so the answer follows the test's world as it changes
     */
    public static FakePrometheusApi start(Map<String, String> queriesByName, Supplier<Snapshot> cluster) {
        return new FakePrometheusApi(queriesByName, cluster);
    }

    public URI baseUrl() {
        return server.endpoint().resolve("/");
    }

    public void cluster(Supplier<Snapshot> cluster) {
        this.cluster = cluster;
    }

    /** While {@code down} says so, every query answers 503 as a Prometheus behind a failing proxy would. */
    public void outage(BooleanSupplier down) {
        this.down = down;
    }

    /** Queries that matched none of the named ones, in arrival order. */
    public List<String> unrecognised() {
        return List.copyOf(unrecognised);
    }

    /** Names of the queries answered so far, in arrival order. */
    public List<String> answered() {
        return List.copyOf(answered);
    }

    @Override
    public void close() {
        server.close();
    }

    private void serve(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (down.getAsBoolean()) {
                respond(exchange, 503, error("unavailable", "service unavailable"));
                return;
            }
            Map<String, String> params = parameters(exchange.getRequestURI().getRawQuery());
            String promql = params.get("query");
            String name = promql == null ? null : nameByQuery.get(promql);
            if (name == null) {
                unrecognised.add(String.valueOf(promql));
                respond(exchange, 400, error("bad_data", "unrecognised query: " + promql));
                return;
            }
            double time = params.containsKey("time") ? Double.parseDouble(params.get("time"))
                    : System.currentTimeMillis() / 1000.0;
            answered.add(name);
            respond(exchange, 200, vector(answer(name, cluster.get(), time), time));
        }
    }

    private static List<Map.Entry<Map<String, String>, Double>> answer(String name, Snapshot s, double time) {
        List<Map.Entry<Map<String, String>, Double>> series = new java.util.ArrayList<>();
        switch (name) {
            case "KSM_NEWEST_SAMPLE" -> series.add(Map.entry(Map.of(), time));
            case "CONTROL_PLANE_NODES" -> series.add(Map.entry(Map.of(), 1.0));
            case "WORKER_NODES" -> s.workers().forEach(w -> series.add(Map.entry(
                    Map.of("node", w.node(), "provider_id", w.providerId()), 1.0)));
            case "WORKER_READY" -> s.workers().forEach(w -> series.add(Map.entry(
                    Map.of("node", w.node()), w.ready() ? 1.0 : 0.0)));
            case "WORKER_CORDONED" -> s.workers().forEach(w -> series.add(Map.entry(
                    Map.of("node", w.node()), w.cordoned() ? 1.0 : 0.0)));
            case "NODE_EXPORTER_SAMPLES" -> s.workers().forEach(w -> series.add(Map.entry(
                    Map.of("node", w.node()), time)));
            case "CPU_PERCENT" -> series.add(Map.entry(Map.of(), s.cpuPercent()));
            case "CPU_SUSTAINED_HIGH" -> series.add(Map.entry(Map.of(), s.cpuSustainedHigh()));
            case "CPU_SUSTAINED_LOW" -> series.add(Map.entry(Map.of(), s.cpuSustainedLow()));
            case "MEMORY_PERCENT" -> series.add(Map.entry(Map.of(), s.memoryPercent()));
            case "MEMORY_SUSTAINED_HIGH" -> series.add(Map.entry(Map.of(), s.memorySustainedHigh()));
            case "MEMORY_SUSTAINED_LOW" -> series.add(Map.entry(Map.of(), s.memorySustainedLow()));
            case "UNSCHEDULABLE_PODS" -> s.unschedulable().forEach(p -> series.add(Map.entry(
                    Map.of("namespace", p.namespace(), "pod", p.name(), "uid", "uid-" + p.name()), 1.0)));
            case "UNSCHEDULABLE_POD_REQUESTS" -> s.unschedulable().forEach(p -> {
                series.add(Map.entry(Map.of("namespace", p.namespace(), "pod", p.name(), "resource", "cpu"),
                        p.cpuCores()));
                series.add(Map.entry(Map.of("namespace", p.namespace(), "pod", p.name(), "resource", "memory"),
                        (double) p.memoryBytes()));
            });
            case "UNSCHEDULABLE_MAX_OVER_IDLE_WINDOW" ->
                    series.add(Map.entry(Map.of(), (double) s.unschedulableMaxOverIdleWindow()));
            // sum by (node, resource): no pod with requests on a worker, no series for it.
            case "REQUESTED_ON_WORKERS" -> s.workers().forEach(w -> {
                if (w.requestedCpuCores() != 0) {
                    series.add(Map.entry(Map.of("node", w.node(), "resource", "cpu"), w.requestedCpuCores()));
                }
                if (w.requestedMemoryBytes() != 0) {
                    series.add(Map.entry(Map.of("node", w.node(), "resource", "memory"),
                            (double) w.requestedMemoryBytes()));
                }
            });
            default -> throw new IllegalArgumentException("no answer for the query named " + name
                    + " (a new ClusterQueries.Query? teach FakePrometheusApi its answer)");
        }
        return series;
    }

    private static ObjectNode vector(List<Map.Entry<Map<String, String>, Double>> series, double time) {
        ArrayNode result = JSON.arrayNode();
        for (Map.Entry<Map<String, String>, Double> one : series) {
            ObjectNode metric = JSON.objectNode();
            one.getKey().forEach(metric::put);
            ObjectNode sample = result.addObject();
            sample.set("metric", metric);
            sample.putArray("value").add(time).add(number(one.getValue()));
        }
        ObjectNode body = JSON.objectNode().put("status", "success");
        body.putObject("data").put("resultType", "vector").set("result", result);
        return body;
    }

    private static String number(double value) {
        return value == Math.rint(value) && Math.abs(value) < 1e15
                ? Long.toString((long) value) : String.format(Locale.ROOT, "%s", value);
    }

    private static ObjectNode error(String type, String message) {
        return JSON.objectNode().put("status", "error").put("errorType", type).put("error", message);
    }

    private static void respond(HttpExchange exchange, int status, ObjectNode body) throws IOException {
        byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    private static Map<String, String> parameters(String rawQuery) {
        Map<String, String> params = new LinkedHashMap<>();
        if (rawQuery == null) {
            return params;
        }
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            params.put(URLDecoder.decode(key, StandardCharsets.UTF_8), URLDecoder.decode(value, StandardCharsets.UTF_8));
        }
        return params;
    }
}
