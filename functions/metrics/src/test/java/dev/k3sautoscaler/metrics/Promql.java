package dev.k3sautoscaler.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.k3sautoscaler.metrics.QueryResult.Sample;
import dev.k3sautoscaler.metrics.QueryResult.Samples;
import dev.k3sautoscaler.testkit.prometheus.PrometheusServer;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Runs a query against the test Prometheus through the production client and reads the answer. */
final class Promql {
    private final PrometheusClient client;

    Promql(PrometheusServer server) {
        this.client = PrometheusClient.unauthenticated(PrometheusEndpoint.direct(server.url()));
    }

    PrometheusClient client() {
        return client;
    }

    /** The {@code namespace/pod} of every sample of a per-pod query. */
    java.util.Set<String> pods(String promql, Instant at) {
        return vector(promql, at).stream()
                .map(sample -> sample.label("namespace") + "/" + sample.label("pod"))
                .collect(java.util.stream.Collectors.toSet());
    }

    List<Sample> vector(String promql, Instant at) {
        QueryResult result = client.querySync(promql, at);
        if (result instanceof Samples samples) {
            return samples.samples();
        }
        return fail("query failed: " + result + "\n" + promql);
    }

    double scalar(String promql, Instant at) {
        List<Sample> samples = vector(promql, at);
        assertEquals(1, samples.size(), () -> "expected one sample from " + promql + ", got " + samples);
        return samples.getFirst().value();
    }

    /** Values keyed by one label, sorted by it. */
    Map<String, Double> byLabel(String promql, Instant at, String label) {
        Map<String, Double> values = new TreeMap<>();
        vector(promql, at).forEach(sample -> values.put(sample.label(label), sample.value()));
        return values;
    }
}
