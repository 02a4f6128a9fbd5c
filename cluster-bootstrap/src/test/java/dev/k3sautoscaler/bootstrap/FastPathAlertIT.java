package dev.k3sautoscaler.bootstrap;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.k3sautoscaler.testkit.http.LoopbackServer;
import dev.k3sautoscaler.testkit.sns.FakeSnsApi;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fast path inside the cluster, with the real servers: Prometheus with prometheus.yml and the real
 * rule file scrapes a kube-state-metrics endpoint, sends the alert to Alertmanager with the rendered
 * alertmanager.yml, and Alertmanager publishes to SNS (a local fake that requires SigV4; static
 * credentials come from the environment, where the pod reads the instance role). Two differences from
 * the pod, to run in seconds: Prometheus scrapes and evaluates every second instead of 15 s, and the
 * route's group_interval is {@link #GROUP_INTERVAL} instead of 15 s (AlertmanagerConfigIT pins the
 * production values).
 */
class FastPathAlertIT {
    private static final String TOPIC_ARN = "arn:aws:sns:eu-west-1:123456789012:demo-unschedulable-pods";
    private static final String ACCESS_KEY = "AKIDFASTPATHTEST";
    private static final Duration GROUP_INTERVAL = Duration.ofSeconds(1);
    /**
     * Scrape (1 s) + evaluation (1 s) + group_wait (1 s) + the publish: about 3 s; discovery at
     * startup (Prometheus hands new targets over every 5 s) up to 10 s.
     */
    private static final Duration ALERT_TIMEOUT = Duration.ofSeconds(15);
    /** A group_interval and a half: long enough for a flush that should not publish to have happened. */
    private static final Duration QUIET = GROUP_INTERVAL.multipliedBy(3).dividedBy(2);
    /** Scheduling of the servers' timers on a busy machine. */
    private static final Duration SLACK = Duration.ofMillis(300);

    @TempDir
    Path work;

    /** The pods kube-state-metrics reports unschedulable: {@code namespace/name}. */
    private final Set<String> unschedulable = new CopyOnWriteArraySet<>();
    /** Further kube-state-metrics series, exposition lines grouped by metric. */
    private final List<String> series = new CopyOnWriteArrayList<>();

    @Test
    void aBurstOfUnschedulablePods_isOneShortPublish_andASecondBurstOneMoreAfterGroupInterval() throws Exception {
        try (LoopbackServer kubeStateMetrics = LoopbackServer.start("kube-state-metrics", "/metrics", this::metrics);
             FakeSnsApi sns = FakeSnsApi.start();
             RunningServer alertmanager = startAlertmanager(sns);
             RunningServer prometheus = startPrometheus(kubeStateMetrics, alertmanager)) {

            // GIVEN Prometheus scraping kube-state-metrics and knowing its Alertmanager, and then a burst:
            // three pods unschedulable at once
            awaitUntil(() -> discovered(prometheus), "kube-state-metrics scraped and Alertmanager discovered", prometheus, alertmanager);
            unschedulable.addAll(List.of("demo/web-1", "demo/web-2", "batch/job-1"));
            Instant burst = Instant.now();

            // WHEN the alert fires
            awaitUntil(() -> !sns.published().isEmpty(), "a publish", prometheus, alertmanager);

            // THEN one publish: this cluster's topic, signed, a count and no pod name; nothing more while nothing changes
            Thread.sleep(QUIET.toMillis());
            assertEquals(1, sns.published().size(), sns.published().toString());
            FakeSnsApi.Publish first = sns.published().getFirst();
            assertAll(
                    () -> assertEquals(TOPIC_ARN, first.topicArn()),
                    () -> assertEquals("3 unschedulable pods", first.message()),
                    () -> assertEquals("k3s-autoscaler fast path", first.subject()),
                    () -> assertEquals(ACCESS_KEY, first.accessKeyId()),
                    () -> assertEquals("eu-west-1", first.region()),
                    () -> assertEquals(List.of(), sns.refused()));

            // WHEN a second burst comes while the first still fires
            unschedulable.addAll(List.of("demo/web-3", "demo/web-4"));
            Instant secondBurst = Instant.now();

            // THEN it is one more publish, no sooner than group_interval after the first, and then quiet
            awaitUntil(() -> sns.published().size() >= 2, "the second burst's publish", prometheus, alertmanager);
            Thread.sleep(QUIET.toMillis());
            List<FakeSnsApi.Publish> all = List.copyOf(sns.published());
            assertEquals(2, all.size(), all.toString());
            assertEquals("5 unschedulable pods", all.get(1).message());
            Duration apart = Duration.between(first.receivedAt(), all.get(1).receivedAt());
            assertTrue(apart.compareTo(GROUP_INTERVAL.minus(SLACK)) >= 0, "publishes " + apart + " apart");
            System.out.printf("fast path: burst → publish %d ms (1 s scrape and evaluation, 1 s group_wait); second burst → publish %d ms;"
                            + " publishes %d ms apart (group_interval %d ms)%n",
                    Duration.between(burst, first.receivedAt()).toMillis(),
                    Duration.between(secondBurst, all.get(1).receivedAt()).toMillis(), apart.toMillis(), GROUP_INTERVAL.toMillis());
        }
    }

    @Test
    void podsTakingTheHeadroom_publishOnce_thoughNoPodIsUnschedulable() throws Exception {
        try (LoopbackServer kubeStateMetrics = LoopbackServer.start("kube-state-metrics", "/metrics", this::metrics);
             FakeSnsApi sns = FakeSnsApi.start();
             RunningServer alertmanager = startAlertmanager(sns);
             RunningServer prometheus = startPrometheus(kubeStateMetrics, alertmanager)) {

            // GIVEN the master's headroom rules for one worker of room (1900m / 1600 MiB, PrometheusWorkspace's
            // setting) and two Ready workers, one full and one empty: the room is exactly the headroom
            series.addAll(workers(false));
            awaitUntil(() -> discovered(prometheus), "kube-state-metrics scraped and Alertmanager discovered", prometheus, alertmanager);
            awaitUntil(() -> recorded(prometheus, "k3s_autoscaler:free_cpu:cores", "1.9"), "the free room recorded", prometheus, alertmanager);
            Thread.sleep(QUIET.toMillis());
            assertEquals(List.of(), sns.published(), "no publish while the room is whole");

            // WHEN a pod of 500m is scheduled on the empty worker (no pod waits)
            series.clear();
            series.addAll(workers(true));
            Instant taken = Instant.now();

            // THEN one publish naming the headroom, and nothing more while the room stays short
            awaitUntil(() -> !sns.published().isEmpty(), "the headroom publish", prometheus, alertmanager);
            Thread.sleep(QUIET.toMillis());
            assertEquals(1, sns.published().size(), sns.published().toString());
            FakeSnsApi.Publish publish = sns.published().getFirst();
            assertAll(
                    () -> assertEquals(TOPIC_ARN, publish.topicArn()),
                    () -> assertEquals("free room below the headroom", publish.message()),
                    () -> assertEquals(List.of(), sns.refused()));
            System.out.printf("fast path: headroom taken → publish %d ms%n", Duration.between(taken, publish.receivedAt()).toMillis());
        }
    }

    /** Workers i-w1 (1900m / 1600 MiB requested) and i-w2, Ready; with {@code podOnSecond}, 500m / 256 MiB on i-w2. */
    private static List<String> workers(boolean podOnSecond) {
        List<String> lines = new java.util.ArrayList<>(List.of(
                "kube_node_status_condition{node=\"i-w1\",condition=\"Ready\",status=\"true\"} 1",
                "kube_node_status_condition{node=\"i-w2\",condition=\"Ready\",status=\"true\"} 1",
                "kube_pod_container_resource_requests{namespace=\"shop\",pod=\"web-1\",container=\"app\",node=\"i-w1\",resource=\"cpu\",unit=\"core\"} 1.9",
                "kube_pod_container_resource_requests{namespace=\"shop\",pod=\"web-1\",container=\"app\",node=\"i-w1\",resource=\"memory\",unit=\"byte\"} 1677721600"));
        if (podOnSecond) {
            lines.add("kube_pod_container_resource_requests{namespace=\"shop\",pod=\"web-2\",container=\"app\",node=\"i-w2\",resource=\"cpu\",unit=\"core\"} 0.5");
            lines.add("kube_pod_container_resource_requests{namespace=\"shop\",pod=\"web-2\",container=\"app\",node=\"i-w2\",resource=\"memory\",unit=\"byte\"} 268435456");
        }
        return lines;
    }

    /** Whether Prometheus answers {@code query} with the one value {@code value}. */
    private static boolean recorded(RunningServer prometheus, String query, String value) {
        try {
            return prometheus.get("/api/v1/query?query=" + java.net.URLEncoder.encode(query, StandardCharsets.UTF_8)).body()
                    .contains("\"" + value + "\"]");
        } catch (IOException notYet) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private RunningServer startAlertmanager(FakeSnsApi sns) throws IOException {
        ObjectNode config = (ObjectNode) new YAMLMapper().readTree(AlertmanagerConfigIT.renderWithSamples(TOPIC_ARN, "eu-west-1"));
        ((ObjectNode) config.path("route").path("routes").get(0)).put("group_interval", GROUP_INTERVAL.toSeconds() + "s");
        ((ObjectNode) config.path("receivers").get(1).path("sns_configs").get(0)).put("api_url", sns.endpoint().toString());
        Path file = work.resolve("alertmanager.yml");
        new YAMLMapper().writeValue(file.toFile(), config);
        // The pod signs with the instance role; here the SDK's environment credentials stand in for it.
        Map<String, String> credentials = Map.of("AWS_ACCESS_KEY_ID", ACCESS_KEY,
                "AWS_SECRET_ACCESS_KEY", "fast-path-test-secret", "AWS_EC2_METADATA_DISABLED", "true");
        return RunningServer.start(ExternalTool.ALERTMANAGER, work, "alertmanager", credentials, port -> new String[] {
                "--config.file=" + file, "--storage.path=" + work.resolve("alertmanager-data"),
                "--web.listen-address=127.0.0.1:" + port, "--cluster.listen-address="});
    }

    private RunningServer startPrometheus(LoopbackServer kubeStateMetrics, RunningServer alertmanager) throws IOException {
        PrometheusWorkspace workspace = PrometheusWorkspace.create(Files.createDirectories(work.resolve("prometheus")));
        workspace.intervals("1s");
        // What Kubernetes discovery reports for the monitoring namespace: both reached by their Service's endpoints.
        workspace.discovered("endpoints", """
                [
                  {"targets": ["%s"], "labels": {
                     "__meta_kubernetes_service_name": "kube-state-metrics",
                     "__meta_kubernetes_endpoint_port_name": "http-metrics"}},
                  {"targets": ["%s"], "labels": {
                     "__meta_kubernetes_service_name": "alertmanager",
                     "__meta_kubernetes_endpoint_port_name": "web"}}
                ]""".formatted(kubeStateMetrics.endpoint().getAuthority(), alertmanager.base.getAuthority()));
        return RunningServer.start(ExternalTool.PROMETHEUS, workspace.dir, "prometheus", Map.of(), port -> new String[] {
                "--config.file=" + PrometheusWorkspace.CONFIG, "--storage.tsdb.path=data",
                "--web.listen-address=127.0.0.1:" + port});
    }

    /** The first scrape of kube-state-metrics is done and the notifier has its Alertmanager. */
    private static boolean discovered(RunningServer prometheus) {
        try {
            String targets = prometheus.get("/api/v1/targets?state=active").body();
            String alertmanagers = prometheus.get("/api/v1/alertmanagers").body();
            return targets.matches("(?s).*\"job\":\"kube-state-metrics\".*\"health\":\"up\".*")
                    && alertmanagers.contains("/api/v2/alerts");
        } catch (IOException notYet) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** kube-state-metrics' exposition of the unschedulable pods (it exports the series for those only), then {@link #series}. */
    private void metrics(com.sun.net.httpserver.HttpExchange exchange) throws IOException {
        StringBuilder text = new StringBuilder("# HELP kube_pod_status_unschedulable Describes the unschedulable status for the pod.\n"
                + "# TYPE kube_pod_status_unschedulable gauge\n");
        for (String pod : unschedulable) {
            String[] name = pod.split("/");
            text.append("kube_pod_status_unschedulable{namespace=\"").append(name[0]).append("\",pod=\"").append(name[1])
                    .append("\",uid=\"uid-").append(name[1]).append("\"} 1\n");
        }
        series.forEach(line -> text.append(line).append('\n'));
        byte[] body = text.toString().getBytes(StandardCharsets.UTF_8);
        try (exchange) {
            exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private static void awaitUntil(BooleanSupplier condition, String what, RunningServer prometheus, RunningServer alertmanager)
            throws InterruptedException {
        Instant deadline = Instant.now().plus(ALERT_TIMEOUT);
        while (Instant.now().isBefore(deadline)) {
            if (condition.getAsBoolean()) {
                return;
            }
            Thread.sleep(50);
        }
        fail("no " + what + " within " + ALERT_TIMEOUT + "\nprometheus:\n" + prometheus.log() + "\nalertmanager:\n" + alertmanager.log());
    }
}
