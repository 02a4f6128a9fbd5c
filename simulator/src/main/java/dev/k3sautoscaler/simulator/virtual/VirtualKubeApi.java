package dev.k3sautoscaler.simulator.virtual;

import dev.k3sautoscaler.simulator.cluster.EvictionResult;
import dev.k3sautoscaler.simulator.cluster.NodeState;
import dev.k3sautoscaler.simulator.cluster.PodPhase;
import dev.k3sautoscaler.simulator.cluster.PodState;
import dev.k3sautoscaler.simulator.cluster.SimulatedCluster;
import dev.k3sautoscaler.simulator.scenario.Scenario.OutageKind;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The K3s API of the virtual cloud: fabric8's mock API server (HTTP, CRUD) holding the Nodes and
 * Pods of the simulated cluster, so the kube handlers run unmodified over their real client.
 *
 * <p>The cluster is the truth for what kubelets, the scheduler and controllers write (Nodes
 * registering and their Ready condition, pods, their binding and termination): {@link #push}
 * mirrors it into the server before each step. The server is the truth for what the autoscaler
 * writes (cordon and taint, Node deletion): {@link #pull} carries those back after each step.
 * Evictions go straight to the cluster, which enforces PodDisruptionBudgets.
 */
public final class VirtualKubeApi implements AutoCloseable {
    /** What the cluster's own components (kubelets, scheduler, controllers) write with: not a secret of the run. */
    private static final String WORLD_TOKEN = "simulated-cluster-components";
    private final SimulatedCluster cluster;
    private final Instant start;
    private final KubernetesMockServer server;
    private final KubernetesClient world;
    private final Map<String, Boolean> nodeReady = new LinkedHashMap<>();
    private final Map<String, String> podSignature = new HashMap<>();
    /** The uid the server gave each pod's current incarnation (the CRUD server assigns its own). */
    private final Map<String, String> serverUid = new HashMap<>();
    private int evictionRequests;

    /**
     * @param start           the instant the cluster's time zero stands for
     * @param autoscalerToken the bearer token the handlers' client must send: anything else is answered 401
     */
    public VirtualKubeApi(SimulatedCluster cluster, Instant start, String autoscalerToken) {
        this.cluster = cluster;
        this.start = start;
        QuietLogs.quiet("io.fabric8.mockwebserver");
        ClusterDispatcher dispatcher = new ClusterDispatcher(autoscalerToken, WORLD_TOKEN, this::outage, this::evict);
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), dispatcher, false);
        server.init();
        world = server.createClient(builder -> builder.editOrNewConfig().withOauthToken(WORLD_TOKEN).endConfig());
        push();
    }

    public URI url() {
        return URI.create(server.url("/"));
    }

    /** Eviction requests answered so far (accepted or not). */
    public synchronized int evictionRequests() {
        return evictionRequests;
    }

    /** Mirrors the cluster's current Nodes and Pods into the server. */
    public void push() {
        synchronized (cluster) {
            Instant now = start.plus(cluster.now());
            Map<String, NodeState> nodes = cluster.nodes().stream()
                    .collect(Collectors.toMap(NodeState::name, Function.identity(), (a, b) -> a, LinkedHashMap::new));
            for (NodeState node : nodes.values()) {
                Boolean mirrored = nodeReady.get(node.name());
                if (mirrored == null) {
                    Node registered = KubeObjects.node(node, now);
                    world.nodes().resource(registered).create();
                    // The CRUD server stamps creation with its own wall clock; the scale-down target's
                    // "oldest first" tie-break must see virtual time, or runs stop being reproducible:
                    // a replace carrying the virtual time keeps it (ClusterDispatcher.preserveMetadata).
                    world.nodes().resource(registered).update();
                } else if (mirrored != node.ready()) {
                    Node current = world.nodes().withName(node.name()).get();
                    current.getStatus().setConditions(List.of(KubeObjects.readyCondition(node.ready(), now)));
                    world.nodes().resource(current).updateStatus();
                }
                nodeReady.put(node.name(), node.ready());
            }
            nodeReady.keySet().removeIf(name -> {
                if (nodes.containsKey(name)) {
                    return false;
                }
                world.nodes().withName(name).delete();
                return true;
            });
            Map<String, PodState> pods = cluster.pods().stream()
                    .collect(Collectors.toMap(PodState::qualifiedName, Function.identity()));
            for (PodState pod : pods.values()) {
                String signature = signature(pod, cluster.now());
                String previous = podSignature.get(pod.qualifiedName());
                if (!signature.equals(previous)) {
                    var resource = world.pods().inNamespace(pod.namespace()).resource(KubeObjects.pod(pod, start, now));
                    boolean newIncarnation = previous == null || !incarnation(previous).equals(KubeObjects.uid(pod));
                    if (previous != null && newIncarnation) {
                        resource.delete(); // a StatefulSet pod recreated under its old name is a new object
                    }
                    Pod served = resource.createOr(NonDeletingOperation::update);
                    if (newIncarnation) {
                        served = resource.update(); // virtual creation time, as for nodes
                    }
                    serverUid.put(pod.qualifiedName(), served.getMetadata().getUid());
                    podSignature.put(pod.qualifiedName(), signature);
                }
            }
            podSignature.keySet().removeIf(key -> {
                if (pods.containsKey(key)) {
                    return false;
                }
                String[] qualified = key.split("/", 2);
                var gone = world.pods().inNamespace(qualified[0]).withName(qualified[1]);
                if (podSignature.get(key).contains("|" + PodPhase.TERMINATING + "|")) {
                    gone.edit(pod -> { // the kubelet confirms: the finalizer goes and the server drops the pod
                        pod.getMetadata().setFinalizers(List.of());
                        return pod;
                    });
                }
                gone.delete();
                serverUid.remove(key);
                return true;
            });
        }
    }

    /** Carries the autoscaler's writes back: cordons (unschedulable or a NoSchedule taint) and deleted Nodes. */
    public void pull() {
        synchronized (cluster) {
            Map<String, Node> inServer = world.nodes().list().getItems().stream()
                    .collect(Collectors.toMap(node -> node.getMetadata().getName(), Function.identity()));
            Map<String, NodeState> inCluster = cluster.nodes().stream()
                    .collect(Collectors.toMap(NodeState::name, Function.identity()));
            for (String name : List.copyOf(nodeReady.keySet())) {
                Node node = inServer.get(name);
                NodeState state = inCluster.get(name);
                if (state == null) {
                    continue;
                }
                if (node == null) {
                    cluster.deleteNode(name);
                    nodeReady.remove(name);
                } else if (cordoned(node, state) != state.cordoned()) {
                    cluster.setCordoned(name, cordoned(node, state));
                }
            }
        }
    }

    /** Whether the scheduler would skip this node: unschedulable, or a NoSchedule taint the master does not always carry. */
    private static boolean cordoned(Node node, NodeState state) {
        if (node.getSpec() == null) {
            return false;
        }
        List<Taint> taints = Objects.requireNonNullElse(node.getSpec().getTaints(), List.of());
        boolean tainted = !state.master() && taints.stream().anyMatch(taint -> "NoSchedule".equals(taint.getEffect()));
        return Boolean.TRUE.equals(node.getSpec().getUnschedulable()) || tainted;
    }

    private static String incarnation(String signature) {
        return signature.substring(0, signature.indexOf('|'));
    }

    /** What changes a pod's object: its incarnation, binding, phase and readiness. */
    private static String signature(PodState pod, Duration now) {
        boolean ready = pod.readyAt() != null && pod.readyAt().compareTo(now) <= 0;
        return KubeObjects.uid(pod) + "|" + pod.nodeName() + "|" + pod.phase() + "|" + ready + "|"
                + (pod.unschedulableSince() != null);
    }

    private boolean outage() {
        synchronized (cluster) {
            return cluster.outageActive(OutageKind.KUBE_API);
        }
    }

    private ClusterDispatcher.Answer evict(String namespace, String name, String uid) {
        synchronized (this) {
            evictionRequests++;
        }
        synchronized (cluster) {
            PodState pod = cluster.pods().stream()
                    .filter(candidate -> candidate.namespace().equals(namespace) && candidate.name().equals(name))
                    .findFirst().orElse(null);
            if (pod == null) {
                return ClusterDispatcher.Answer.NOT_FOUND;
            }
            if (uid != null && !uid.equals(serverUid.get(pod.qualifiedName()))) {
                return ClusterDispatcher.Answer.UID_MISMATCH;
            }
            EvictionResult result = cluster.evict(namespace, name);
            return switch (result) {
                case EVICTED -> ClusterDispatcher.Answer.EVICTED;
                case BLOCKED_BY_PDB -> ClusterDispatcher.Answer.BLOCKED_BY_PDB;
                case NOT_FOUND -> ClusterDispatcher.Answer.NOT_FOUND;
            };
        }
    }

    @Override
    public void close() {
        world.close();
        server.destroy();
    }
}
