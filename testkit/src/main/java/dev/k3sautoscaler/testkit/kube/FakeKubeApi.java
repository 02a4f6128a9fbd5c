package dev.k3sautoscaler.testkit.kube;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;
import java.util.function.BooleanSupplier;

/**
 * The one virtual K3s API of the kube suites, the e2e rig and the simulator: fabric8's mock API
 * server in CRUD mode (what is written is served back), with the parts of a real API server the
 * steps depend on ({@link KubeApiDispatcher}): the policy/v1 Eviction subresource with
 * PodDisruptionBudgets, pod field selectors and paged lists, optional bearer-token authentication
 * and an outage switch. A test may still script answers CRUD cannot give (a 5xx, a 409 from a
 * conflicting writer) through {@link #server()}.
 *
 * <p>The world (kubelets, controllers, a test seeding its case) writes through {@link #world()};
 * the code under test builds its own client from {@link #url()}.
 */
public final class FakeKubeApi implements AutoCloseable {
    /** What the cluster's own components write with: not a secret of any run. */
    public static final String WORLD_TOKEN = "simulated-cluster-components";

    private final KubernetesMockServer server;
    private final KubeApiDispatcher dispatcher;
    private final KubernetesClient world;
    private final StoreRequests storeRequests;

    private FakeKubeApi(String autoscalerToken, BooleanSupplier outage, Evictions evictions, Clock clock) {
        Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
        dispatcher = new KubeApiDispatcher(responses, autoscalerToken, WORLD_TOKEN, outage);
        dispatcher.evictions(evictions != null ? evictions : new ServerEvictions(dispatcher, clock));
        server = new KubernetesMockServer(new Context(), new MockWebServer(), responses, dispatcher, false,
                KubectlDiscovery.VERSION);
        server.init();
        world = server.createClient(client -> client.editOrNewConfig().withOauthToken(WORLD_TOKEN).endConfig());
        storeRequests = new StoreRequests(dispatcher);
    }

    /**
     * An API that serves any client (no authentication), its evictions decided by the budgets it
     * holds; an evicted pod's deletionTimestamp comes from {@code clock}.
     */
    public static FakeKubeApi start(Clock clock) {
        return new FakeKubeApi(null, () -> false, null, clock);
    }

    public static FakeKubeApi start() {
        return start(Clock.systemUTC());
    }

    /**
     * An API that serves only {@code autoscalerToken} and {@link #WORLD_TOKEN} (401 otherwise),
     * answers the autoscaler 503 while {@code outage} holds, and leaves evictions to a world model
     * that owns the pods.
     */
    public static FakeKubeApi guarded(String autoscalerToken, BooleanSupplier outage, Evictions evictions) {
        return new FakeKubeApi(autoscalerToken, outage, evictions, Clock.systemUTC());
    }

    public URI url() {
        return URI.create(server.url("/"));
    }

    /** For scripted answers ({@code expect()}) and the log of every request received ({@code takeRequest}). */
    public KubernetesMockServer server() {
        return server;
    }

    /** A client as a step builds one: this bearer token (null: none), no retries of its own. */
    public KubernetesClient client(String token) {
        Config config = new ConfigBuilder().withMasterUrl(url().toString()).withOauthToken(token)
                .withRequestRetryBackoffLimit(0).build();
        return new KubernetesClientBuilder().withConfig(config).build();
    }

    /** The cluster's own components' client: seeds and inspects without counting as the autoscaler. */
    public KubernetesClient world() {
        return world;
    }

    /** The world's requests, served by the store without HTTP: for a simulated cluster's thousands. */
    public StoreRequests storeRequests() {
        return storeRequests;
    }

    /** Eviction requests that reached the subresource (not the scripted ones), accepted or not. */
    public int evictionRequests() {
        return dispatcher.evictionRequests();
    }

    /** Bytes of the response bodies served so far, to any client: what the steps read, measured at the server. */
    public long bytesServed() {
        return dispatcher.bytesServed();
    }

    /**
     * Writes to Nodes (create, update, patch, delete) by any client but the world's, counted once past
     * authentication and any outage: whether a step may have changed a Node.
     */
    public long nodeWrites() {
        return dispatcher.nodeWrites();
    }

    /**
     * The next {@code times} list requests that continue a listing answer 410 Expired, as
     * kube-apiserver does once etcd compacted the revision the listing's first page was read at.
     */
    public void continueExpires(int times) {
        dispatcher.expireNextContinues(times);
    }

    /**
     * The eviction of this pod answers {@code status} the next {@code times} times, whatever its
     * budgets say: a 429 a test needs at one pass and not the next, a 5xx, a 404 the pod outlives.
     */
    public void evictionAnswers(String namespace, String name, int status, int times) {
        server.expect().post().withPath(KubeApiDispatcher.podPath(namespace, name) + "/eviction")
                .andReturn(status, KubeApiDispatcher.evictionStatus(status, name).getBody().readUtf8()).times(times);
    }

    /** A kubelet registers its Node; a creationTimestamp it names is kept (the CRUD server would stamp its own clock). */
    public Node register(Node node) {
        Node created = world.nodes().resource(node).create();
        return node.getMetadata().getCreationTimestamp() == null ? created : world.nodes().resource(node).update();
    }

    /** The Ready condition as the kubelet (or, once it is silent, the node controller) reports it. */
    public Node readiness(String nodeName, KubeObjects.Readiness readiness, Instant since) {
        Node node = world.nodes().withName(nodeName).get();
        return world.nodes().resource(KubeObjects.withReadiness(node, readiness, since)).updateStatus();
    }

    /** A controller creates its pod; a creationTimestamp it names is kept, as for Nodes. */
    public Pod create(Pod pod) {
        storeRequests.create(pod);
        return world.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName()).get();
    }

    /**
     * The kubelet confirms the pod stopped: its hold on a terminating pod goes and the object with
     * it. False when there was no such pod.
     */
    public boolean podGone(String namespace, String name) {
        return storeRequests.delete(Pod.class, namespace, name);
    }

    @Override
    public void close() {
        world.close();
        server.destroy();
    }
}
