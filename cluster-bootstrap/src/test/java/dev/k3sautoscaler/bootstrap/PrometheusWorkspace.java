package dev.k3sautoscaler.bootstrap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A copy of prometheus/ that the local tools can load. Two differences from the pod, both forced by
 * the machine, not by the configuration: Debian's Prometheus build has no Kubernetes service
 * discovery, so each {@code kubernetes_sd_configs} (of a scrape job or of the Alertmanagers) becomes a
 * {@code file_sd_configs} reading
 * {@code sd/<role>.json} (the test writes the targets Kubernetes discovery would produce, with
 * their {@code __meta_kubernetes_*} labels); and the ServiceAccount files the pod mounts are
 * replaced by test files. headroom-rules.yml, which the master writes at boot, holds the sample
 * headroom setting.
 */
final class PrometheusWorkspace {
    static final String CONFIG = "prometheus.yml";
    static final String HEADROOM_RULES = "headroom-rules.yml";
    static final Path HEADROOM_RULES_TEMPLATE = BootstrapFiles.PROMETHEUS.resolve("headroom-rules.yml.tpl");
    /** The SSM parameter the CDK stack writes the headroom setting to, and that setting: the placeholders.json sample. */
    static final String HEADROOM_PARAM = "/k3s-autoscaler/demo/headroom";
    static final String HEADROOM_SETTING =
            "HEADROOM_CPU_MILLIS=1900 HEADROOM_MEMORY_MIB=1600 WORKER_CPU_MILLIS=1900 WORKER_MEMORY_MIB=1600";
    static final String POD_SERVICE_ACCOUNT_DIR = "/var/run/secrets/kubernetes.io/serviceaccount/";
    /** Kubernetes SD roles and the fields a kubernetes_sd_configs entry may set (Prometheus 2.x). */
    static final Set<String> KUBERNETES_SD_ROLES = Set.of("node", "service", "pod", "endpoints", "endpointslice", "ingress");
    static final Set<String> KUBERNETES_SD_FIELDS = Set.of("role", "namespaces", "selectors", "api_server",
            "kubeconfig_file", "attach_metadata", "tls_config", "authorization", "basic_auth", "oauth2",
            "proxy_url", "follow_redirects", "enable_http2");

    private static final YAMLMapper YAML = new YAMLMapper();

    final Path dir;
    /** Every kubernetes_sd_configs entry of the original configuration, for structural checks. */
    final List<JsonNode> kubernetesSdConfigs = new ArrayList<>();

    private PrometheusWorkspace(Path dir) {
        this.dir = dir;
    }

    static PrometheusWorkspace create(Path dir) throws IOException {
        PrometheusWorkspace workspace = new PrometheusWorkspace(dir);
        for (Path file : BootstrapFiles.list(BootstrapFiles.PROMETHEUS, ".yml", ".yaml")) {
            Files.copy(file, dir.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        }
        Path serviceAccount = Files.createDirectories(dir.resolve("serviceaccount"));
        Files.writeString(serviceAccount.resolve("token"), "test-token");
        try (InputStream ca = PrometheusWorkspace.class.getResourceAsStream("/prometheus/test-ca.crt")) {
            Files.copy(ca, serviceAccount.resolve("ca.crt"), StandardCopyOption.REPLACE_EXISTING);
        }
        Files.createDirectories(dir.resolve("sd"));
        Files.writeString(dir.resolve(HEADROOM_RULES), renderHeadroomRules(HEADROOM_PARAM, HEADROOM_SETTING));
        workspace.rewriteConfig();
        return workspace;
    }

    /**
     * headroom-rules.yml.tpl filled as the master's render_headroom_rules fills it: the parameter's
     * name, and each NAME=value of the setting (MasterUserDataIT proves the two renders equal).
     */
    static String renderHeadroomRules(String parameter, String setting) {
        String text = BootstrapFiles.read(HEADROOM_RULES_TEMPLATE).replace("${HEADROOM_PARAM}", parameter);
        for (String assignment : setting.split(" ")) {
            String[] nameValue = assignment.split("=", 2);
            text = text.replace("${" + nameValue[0] + "}", nameValue[1]);
        }
        return text;
    }

    private void rewriteConfig() throws IOException {
        String text = Files.readString(dir.resolve(CONFIG))
                .replace(POD_SERVICE_ACCOUNT_DIR, dir.resolve("serviceaccount") + "/");
        ObjectNode config = (ObjectNode) YAML.readTree(text);
        List<JsonNode> discovering = new ArrayList<>();
        config.path("scrape_configs").forEach(discovering::add);
        config.path("alerting").path("alertmanagers").forEach(discovering::add);
        for (JsonNode job : discovering) {
            JsonNode kubernetes = job.path("kubernetes_sd_configs");
            if (kubernetes.isMissingNode()) {
                continue;
            }
            ArrayNode files = ((ObjectNode) job).putArray("file_sd_configs");
            for (JsonNode sd : kubernetes) {
                kubernetesSdConfigs.add(sd);
                String file = "sd/" + sd.path("role").asText() + ".json";
                files.addObject().putArray("files").add(dir.resolve(file).toString());
                if (!Files.exists(dir.resolve(file))) {
                    Files.writeString(dir.resolve(file), "[]");
                }
            }
            ((ObjectNode) job).remove("kubernetes_sd_configs");
        }
        YAML.writeValue(dir.resolve(CONFIG).toFile(), config);
    }

    /**
     * Scrapes and evaluates every {@code interval} instead of the pod's 15 s, so a test that waits for
     * an alert takes seconds; PrometheusConfigIT pins the pod's own values.
     */
    void intervals(String interval) throws IOException {
        ObjectNode config = (ObjectNode) YAML.readTree(dir.resolve(CONFIG).toFile());
        ((ObjectNode) config.path("global")).put("scrape_interval", interval).put("scrape_timeout", interval)
                .put("evaluation_interval", interval);
        YAML.writeValue(dir.resolve(CONFIG).toFile(), config);
    }

    /** Writes the targets Kubernetes discovery of {@code role} would report. */
    void discovered(String role, String targetGroupsJson) {
        try {
            Files.writeString(dir.resolve("sd/" + role + ".json"), targetGroupsJson);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void copyResource(String resource, String name) throws IOException {
        try (InputStream in = PrometheusWorkspace.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no test resource " + resource);
            }
            Files.copy(in, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
