package dev.k3sautoscaler.testkit.prometheus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.k3sautoscaler.testkit.prometheus.FakePrometheusApi.Snapshot;
import dev.k3sautoscaler.testkit.prometheus.FakePrometheusApi.Worker;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class FakePrometheusApiIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String WORKERS = "(kube_node_info unless on(node) kube_node_role)";

    @Test
    void namedQuery_isAnsweredFromTheSnapshot_asAPrometheusVector() throws Exception {
        // GIVEN a fake that knows the worker-list query by name, and one worker
        Snapshot cluster = Snapshot.steady(List.of(new Worker("ip-10-0-1-5", "eu-west-1a", "i-0abc", true, false)));
        try (FakePrometheusApi api = FakePrometheusApi.start(Map.of("WORKER_NODES", WORKERS), () -> cluster)) {
            // WHEN the collector's query arrives
            HttpResponse<String> response = get(api, WORKERS);

            // THEN it gets the worker with its provider_id, stamped at the query's time
            assertEquals(200, response.statusCode());
            JsonNode result = JSON.readTree(response.body()).path("data").path("result");
            assertEquals("vector", JSON.readTree(response.body()).path("data").path("resultType").asText());
            assertEquals("aws:///eu-west-1a/i-0abc", result.get(0).path("metric").path("provider_id").asText());
            assertEquals(1700000000.0, result.get(0).path("value").get(0).asDouble());
            assertEquals(List.of("WORKER_NODES"), api.answered());
        }
    }

    @Test
    void requestsOnWorkers_areOneSeriesPerWorkerAndResource_noneForAWorkerWithoutRequests() throws Exception {
        // GIVEN two workers with requests (one of them CPU only) and one with none
        String requested = "sum by (node, resource) (kube_pod_container_resource_requests)";
        Snapshot cluster = new Snapshot(List.of(
                new Worker("w1", "eu-west-1a", "i-01", true, false, 0.75, 512L << 20),
                new Worker("w2", "eu-west-1b", "i-02", true, false, 0.25, 0),
                new Worker("w3", "eu-west-1a", "i-03", true, false)), 45, 45, 50, 50, 50, 55, List.of(), 0);
        try (FakePrometheusApi api = FakePrometheusApi.start(Map.of("REQUESTED_ON_WORKERS", requested), () -> cluster)) {
            // WHEN
            JsonNode result = JSON.readTree(get(api, requested).body()).path("data").path("result");

            // THEN labelled node and resource, as the real sum by (node, resource) would be; zeros have no series
            Map<String, String> values = new TreeMap<>();
            result.forEach(sample -> values.put(sample.path("metric").path("node").asText() + " "
                    + sample.path("metric").path("resource").asText(), sample.path("value").get(1).asText()));
            assertEquals(Map.of("w1 cpu", "0.75", "w1 memory", "536870912", "w2 cpu", "0.25"), values);
            result.forEach(sample -> assertEquals(2, sample.path("metric").size(), sample::toString));
        }
    }

    @Test
    void steadyAndIdle_putTheirRequestsOnEveryWorker() {
        // GIVEN
        List<Worker> workers = List.of(new Worker("w1", "eu-west-1a", "i-01", true, false),
                new Worker("w2", "eu-west-1b", "i-02", true, false));

        // WHEN
        Snapshot steady = Snapshot.steady(workers);
        Snapshot idle = steady.idle();

        // THEN
        assertEquals(List.of(0.5, 0.5), steady.workers().stream().map(Worker::requestedCpuCores).toList());
        assertEquals(List.of(512L << 20, 512L << 20), steady.workers().stream().map(Worker::requestedMemoryBytes).toList());
        assertEquals(List.of(0.1, 0.1), idle.workers().stream().map(Worker::requestedCpuCores).toList());
        assertEquals(List.of(128L << 20, 128L << 20), idle.workers().stream().map(Worker::requestedMemoryBytes).toList());
    }

    @Test
    void unknownQuery_isAPrometheusError_andIsListed() throws Exception {
        // GIVEN a fake that knows one query
        try (FakePrometheusApi api = FakePrometheusApi.start(Map.of("WORKER_NODES", WORKERS),
                () -> Snapshot.steady(List.of()))) {
            // WHEN a query it was not told about arrives
            HttpResponse<String> response = get(api, "up");

            // THEN it answers bad_data instead of an empty (and misleading) result
            assertEquals(400, response.statusCode());
            assertEquals("bad_data", JSON.readTree(response.body()).path("errorType").asText());
            assertTrue(api.unrecognised().contains("up"));
        }
    }

    private static HttpResponse<String> get(FakePrometheusApi api, String promql) throws Exception {
        URI uri = api.baseUrl().resolve("api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8)
                + "&time=1700000000.000");
        try (HttpClient http = HttpClient.newHttpClient()) {
            return http.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
        }
    }
}
