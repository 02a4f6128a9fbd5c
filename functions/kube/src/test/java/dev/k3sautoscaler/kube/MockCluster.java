package dev.k3sautoscaler.kube;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k3sautoscaler.clusterauth.ClusterCredentials;
import dev.k3sautoscaler.core.scaledown.EvictionRules;
import dev.k3sautoscaler.core.scaledown.NodeLabels;
import dev.k3sautoscaler.core.scaledown.ProviderId;
import dev.k3sautoscaler.testkit.TestWorld;
import dev.k3sautoscaler.testkit.kube.FakeKubeApi;
import dev.k3sautoscaler.testkit.kube.Kubectl;
import dev.k3sautoscaler.testkit.kube.KubeObjects;
import dev.k3sautoscaler.testkit.kube.KubeObjects.Readiness;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The testkit's virtual K3s API for one test, and what this module's tests add to it: the code
 * under test talks to it through the production client factory with a bearer token, the test
 * seeds state through the world's client, and after each test every request the code sent is
 * checked against the RBAC manifest, so a new verb fails the suite until the manifest grants it.
 *
 * <p>The server decides evictions by the PodDisruptionBudgets it holds; a test scripts the answers
 * a budget cannot give (a 429 at one pass only, a 5xx, a 404 the pod outlives) with
 * {@link #evictionAnswers}. It answers pod field selectors and pages lists as kube-apiserver does.
 */
final class MockCluster implements BeforeEachCallback, AfterEachCallback {
    static final String TOKEN = "sa-token-7c1f0e9b-do-not-leak";
    static final Duration JOIN_TIMEOUT = Duration.ofMinutes(10);
    static final KubeTimeouts TIMEOUTS = KubeTimeouts.defaults();
    private static final Pattern POD_LIST = Pattern.compile("^/api/v1/(namespaces/[^/]+/)?pods(\\?.*)?$");

    private FakeKubeApi api;
    /** Instances of the workers seeded here: EC2 would report them as this cluster's managed workers. */
    private final java.util.Set<String> seededWorkers = new java.util.LinkedHashSet<>();
    private KubernetesClient autoscalerClient;
    private final List<RecordedRequest> autoscalerRequests = new ArrayList<>();
    private final List<KubernetesClient> extraClients = new ArrayList<>();
    private final List<Kubectl> kubectls = new ArrayList<>();
    final TestClock clock = new TestClock();

    @Override
    public void beforeEach(ExtensionContext context) {
        api = FakeKubeApi.start(clock);
        autoscalerClient = KubeClientFactory.create(ClusterCredentials.of(apiUrl(), null, () -> TOKEN));
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        try {
            RbacManifest.load().assertGrantsAll(autoscalerRequests().stream().map(RbacManifest.Sent::of).toList());
        } finally {
            autoscalerClient.close();
            extraClients.forEach(KubernetesClient::close);
            kubectls.forEach(Kubectl::close);
            api.close();
        }
    }

    URI apiUrl() {
        return api.url();
    }

    KubernetesMockServer server() {
        return api.server();
    }

    /** Seeds and inspects state without being counted as the autoscaler's own requests. */
    KubernetesClient admin() {
        return api.world();
    }

    KubernetesClient autoscalerClient() {
        return autoscalerClient;
    }

    /** A real kubectl reading this API as an operator would (its requests are not the autoscaler's). */
    Kubectl kubectl() {
        Kubectl kubectl = Kubectl.against(api, null);
        kubectls.add(kubectl);
        return kubectl;
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
        while ((request = api.server().takeRequest(0, TimeUnit.MILLISECONDS)) != null) {
            String authorization = request.getHeader("Authorization");
            if (authorization != null && authorization.equals("Bearer " + TOKEN)) {
                autoscalerRequests.add(request);
            }
        }
        return List.copyOf(autoscalerRequests);
    }

    /** The query of each pod list the code under test sent so far, decoded ("" for none), in order. */
    List<String> podListQueries() throws InterruptedException {
        return autoscalerRequests().stream().filter(r -> "GET".equals(r.getMethod()))
                .map(RecordedRequest::getPath).filter(path -> POD_LIST.matcher(path).matches())
                .map(path -> path.contains("?") ? URLDecoder.decode(path.substring(path.indexOf('?') + 1), StandardCharsets.UTF_8) : "")
                .toList();
    }

    /** The next {@code times} continued listings answer 410 Expired, as after an etcd compaction. */
    void continueExpires(int times) {
        api.continueExpires(times);
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

    /** Not ready: a kubelet that joined but whose network is not up yet. */
    NodeBuilder nodeBuilder(String name, String instanceId, boolean ready) {
        return KubeObjects.node(name, instanceId == null ? null : ProviderId.of(TestWorld.AZ_A, instanceId),
                ready ? Readiness.READY : Readiness.NOT_READY, null);
    }

    /** Created as the API server creates it, stamped with its own clock (a creation time the test names is not kept). */
    Node createNode(Node node) {
        String instanceId = ProviderId.instanceId(node.getSpec().getProviderID());
        boolean managed = node.getMetadata().getLabels() != null
                && "true".equals(node.getMetadata().getLabels().get(NodeLabels.MANAGED));
        if (managed && instanceId != null) {
            seededWorkers.add(instanceId);
        }
        return api.world().nodes().resource(node).create();
    }

    Pod pod(String namespace, String name, String node, String ownerKind) {
        return createPod(podBuilder(namespace, name, node, ownerKind).build());
    }

    PodBuilder podBuilder(String namespace, String name, String node, String ownerKind) {
        PodBuilder builder = KubeObjects.pod(namespace, name, node, "app:1", 100, new Quantity("64Mi"));
        return ownerKind == null ? builder : KubeObjects.ownedBy(builder, ownerKind, name + "-owner", "owner-" + name);
    }

    Pod createPod(Pod pod) {
        return api.create(pod);
    }

    Node node(String name) {
        return api.world().nodes().withName(name).get();
    }

    /** What the kubelet does after an accepted eviction: the pod goes away. */
    void podTerminated(String namespace, String name) {
        assertTrue(api.podGone(namespace, name), "pod " + namespace + "/" + name + " should have existed");
    }

    /** The eviction endpoint answers with {@code status} for the next {@code times} requests. */
    void evictionAnswers(String namespace, String name, int status, int times) {
        api.evictionAnswers(namespace, name, status, times);
    }
}
