package dev.k3sautoscaler.bootstrap;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * prometheus/alertmanager.yml, the fast path's sender: the real amtool's verdict on it rendered, where
 * its routes send the alerts, and the timings the fast path is built on (its boot template contract:
 * UserDataTemplatesTest).
 */
class AlertmanagerConfigIT {
    static final Path TEMPLATE = BootstrapFiles.PROMETHEUS.resolve("alertmanager.yml");
    private static final String FAST_PATH_ALERT = "K3sAutoscalerPodsUnschedulable";
    private static final String HEADROOM_ALERT = "K3sAutoscalerHeadroomShort";
    private static final Set<String> FAST_PATH_ALERTS = Set.of(FAST_PATH_ALERT, HEADROOM_ALERT);

    @TempDir
    Path work;

    /** The template with every boot variable replaced by a sample, as the master's sed does. */
    static String renderWithSamples(String topicArn, String region) {
        return BootstrapFiles.read(TEMPLATE).replace("${FAST_PATH_TOPIC_ARN}", topicArn).replace("${AWS_REGION}", region);
    }

    @Test
    void rendered_passesAmtoolCheckConfig() throws IOException {
        Path rendered = Files.writeString(work.resolve("alertmanager.yml"),
                renderWithSamples("arn:aws:sns:eu-west-1:123456789012:demo-unschedulable-pods", "eu-west-1"));

        ExternalTool.Result result = ExternalTool.AMTOOL.run(work, "check-config", rendered.toString());

        assertTrue(result.succeeded(), result.output());
        assertFalse(Files.readString(rendered).contains("${"));
    }

    @Test
    void routes_sendTheFastPathAlertToTheTick_andEveryOtherAlertNowhere() throws IOException {
        // GIVEN the rendered configuration and the alerts of autoscaler-rules.yml with their labels
        Path rendered = Files.writeString(work.resolve("alertmanager.yml"),
                renderWithSamples("arn:aws:sns:eu-west-1:123456789012:demo-unschedulable-pods", "eu-west-1"));
        Map<String, String> receiverLabelOf = new TreeMap<>();
        new YAMLMapper().readTree(BootstrapFiles.PROMETHEUS.resolve("autoscaler-rules.yml").toFile()).path("groups")
                .forEach(group -> group.path("rules").forEach(rule -> {
                    if (rule.has("alert")) {
                        receiverLabelOf.put(rule.path("alert").asText(), rule.path("labels").path("receiver").asText(""));
                    }
                }));

        // WHEN amtool routes each alert as Prometheus labels it
        Map<String, String> routedTo = new TreeMap<>();
        receiverLabelOf.forEach((alert, receiverLabel) -> {
            List<String> labels = receiverLabel.isEmpty() ? List.of("alertname=" + alert)
                    : List.of("alertname=" + alert, "receiver=" + receiverLabel, "namespace=demo", "pod=a");
            String[] arguments = new String[4 + labels.size()];
            arguments[0] = "config";
            arguments[1] = "routes";
            arguments[2] = "test";
            arguments[3] = "--config.file=" + rendered;
            for (int i = 0; i < labels.size(); i++) {
                arguments[4 + i] = labels.get(i);
            }
            ExternalTool.Result result = ExternalTool.AMTOOL.run(work, arguments);
            routedTo.put(alert, result.output().lines().filter(l -> !l.startsWith("Warning")).reduce((a, b) -> b).orElse("").strip());
        });

        // THEN only the fast path's two alerts leave the cluster
        assertEquals(6, routedTo.size(), routedTo.toString());
        routedTo.forEach((alert, receiver) ->
                assertEquals(FAST_PATH_ALERTS.contains(alert) ? "k3s-autoscaler-tick" : "null", receiver, alert));
    }

    @Test
    void fastPathRoute_hasTheDocumentedTimings_andSendsAShortFixedMessage() throws IOException {
        // The values docs/decisions/fast-path-unschedulable-alert.md and the simulator reason with.
        JsonNode config = new YAMLMapper().readTree(TEMPLATE.toFile());
        JsonNode route = config.path("route").path("routes").get(0);
        JsonNode sns = config.path("receivers").get(1).path("sns_configs").get(0);

        assertAll(
                () -> assertEquals("null", config.path("route").path("receiver").asText()),
                () -> assertEquals(1, config.path("route").path("routes").size()),
                () -> assertEquals("k3s-autoscaler-tick", route.path("receiver").asText()),
                () -> assertEquals("receiver = \"k3s-autoscaler-tick\"", route.path("matchers").get(0).asText()),
                () -> assertEquals("[\"alertname\"]", route.path("group_by").toString()),
                () -> assertEquals("1s", route.path("group_wait").asText()),
                () -> assertEquals("15s", route.path("group_interval").asText()),
                () -> assertEquals("1h", route.path("repeat_interval").asText()),
                () -> assertEquals("k3s-autoscaler-tick", config.path("receivers").get(1).path("name").asText()),
                () -> assertEquals("${FAST_PATH_TOPIC_ARN}", sns.path("topic_arn").asText()),
                () -> assertEquals("${AWS_REGION}", sns.path("sigv4").path("region").asText()),
                () -> assertFalse(sns.path("send_resolved").asBoolean(true)),
                () -> assertFalse(sns.has("api_url"), "production goes to SNS's own endpoint"),
                // a count, never the pods: the same size for 1 pod or 10,000
                () -> assertEquals("{{ if eq .GroupLabels.alertname \"K3sAutoscalerHeadroomShort\" }}free room below the headroom"
                        + "{{ else }}{{ len .Alerts.Firing }} unschedulable pods{{ end }}", sns.path("message").asText()));
    }

    @Test
    void fastPathAlert_isEvaluatedAtTheGlobalInterval_withoutAPendingState() throws IOException {
        JsonNode prometheus = new YAMLMapper().readTree(BootstrapFiles.PROMETHEUS.resolve("prometheus.yml").toFile());
        JsonNode group = null;
        for (JsonNode g : new YAMLMapper().readTree(BootstrapFiles.PROMETHEUS.resolve("autoscaler-rules.yml").toFile()).path("groups")) {
            if (g.path("name").asText().equals("k3s-autoscaler.fast-path")) {
                group = g;
            }
        }
        JsonNode rule = group == null ? null : group.path("rules").get(0);

        assertAll(
                () -> assertEquals("15s", prometheus.path("global").path("evaluation_interval").asText()),
                () -> assertTrue(rule != null && rule.path("alert").asText().equals(FAST_PATH_ALERT)),
                () -> assertFalse(rule.has("interval") || rule.path("for").asText("0s").matches(".*[1-9].*"), rule.toString()),
                () -> assertEquals("max by (namespace, pod) (kube_pod_status_unschedulable) > 0", rule.path("expr").asText()),
                () -> assertEquals("k3s-autoscaler-tick", rule.path("labels").path("receiver").asText()));
        JsonNode headroom = null;
        for (JsonNode r : group.path("rules")) {
            if (HEADROOM_ALERT.equals(r.path("alert").asText())) {
                headroom = r;
            }
        }
        // The headroom alert fires at once too, in the same group (so at the same evaluations).
        JsonNode headroomRule = headroom;
        assertAll(
                () -> assertTrue(headroomRule != null, "no " + HEADROOM_ALERT + " in the fast-path group"),
                () -> assertEquals("0s", headroomRule.path("for").asText()),
                () -> assertEquals("k3s-autoscaler-tick", headroomRule.path("labels").path("receiver").asText()));
    }
}
