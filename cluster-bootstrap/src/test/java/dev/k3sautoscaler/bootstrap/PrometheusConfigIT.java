package dev.k3sautoscaler.bootstrap;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The Prometheus configuration, rules and dashboard queries, checked by the real promtool. */
class PrometheusConfigIT {
    @TempDir
    Path work;

    @Test
    void prometheusConfig_passesPromtoolCheckConfig_includingItsRuleFiles() throws IOException {
        // GIVEN the configuration as the local promtool can load it
        PrometheusWorkspace workspace = PrometheusWorkspace.create(work);

        // WHEN
        ExternalTool.Result result = ExternalTool.PROMTOOL.run(work, "check", "config", PrometheusWorkspace.CONFIG);

        // THEN the configuration and the rule files it names are valid, the master's headroom rules included
        assertTrue(result.succeeded(), result.output());
        assertTrue(result.output().contains("SUCCESS: 14 rules found"), result.output());
        assertTrue(result.output().contains("Checking " + PrometheusWorkspace.HEADROOM_RULES + "\n  SUCCESS: 4 rules found"),
                result.output());
        assertFalse(workspace.kubernetesSdConfigs.isEmpty());
    }

    @Test
    void kubernetesDiscovery_usesOnlyKnownRolesAndFields() throws IOException {
        // promtool here cannot parse kubernetes_sd_configs (see PrometheusWorkspace): check its shape.
        PrometheusWorkspace workspace = PrometheusWorkspace.create(work);

        assertAll(workspace.kubernetesSdConfigs.stream().map(sd -> () -> {
            assertTrue(PrometheusWorkspace.KUBERNETES_SD_ROLES.contains(sd.path("role").asText()), "role in " + sd);
            sd.fieldNames().forEachRemaining(field ->
                    assertTrue(PrometheusWorkspace.KUBERNETES_SD_FIELDS.contains(field), field + " in " + sd));
            sd.path("namespaces").fieldNames().forEachRemaining(field ->
                    assertTrue(Set.of("names", "own_namespace").contains(field), field + " in " + sd));
        }));
    }

    @Test
    void globalSettings_areTheDocumentedOnes() throws IOException {
        JsonNode config = new YAMLMapper().readTree(BootstrapFiles.PROMETHEUS.resolve("prometheus.yml").toFile());

        assertEquals("15s", config.path("global").path("scrape_interval").asText());
        assertEquals("15s", config.path("global").path("evaluation_interval").asText());
        Set<String> jobs = new TreeSet<>();
        config.path("scrape_configs").forEach(job -> jobs.add(job.path("job_name").asText()));
        assertEquals(new TreeSet<>(Set.of("prometheus", "node-exporter", "kube-state-metrics", "kubelet", "cadvisor")), jobs);
    }

    @Test
    void ruleFiles_passPromtoolCheckRules() {
        List<Path> rules = BootstrapFiles.list(BootstrapFiles.PROMETHEUS, "-rules.yml");
        assertFalse(rules.isEmpty(), "no rule files");

        for (Path file : rules) {
            ExternalTool.Result result = ExternalTool.PROMTOOL.run(BootstrapFiles.PROMETHEUS, "check", "rules",
                    file.getFileName().toString());
            assertTrue(result.succeeded(), file + ":\n" + result.output());
        }
    }

    /**
     * The rules' promtool unit tests: the alerts and recording rules, and the master's headroom rules for
     * the sample setting (PromQL does the unit arithmetic bash cannot: 1900 m = 1.9 cores, 1600 MiB in bytes).
     */
    @ParameterizedTest
    @ValueSource(strings = {"autoscaler-rules.test.yml", "headroom-rules.test.yml"})
    void rules_behaveAsSpecified_inPromtoolUnitTests(String tests) throws IOException {
        // GIVEN the unit tests next to a copy of the rules
        PrometheusWorkspace workspace = PrometheusWorkspace.create(work);
        workspace.copyResource("/prometheus/" + tests, tests);

        // WHEN
        ExternalTool.Result result = ExternalTool.PROMTOOL.run(work, "test", "rules", tests);

        // THEN
        assertTrue(result.succeeded(), result.output());
    }

    @Test
    void dashboardQueries_areValidPromql() throws IOException {
        // GIVEN every panel query of the dashboard as a recording rule, so promtool parses it
        JsonNode dashboard = new ObjectMapper().readTree(BootstrapFiles.DASHBOARD.toFile());
        ObjectNode rulesFile = new ObjectMapper().createObjectNode();
        ArrayNode rules = rulesFile.putArray("groups").addObject().put("name", "dashboard").putArray("rules");
        List<String> titles = new ArrayList<>();
        for (JsonNode panel : dashboard.path("panels")) {
            titles.add(panel.path("title").asText());
            for (JsonNode target : panel.path("targets")) {
                rules.addObject().put("record", "dashboard:panel_" + panel.path("id").asInt() + "_"
                        + target.path("refId").asText()).put("expr", target.path("expr").asText());
            }
        }
        Files.writeString(work.resolve("dashboard-rules.yml"), new YAMLMapper().writeValueAsString(rulesFile));

        // WHEN
        ExternalTool.Result result = ExternalTool.PROMTOOL.run(work, "check", "rules", "dashboard-rules.yml");

        // THEN the queries parse, and the autoscaler's four signals each have a panel
        assertTrue(result.succeeded(), result.output());
        assertTrue(titles.containsAll(List.of("Worker CPU utilisation", "Worker memory utilisation",
                "Unschedulable pods", "Nodes by state")), titles.toString());
    }
}
