package dev.k3sautoscaler.bootstrap;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.k3sautoscaler.bootstrap.AutoscalerRbac.Grant;
import dev.k3sautoscaler.bootstrap.Manifests.KubeObject;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Policy checks on every manifest the master applies (manifests/, including the autoscaler's RBAC
 * when it is there) and on the demo workload: what a reviewer would otherwise check by eye.
 */
class ManifestPolicyTest {
    /** A tag after the last path segment's colon, or a digest. */
    private static final Pattern PINNED_IMAGE = Pattern.compile("^[^@]+:(?<tag>[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})(@sha256:[0-9a-f]{64})?$|^[^@:]+(:[^@/]+)?@sha256:[0-9a-f]{64}$");
    private static final Set<String> WORKLOAD_KINDS = Set.of("Pod", "Deployment", "DaemonSet", "StatefulSet",
            "ReplicaSet", "Job", "CronJob");
    private static final Set<String> BUILT_IN_NAMESPACES = Set.of("default", "kube-system", "kube-public");
    private static final String CONTROL_PLANE_TAINT = "node-role.kubernetes.io/control-plane";
    /**
     * The one workload in the host's network: Alertmanager signs its SNS messages with the master's
     * instance role, which IMDSv2 answers one hop away only (docs/security.md).
     */
    private static final String HOST_NETWORK_EXCEPTION = "Deployment monitoring/alertmanager";

    private final List<KubeObject> all = Manifests.all();
    private final List<KubeObject> deployed = Manifests.deployed();

    @Test
    void everyDocument_isAKubernetesObject() {
        assertFalse(deployed.isEmpty(), "no manifests found");
        assertAll(all.stream().map(o -> () -> {
            assertFalse(o.body().path("apiVersion").asText().isEmpty(), o + " has no apiVersion");
            assertFalse(o.kind().isEmpty(), o + " has no kind");
            assertFalse(o.name().isEmpty(), o + " has no metadata.name");
        }));
    }

    @Test
    void everyImage_isPinnedToAVersion() {
        assertAll(containers().map(c -> () -> {
            String image = c.container().path("image").asText();
            Matcher matcher = PINNED_IMAGE.matcher(image);
            assertTrue(matcher.matches(), c + ": image '" + image + "' has no tag or digest");
            assertFalse("latest".equals(matcher.group("tag")), c + ": image '" + image + "' uses :latest");
        }));
    }

    @Test
    void everyContainer_requestsAndLimitsCpuAndMemory() {
        assertAll(containers().map(c -> () -> {
            JsonNode resources = c.container().path("resources");
            for (String bound : List.of("requests", "limits")) {
                for (String resource : List.of("cpu", "memory")) {
                    assertFalse(resources.path(bound).path(resource).asText().isEmpty(),
                            c + " has no resources." + bound + "." + resource);
                }
            }
        }));
    }

    @Test
    void nothing_isExposedOutsideTheCluster() {
        List<Executable> checks = new ArrayList<>();
        for (KubeObject o : all) {
            if (o.kind().equals("Service")) {
                String type = o.body().path("spec").path("type").asText("ClusterIP");
                checks.add(() -> assertEquals("ClusterIP", type, o + ": only ClusterIP Services (no NodePort/LoadBalancer)"));
            }
            if (WORKLOAD_KINDS.contains(o.kind()) && !workloadId(o).equals(HOST_NETWORK_EXCEPTION)) {
                checks.add(() -> assertFalse(o.podSpec().path("hostNetwork").asBoolean(false), o + " uses hostNetwork"));
            }
            if (o.kind().equals("Ingress")) {
                checks.add(() -> fail(o + ": no Ingress, Prometheus is reached through the API server proxy"));
            }
        }
        containers().forEach(c -> c.container().path("ports").forEach(port ->
                checks.add(() -> assertTrue(port.path("hostPort").isMissingNode(), c + " opens a hostPort"))));
        assertAll(checks);
    }

    @Test
    void hostNetworkException_runsOnTheMaster_listensOnThePodAddressOnly_andHoldsNoApiToken() {
        // GIVEN the one workload allowed in the host's network
        KubeObject alertmanager = find("Deployment", "monitoring", "alertmanager");
        JsonNode spec = alertmanager.podSpec();
        JsonNode container = spec.path("containers").get(0);
        List<String> args = new ArrayList<>();
        container.path("args").forEach(a -> args.add(a.asText()));

        // THEN it is bound as narrowly as the host's network allows
        assertAll(
                () -> assertTrue(spec.path("hostNetwork").asBoolean(), "the exception is still needed"),
                () -> assertEquals("true", spec.path("nodeSelector").path(CONTROL_PLANE_TAINT).asText(), "on the master"),
                () -> assertEquals(1, alertmanager.body().path("spec").path("replicas").asInt(), "one replica"),
                () -> assertEquals("Recreate", alertmanager.body().path("spec").path("strategy").path("type").asText(),
                        "two pods cannot listen on one host port"),
                () -> assertTrue(args.contains("--web.listen-address=$(POD_IP):9093"), "the node's address, not 0.0.0.0: " + args),
                () -> assertTrue(args.contains("--cluster.listen-address="), "no gossip port: " + args),
                () -> assertEquals("status.podIP", container.path("env").get(0).path("valueFrom").path("fieldRef")
                        .path("fieldPath").asText()),
                () -> assertFalse(spec.path("automountServiceAccountToken").asBoolean(true), "no API token in the host's network"),
                () -> assertEquals(1, container.path("ports").size(), "the web port only"));
    }

    @Test
    void noBinding_grantsClusterAdmin_andNoRule_usesAWildcard() {
        List<Executable> checks = new ArrayList<>();
        for (KubeObject o : all) {
            if (o.kind().endsWith("RoleBinding")) {
                checks.add(() -> assertFalse(o.body().path("roleRef").path("name").asText().equals("cluster-admin"),
                        o + " binds cluster-admin"));
            }
            if (o.kind().equals("Role") || o.kind().equals("ClusterRole")) {
                o.body().path("rules").forEach(rule -> {
                    for (String field : List.of("apiGroups", "resources", "verbs", "nonResourceURLs")) {
                        checks.add(() -> assertFalse(texts(rule.path(field)).contains("*"),
                                o + " grants '*' in " + field));
                    }
                });
            }
        }
        assertFalse(checks.isEmpty(), "no RBAC objects found");
        assertAll(checks);
    }

    @Test
    void everyNamespace_usedIsBuiltInOrDeclared() {
        Set<String> declared = all.stream().filter(o -> o.kind().equals("Namespace")).map(KubeObject::name)
                .collect(Collectors.toSet());
        assertAll(all.stream().filter(o -> !o.namespace().isEmpty()).map(o -> () ->
                assertTrue(BUILT_IN_NAMESPACES.contains(o.namespace()) || declared.contains(o.namespace()),
                        o + " uses undeclared namespace " + o.namespace())));
    }

    @Test
    void prometheusService_matchesTheApiServerProxyPathTheLambdasUse() {
        // /api/v1/namespaces/monitoring/services/prometheus:9090/proxy/
        KubeObject service = find("Service", "monitoring", "prometheus");
        JsonNode port = service.body().path("spec").path("ports").get(0);
        assertEquals(9090, port.path("port").asInt());
        assertEquals("ClusterIP", service.body().path("spec").path("type").asText("ClusterIP"));
    }

    @Test
    void everyEndpointsScrapeJob_keepsAServicePortThatExists() throws IOException {
        // GIVEN the jobs of prometheus.yml that keep endpoints by "<service>;<port name>"
        JsonNode config = new YAMLMapper().readTree(
                BootstrapFiles.PROMETHEUS.resolve("prometheus.yml").toFile());
        List<Executable> checks = new ArrayList<>();
        List<JsonNode> jobs = new ArrayList<>();
        config.path("scrape_configs").forEach(jobs::add);
        config.path("alerting").path("alertmanagers").forEach(jobs::add);
        for (JsonNode job : jobs) {
            for (JsonNode relabel : job.path("relabel_configs")) {
                if (relabel.path("action").asText().equals("keep") && texts(relabel.path("source_labels")).equals(
                        Set.of("__meta_kubernetes_service_name", "__meta_kubernetes_endpoint_port_name"))) {
                    String[] servicePort = relabel.path("regex").asText().split(";");
                    // THEN the monitoring namespace has that Service with that named port
                    checks.add(() -> {
                        KubeObject service = find("Service", "monitoring", servicePort[0]);
                        assertTrue(StreamSupport.stream(service.body().path("spec").path("ports").spliterator(), false)
                                        .anyMatch(p -> p.path("name").asText().equals(servicePort[1])),
                                job.path("job_name").asText("alerting.alertmanagers") + " keeps port '" + servicePort[1] + "' that " + service + " lacks");
                    });
                }
            }
        }
        assertEquals(3, checks.size(), "node-exporter and kube-state-metrics jobs, the alertmanagers");
        assertAll(checks);
    }

    @Test
    void monitoringStack_runsOnTheMaster_whoseTaintItTolerates() {
        // The master user data taints the master; the monitoring Deployments must tolerate that
        // exact key, or they land on workers that scale-down drains.
        String master = BootstrapFiles.read(BootstrapFiles.USERDATA.resolve("master.sh.tpl"));
        assertTrue(master.contains("\"" + CONTROL_PLANE_TAINT + "=true:NoSchedule\""), "master taint changed");
        assertAll(List.of("prometheus", "kube-state-metrics", "alertmanager").stream().map(name -> () -> {
            JsonNode spec = find("Deployment", "monitoring", name).podSpec();
            assertEquals("true", spec.path("nodeSelector").path(CONTROL_PLANE_TAINT).asText(), name + " nodeSelector");
            assertTrue(StreamSupport.stream(spec.path("tolerations").spliterator(), false)
                    .anyMatch(t -> t.path("key").asText().equals(CONTROL_PLANE_TAINT)), name + " toleration");
        }));
    }

    @Test
    void noServiceAccount_hasALongLivedTokenSecret() {
        // The master issues expiring tokens through the TokenRequest API instead.
        assertEquals(List.of(), deployed.stream().filter(o -> o.kind().equals("Secret")
                && o.body().path("type").asText().equals("kubernetes.io/service-account-token")).toList());
    }

    @Test
    void autoscalerServiceAccount_hasExactlyTheDocumentedPermissions_whenItsRbacFileExists() {
        // GIVEN the ServiceAccount the master issues the autoscaler's token for
        String master = BootstrapFiles.read(BootstrapFiles.USERDATA.resolve("master.sh.tpl"));
        String namespace = shellConstant(master, "AUTOSCALER_NAMESPACE");
        String account = shellConstant(master, "AUTOSCALER_SERVICE_ACCOUNT");

        // WHEN its grants are collected over every manifest the master applies
        Set<Grant> grants = AutoscalerRbac.grantsOf(deployed, namespace, account);

        // THEN they are exactly the documented set once autoscaler-rbac.yaml exists, and nothing
        // else grants that account anything before it does
        if (Files.exists(BootstrapFiles.AUTOSCALER_RBAC)) {
            assertEquals(new TreeSet<>(AutoscalerRbac.DOCUMENTED), grants);
            assertTrue(deployed.stream().anyMatch(o -> o.kind().equals("ServiceAccount")
                            && o.name().equals(account) && o.namespace().equals(namespace)),
                    "autoscaler-rbac.yaml must define ServiceAccount " + namespace + "/" + account);
        } else {
            assertEquals(Set.of(), grants, "grants to the autoscaler outside autoscaler-rbac.yaml");
        }
    }

    private static String workloadId(KubeObject o) {
        return o.kind() + " " + o.namespace() + "/" + o.name();
    }

    private static String shellConstant(String script, String name) {
        Matcher value = Pattern.compile("(?m)^readonly " + name + "=(\\S+)$").matcher(script);
        assertTrue(value.find(), "master.sh.tpl has no readonly " + name);
        return value.group(1);
    }

    private KubeObject find(String kind, String namespace, String name) {
        return all.stream().filter(o -> o.kind().equals(kind) && o.namespace().equals(namespace) && o.name().equals(name))
                .findFirst().orElseGet(() -> fail(kind + " " + namespace + "/" + name + " is not in the manifests"));
    }

    private record Container(KubeObject owner, JsonNode container) {
        @Override
        public String toString() {
            return owner + " container " + container.path("name").asText();
        }
    }

    private Stream<Container> containers() {
        return all.stream().filter(o -> WORKLOAD_KINDS.contains(o.kind()))
                .flatMap(o -> o.containers().map(c -> new Container(o, c)));
    }

    private static Set<String> texts(JsonNode array) {
        Set<String> values = new TreeSet<>();
        array.forEach(v -> values.add(v.asText()));
        return values;
    }
}
