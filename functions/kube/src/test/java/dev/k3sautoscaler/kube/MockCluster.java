package dev.k3sautoscaler.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.k3sautoscaler.clusterauth.ClusterCredentials;
import dev.k3sautoscaler.core.scaledown.EvictionRules;
import dev.k3sautoscaler.core.scaledown.NodeLabels;
import dev.k3sautoscaler.core.scaledown.ProviderId;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A K3s API for one test: the fabric8 mock server in mixed mode (CRUD state, plus expectations
 * for the answers CRUD cannot give: eviction 201/429, 5xx, 401). The code under test talks to it
 * through the production client factory with a bearer token; the test seeds state through a
 * separate admin client. After each test every request the code sent is checked against the
 * RBAC manifest, so a new verb fails the suite until the manifest grants it.
 *
 * <p>Traps of CRUD mode (it stores objects and runs no API-server logic): it answers evictions with 409, enforces no PDB and ignores
 * field selectors; tests add eviction expectations and the code filters pods by node itself.
 */
final class MockCluster implements BeforeEachCallback, AfterEachCallback {
    static final String TOKEN = "sa-token-7c1f0e9b-do-not-leak";
    static final String ZONE = "eu-west-1a";
    static final Duration JOIN_TIMEOUT = Duration.ofMinutes(10);
    static final KubeTimeouts TIMEOUTS = KubeTimeouts.defaults();

    private KubernetesMockServer server;
    private KubernetesClient admin;
    /** Instances of the workers seeded here: EC2 would report them as this cluster's managed workers. */
    private final java.util.Set<String> seededWorkers = new java.util.LinkedHashSet<>();
    private KubernetesClient autoscalerClient;
    private final List<RecordedRequest> autoscalerRequests = new ArrayList<>();
    private final List<KubernetesClient> extraClients = new ArrayList<>();
    final TestClock clock = new TestClock();

    @Override
    public void beforeEach(ExtensionContext context) {
        Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
        server = new KubernetesMockServer(new Context(), new MockWebServer(), responses,
                new KubernetesMixedDispatcher(responses), false);
        server.init();
        admin = server.createClient();
        autoscalerClient = KubeClientFactory.create(ClusterCredentials.of(apiUrl(), null, () -> TOKEN));
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        try {
            RbacManifest.load().assertGrantsAll(autoscalerRequests().stream().map(RbacManifest.Sent::of).toList());
        } finally {
            autoscalerClient.close();
            extraClients.forEach(KubernetesClient::close);
            admin.close();
            server.destroy();
        }
    }

    URI apiUrl() {
        return URI.create(server.url("/"));
    }

    KubernetesMockServer server() {
        return server;
    }

    /** Seeds and inspects state without being counted as the autoscaler's own requests. */
    KubernetesClient admin() {
        return admin;
    }

    KubernetesClient autoscalerClient() {
        return autoscalerClient;
    }

    NodeOperations operations() {
        return operations(EvictionRules.defaults());
    }

    NodeOperations operations(EvictionRules rules) {
        return new NodeOperations(autoscalerClient, rules, clock, TIMEOUTS);
    }

    /** Steps over a client built now (e.g. after a test raised the log level), closed after the test. */
    KubeSteps stepsWithNewClient() {
        KubernetesClient client = KubeClientFactory.create(ClusterCredentials.of(apiUrl(), null, () -> TOKEN));
        extraClients.add(client);
        return new KubeSteps(new KubeSettings("test-cluster", true, TIMEOUTS),
                new NodeOperations(client, EvictionRules.defaults(), clock, TIMEOUTS));
    }

    KubeSteps steps() {
        return new KubeSteps(new KubeSettings("test-cluster", true, TIMEOUTS), operations());
    }

    /** Every request the code under test sent so far (recognised by its bearer token), in order. */
    List<RecordedRequest> autoscalerRequests() throws InterruptedException {
        RecordedRequest request;
        while ((request = server.takeRequest(0, TimeUnit.MILLISECONDS)) != null) {
            String authorization = request.getHeader("Authorization");
            if (authorization != null && authorization.equals("Bearer " + TOKEN)) {
                autoscalerRequests.add(request);
            }
        }
        return List.copyOf(autoscalerRequests);
    }

    /** SelectScaleDownTarget's input when EC2 reports every seeded worker as ours (and nothing is blocked). */
    SelectScaleDownTargetInput everyWorkerOurs(String onlyNode) {
        return new SelectScaleDownTargetInput("test", onlyNode, null,
                dev.k3sautoscaler.core.model.FleetView.observed(List.copyOf(seededWorkers), List.of()), null);
    }

    // ---- seeding ----

    Node worker(String name, String instanceId, boolean ready) {
        return createNode(nodeBuilder(name, instanceId, ready)
                .editMetadata().addToLabels(NodeLabels.MANAGED, "true").endMetadata().build());
    }

    Node master(String name, String instanceId) {
        return createNode(nodeBuilder(name, instanceId, true).editMetadata()
                .addToLabels(NodeLabels.ROLE_CONTROL_PLANE, "true").addToLabels(NodeLabels.ROLE_MASTER, "true")
                .endMetadata().build());
    }

    NodeBuilder nodeBuilder(String name, String instanceId, boolean ready) {
        return new NodeBuilder()
                .withNewMetadata().withName(name).withCreationTimestamp("2026-11-01T00:00:00Z").endMetadata()
                .withNewSpec().withProviderID(instanceId == null ? null : ProviderId.of(ZONE, instanceId)).endSpec()
                .withNewStatus()
                .addNewCondition().withType("Ready").withStatus(ready ? "True" : "False")
                .withReason(ready ? "KubeletReady" : "KubeletNotReady")
                .withMessage(ready ? "kubelet is posting ready status" : "container runtime network not ready")
                .endCondition()
                .addToAllocatable("cpu", new Quantity("1930m"))
                .addToAllocatable("memory", new Quantity("1400Mi"))
                .endStatus();
    }

    Node createNode(Node node) {
        String instanceId = ProviderId.instanceId(node.getSpec().getProviderID());
        boolean managed = node.getMetadata().getLabels() != null
                && "true".equals(node.getMetadata().getLabels().get(NodeLabels.MANAGED));
        if (managed && instanceId != null) {
            seededWorkers.add(instanceId);
        }
        return admin.nodes().resource(node).create();
    }

    Pod pod(String namespace, String name, String node, String ownerKind) {
        return createPod(podBuilder(namespace, name, node, ownerKind).build());
    }

    PodBuilder podBuilder(String namespace, String name, String node, String ownerKind) {
        PodBuilder builder = new PodBuilder()
                .withNewMetadata().withNamespace(namespace).withName(name).endMetadata()
                .withNewSpec().withNodeName(node)
                .addNewContainer().withName("app").withImage("app:1")
                .withNewResources().addToRequests("cpu", new Quantity("100m"))
                .addToRequests("memory", new Quantity("64Mi")).endResources().endContainer()
                .endSpec()
                .withNewStatus().withPhase("Running").endStatus();
        if (ownerKind != null) {
            builder.editMetadata().addNewOwnerReference().withApiVersion("apps/v1").withKind(ownerKind)
                    .withName(name + "-owner").withUid("owner-" + name).withController(true).endOwnerReference()
                    .endMetadata();
        }
        return builder;
    }

    Pod createPod(Pod pod) {
        return admin.pods().inNamespace(pod.getMetadata().getNamespace()).resource(pod).create();
    }

    Node node(String name) {
        return admin.nodes().withName(name).get();
    }

    /** What the kubelet does after an accepted eviction: the pod goes away. */
    void podTerminated(String namespace, String name) {
        assertEquals(1, admin.pods().inNamespace(namespace).withName(name).delete().size(),
                "pod " + namespace + "/" + name + " should have existed");
    }

    /** The eviction endpoint answers with {@code status} for one request. */
    void evictionAnswers(String namespace, String name, int status, int times) {
        server.expect().post().withPath("/api/v1/namespaces/" + namespace + "/pods/" + name + "/eviction")
                .andReturn(status, status >= 400
                        ? "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"code\":" + status
                        + ",\"message\":\"Cannot evict pod as it would violate the pod's disruption budget.\"}"
                        : "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Success\",\"code\":201}")
                .times(times);
    }
}
