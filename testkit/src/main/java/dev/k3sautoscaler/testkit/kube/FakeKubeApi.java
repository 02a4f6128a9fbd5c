package dev.k3sautoscaler.testkit.kube;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.function.BooleanSupplier;

/**
 * The one virtual K3s API of the kube suites, the e2e rig and the simulator: fabric8's mock API
 * server in CRUD mode (what is written is served back), with the parts of a real API server the
 * steps depend on ({@link KubeApiDispatcher}): the policy/v1 Eviction subresource with
 * PodDisruptionBudgets, optional bearer-token authentication and an outage switch. A test may still
 * script answers CRUD cannot give (a 5xx, a 409 from a conflicting writer) through {@link #server()}.
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

    private FakeKubeApi(Builder builder) {
        Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
        dispatcher = new KubeApiDispatcher(responses, builder.autoscalerToken, WORLD_TOKEN, builder.outage);
        dispatcher.evictions(builder.evictions != null ? builder.evictions : new ServerEvictions(dispatcher, builder.clock));
        server = new KubernetesMockServer(new Context(), new MockWebServer(), responses, dispatcher, false);
        server.init();
        world = server.createClient(client -> client.editOrNewConfig().withOauthToken(WORLD_TOKEN).endConfig());
    }

    /** An API that serves any client (no authentication), its evictions decided by the budgets it holds. */
    public static FakeKubeApi start() {
        return builder().start();
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private String autoscalerToken;
        private BooleanSupplier outage = () -> false;
        private Evictions evictions;
        private Clock clock = Clock.systemUTC();

        private Builder() {
        }

        /** Only this bearer token (and {@link #WORLD_TOKEN}) is served; anything else is answered 401. */
        public Builder requireToken(String autoscalerToken) {
            this.autoscalerToken = autoscalerToken;
            return this;
        }

        /** While true, the autoscaler's requests are answered 503; the world's go on. */
        public Builder outage(BooleanSupplier outage) {
            this.outage = outage;
            return this;
        }

        /** Who decides evictions instead of the budgets among the served objects. */
        public Builder evictions(Evictions evictions) {
            this.evictions = evictions;
            return this;
        }

        /** Where an evicted pod's deletionTimestamp comes from. */
        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        public FakeKubeApi start() {
            return new FakeKubeApi(this);
        }
    }

    public URI url() {
        return URI.create(server.url("/"));
    }

    /** For scripted answers ({@code expect()}) and the log of every request received ({@code takeRequest}). */
    public KubernetesMockServer server() {
        return server;
    }

    /** The cluster's own components' client: seeds and inspects without counting as the autoscaler. */
    public KubernetesClient world() {
        return world;
    }

    /** Eviction requests that reached the subresource (not the scripted ones), accepted or not. */
    public int evictionRequests() {
        return dispatcher.evictionRequests();
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
        node.getStatus().setConditions(List.of(KubeObjects.readyCondition(readiness, since)));
        return world.nodes().resource(node).updateStatus();
    }

    /** A controller creates its pod; a creationTimestamp it names is kept, as for Nodes. */
    public Pod create(Pod pod) {
        var resource = world.pods().inNamespace(pod.getMetadata().getNamespace()).resource(pod);
        Pod created = resource.create();
        return pod.getMetadata().getCreationTimestamp() == null ? created : resource.update();
    }

    /**
     * The kubelet confirms the pod stopped: its hold on a terminating pod goes and the object with
     * it. False when there was no such pod.
     */
    public boolean podGone(String namespace, String name) {
        var pod = world.pods().inNamespace(namespace).withName(name);
        Pod current = pod.get();
        if (current == null) {
            return false;
        }
        if (current.getMetadata().getFinalizers() != null && !current.getMetadata().getFinalizers().isEmpty()) {
            pod.edit(terminating -> {
                terminating.getMetadata().setFinalizers(List.of());
                return terminating;
            });
        }
        pod.delete();
        return true;
    }

    @Override
    public void close() {
        world.close();
        server.destroy();
    }
}
