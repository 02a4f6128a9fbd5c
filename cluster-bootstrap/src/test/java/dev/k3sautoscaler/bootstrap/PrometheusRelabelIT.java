package dev.k3sautoscaler.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The relabelling of prometheus.yml applied by a real Prometheus server to the targets Kubernetes
 * discovery reports: the labels the autoscaler's queries join on (node) and the API-server proxy
 * paths of the kubelet jobs.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PrometheusRelabelIT {
    /** The discovery manager hands targets to the scrape manager every 5 s. */
    private static final Duration DISCOVERY_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration POLL_INTERVAL = RunningServer.POLL_INTERVAL;

    private static final String WORKER = "i-0123456789abcdef0";
    private static final String MASTER = "i-0fedcba9876543210";
    /** Alertmanager runs in the master's network: its endpoint is the node's address. */
    private static final String MASTER_ADDRESS = "10.0.1.10";

    private Path work;
    private final ObjectMapper json = new ObjectMapper();
    private RunningServer prometheus;
    private Map<String, JsonNode> activeByJob;
    private JsonNode targets;

    @BeforeAll
    void startPrometheusWithDiscoveredTargets(@TempDir Path dir) throws Exception {
        work = dir;
        // GIVEN what Kubernetes discovery reports for the monitoring namespace's endpoints and the nodes
        PrometheusWorkspace workspace = PrometheusWorkspace.create(work);
        workspace.discovered("endpoints", """
                [
                  {"targets": ["10.42.1.7:9100"], "labels": {
                     "__meta_kubernetes_service_name": "node-exporter",
                     "__meta_kubernetes_endpoint_port_name": "metrics",
                     "__meta_kubernetes_pod_node_name": "%s"}},
                  {"targets": ["10.42.0.9:8080"], "labels": {
                     "__meta_kubernetes_service_name": "kube-state-metrics",
                     "__meta_kubernetes_endpoint_port_name": "http-metrics",
                     "__meta_kubernetes_pod_node_name": "%s"}},
                  {"targets": ["10.42.0.10:9090"], "labels": {
                     "__meta_kubernetes_service_name": "prometheus",
                     "__meta_kubernetes_endpoint_port_name": "web",
                     "__meta_kubernetes_pod_node_name": "%s"}},
                  {"targets": ["%s:9093"], "labels": {
                     "__meta_kubernetes_service_name": "alertmanager",
                     "__meta_kubernetes_endpoint_port_name": "web",
                     "__meta_kubernetes_pod_node_name": "%s"}}
                ]""".formatted(WORKER, MASTER, MASTER, MASTER_ADDRESS, MASTER));
        workspace.discovered("node", """
                [{"targets": ["10.0.1.20:10250"], "labels": {"__meta_kubernetes_node_name": "%s"}}]""".formatted(WORKER));

        // WHEN the real server loads the configuration
        prometheus = RunningServer.start(ExternalTool.PROMETHEUS, work, "prometheus", Map.of(), port -> new String[] {
                "--config.file=" + PrometheusWorkspace.CONFIG, "--storage.tsdb.path=data",
                "--web.listen-address=127.0.0.1:" + port});
        targets = awaitTargets();
        activeByJob = new HashMap<>();
        targets.path("activeTargets").forEach(t -> activeByJob.put(t.path("labels").path("job").asText(), t));
    }

    @AfterAll
    void stopPrometheus() {
        // The temporary directory is deleted next: the server must have stopped writing into it.
        if (prometheus != null) {
            prometheus.close();
        }
    }

    @Test
    void nodeExporterTargets_carryTheKubernetesNodeName_asNodeAndInstance() {
        JsonNode labels = activeByJob.get("node-exporter").path("labels");

        assertEquals(WORKER, labels.path("node").asText());
        assertEquals(WORKER, labels.path("instance").asText());
        assertEquals("http://10.42.1.7:9100/metrics", activeByJob.get("node-exporter").path("scrapeUrl").asText());
    }

    @Test
    void kubeStateMetrics_isScrapedOnItsMetricsPort_withoutAddedNodeLabel() {
        // Its own series carry node/pod/namespace (honor_labels); a target label would clash.
        JsonNode target = activeByJob.get("kube-state-metrics");

        assertEquals("http://10.42.0.9:8080/metrics", target.path("scrapeUrl").asText());
        assertFalse(target.path("labels").has("node"));
    }

    @Test
    void kubeletAndCadvisor_goThroughTheApiServerNodeProxy() {
        assertEquals("https://kubernetes.default.svc:443/api/v1/nodes/" + WORKER + "/proxy/metrics",
                activeByJob.get("kubelet").path("scrapeUrl").asText());
        assertEquals("https://kubernetes.default.svc:443/api/v1/nodes/" + WORKER + "/proxy/metrics/cadvisor",
                activeByJob.get("cadvisor").path("scrapeUrl").asText());
        assertEquals(WORKER, activeByJob.get("kubelet").path("labels").path("node").asText());
        assertEquals(WORKER, activeByJob.get("cadvisor").path("labels").path("node").asText());
    }

    @Test
    void endpointsOfOtherServices_areDropped() {
        // Each endpoints job keeps one of the four discovered endpoints and drops the other three.
        long active = targets.path("activeTargets").size();
        long dropped = targets.path("droppedTargets").size();

        assertEquals(5, active, "prometheus, node-exporter, kube-state-metrics, kubelet, cadvisor");
        assertEquals(6, dropped);
    }

    @Test
    void alertmanager_isFoundThroughItsServiceEndpoints_andNothingElseIs() throws Exception {
        // The notifier's discovery runs apart from the scrape targets': poll until it has reported.
        Instant deadline = Instant.now().plus(DISCOVERY_TIMEOUT);
        JsonNode data = null;
        while (Instant.now().isBefore(deadline)) {
            data = json.readTree(get("/api/v1/alertmanagers").body()).path("data");
            if (data.path("activeAlertmanagers").size() > 0) {
                break;
            }
            Thread.sleep(POLL_INTERVAL);
        }

        assertEquals(1, data.path("activeAlertmanagers").size(), data.toString());
        assertEquals("http://" + MASTER_ADDRESS + ":9093/api/v2/alerts",
                data.path("activeAlertmanagers").get(0).path("url").asText());
        assertEquals(3, data.path("droppedAlertmanagers").size(), data.toString());
    }

    private JsonNode awaitTargets() throws Exception {
        Instant deadline = Instant.now().plus(DISCOVERY_TIMEOUT);
        JsonNode data = null;
        while (Instant.now().isBefore(deadline)) {
            data = json.readTree(get("/api/v1/targets?state=any").body()).path("data");
            if (data.path("activeTargets").size() >= 5) {
                return data;
            }
            Thread.sleep(POLL_INTERVAL);
        }
        return fail("targets not discovered within " + DISCOVERY_TIMEOUT + ": " + data);
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return prometheus.get(path);
    }
}
