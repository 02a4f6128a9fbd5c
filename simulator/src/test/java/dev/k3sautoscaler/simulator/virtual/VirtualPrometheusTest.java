package dev.k3sautoscaler.simulator.virtual;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.k3sautoscaler.core.config.AutoscalerConfig;
import dev.k3sautoscaler.metrics.ClusterQueries;
import dev.k3sautoscaler.simulator.cluster.SimulatedCluster;
import dev.k3sautoscaler.simulator.fixtures.TestScenarios;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The virtual Prometheus answers from its scrapes, as a real one does: what happens in between is seen at the next. */
class VirtualPrometheusTest {
    /** One worker of 1900m; 2 pods of 900m at first, 4 from 10 s: two of them wait from 10 s. */
    private static final String GROWS_AT_10S = """
              - name: web
                replicas: [{at: 0s, count: 2}, {at: 10s, count: 4}]
                requests: {cpuMillis: 900, memoryMiB: 256}
            """;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static AutoscalerConfig pendingUp(int seconds) {
        return AutoscalerConfig.fromEnvironment(Map.of("PENDING_UP_SEC", Integer.toString(seconds)));
    }

    private static int unschedulable(VirtualPrometheus prometheus, AutoscalerConfig config) throws IOException, InterruptedException {
        String query = ClusterQueries.forConfig(config).unschedulablePods();
        URI uri = URI.create(prometheus.baseUrl() + "api/v1/query?query=" + URLEncoder.encode(query, StandardCharsets.UTF_8));
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
        JsonNode body = new ObjectMapper().readTree(response.body());
        return body.path("data").path("result").size();
    }

    @Test
    void headroomShort_comparesTheLastScrapesFreeRoomWithTheHeadroom_strictlyBelow() throws Exception {
        // GIVEN two workers of 1900m, 2 pods of 900m (2000m free), a headroom of exactly 2000m, and another of none
        AutoscalerConfig config = AutoscalerConfig.fromEnvironment(Map.of("HEADROOM_CPU_MILLIS", "2000"));
        AutoscalerConfig none = AutoscalerConfig.fromEnvironment(Map.of());
        SimulatedCluster cluster = new SimulatedCluster(TestScenarios.of("workers: 2", GROWS_AT_10S));
        try (VirtualPrometheus prometheus = new VirtualPrometheus(cluster, config);
             VirtualPrometheus withoutHeadroom = new VirtualPrometheus(cluster, none)) {
            prometheus.scrape();
            withoutHeadroom.scrape();
            boolean atStart = prometheus.headroomShortInLastScrape();

            // WHEN two more pods land at 10 s (200m free): unseen until the scrape at 15 s
            cluster.advanceTo(Duration.ofSeconds(12));
            boolean beforeTheScrape = prometheus.headroomShortInLastScrape();
            cluster.advanceTo(Duration.ofSeconds(15));
            prometheus.scrape();
            withoutHeadroom.scrape();

            // THEN room equal to the headroom is enough; 200m is short from the scrape on; no headroom is never short
            assertEquals(java.util.List.of(false, false, true, false), java.util.List.of(atStart, beforeTheScrape,
                    prometheus.headroomShortInLastScrape(), withoutHeadroom.headroomShortInLastScrape()));
        }
    }

    @Test
    void podsThatBecomeUnschedulableBetweenScrapes_areSeenAtTheNextScrape() throws Exception {
        // GIVEN a scrape at 0 s, when every pod was placed
        AutoscalerConfig config = pendingUp(0);
        SimulatedCluster cluster = new SimulatedCluster(TestScenarios.of("workers: 1", GROWS_AT_10S));
        try (VirtualPrometheus prometheus = new VirtualPrometheus(cluster, config)) {
            prometheus.scrape();

            // WHEN two pods fail to schedule at 10 s, and the next scrape is at 15 s
            cluster.advanceTo(Duration.ofSeconds(12));
            int before = unschedulable(prometheus, config);
            cluster.advanceTo(Duration.ofSeconds(15));
            prometheus.scrape();
            int after = unschedulable(prometheus, config);

            // THEN the query shows them from the scrape on, and they were visible at 15 s
            assertEquals(0, before);
            assertEquals(2, after);
            assertEquals(Duration.ofSeconds(15), prometheus.visibleAt(Duration.ofSeconds(10)));
        }
    }

    @Test
    void pendingUpFilter_wantsThePodInAScrapeThatOld() throws Exception {
        // GIVEN PENDING_UP_SEC=30 and scrapes every 15 s from 0 s
        AutoscalerConfig config = pendingUp(30);
        SimulatedCluster cluster = new SimulatedCluster(TestScenarios.of("workers: 1", GROWS_AT_10S));
        try (VirtualPrometheus prometheus = new VirtualPrometheus(cluster, config)) {
            int[] seen = new int[5];
            for (int i = 0; i < seen.length; i++) {
                cluster.advanceTo(Duration.ofSeconds(15L * i));
                prometheus.scrape();
                seen[i] = unschedulable(prometheus, config);
            }

            // THEN the pods waiting from 10 s (first scraped at 15 s) count from 45 s, not 40 s
            assertEquals(java.util.List.of(0, 0, 0, 2, 2), java.util.Arrays.stream(seen).boxed().toList());
            assertEquals(Duration.ofSeconds(45), prometheus.visibleAt(Duration.ofSeconds(10)));
        }
    }
}
