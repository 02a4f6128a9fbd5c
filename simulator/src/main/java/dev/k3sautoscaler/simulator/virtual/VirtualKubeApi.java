package dev.k3sautoscaler.simulator.virtual;

import dev.k3sautoscaler.core.scaledown.NodeLabels;
import dev.k3sautoscaler.kube.ClusterReporter;
import dev.k3sautoscaler.simulator.cluster.NodeState;
import dev.k3sautoscaler.simulator.cluster.PodPhase;
import dev.k3sautoscaler.simulator.cluster.PodState;
import dev.k3sautoscaler.simulator.cluster.SimulatedCluster;
import dev.k3sautoscaler.simulator.scenario.Scenario.Kind;
import dev.k3sautoscaler.simulator.scenario.Scenario.OutageKind;
import dev.k3sautoscaler.testkit.kube.EvictionAnswer;
import dev.k3sautoscaler.testkit.kube.FakeKubeApi;
import dev.k3sautoscaler.testkit.kube.KubeObjects;
import dev.k3sautoscaler.testkit.kube.KubeObjects.Readiness;
import dev.k3sautoscaler.testkit.kube.StoreRequests;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.events.v1.Event;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.client.KubernetesClient;
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
 * The K3s API of the virtual cloud: the testkit's virtual K3s API (fabric8's mock server, CRUD)
 * holding the Nodes and Pods of the simulated cluster, so the kube handlers run unmodified over
 * their real client. Only the autoscaler's token and the world's are served (401 otherwise), and
 * the scenario's {@code kube-api} outages answer the autoscaler 503.
 *
 * <p>The cluster is the truth for what kubelets, the scheduler and controllers write (Nodes
 * registering and their Ready condition, pods, their binding and termination): {@link #push}
 * mirrors it into the server before each step. The server is the truth for what the autoscaler
 * writes (cordon and taint, Node deletion): {@link #pull} carries those back after each step.
 * Evictions the server has found the pod for go straight to the cluster, which enforces
 * PodDisruptionBudgets.
 */
public final class VirtualKubeApi implements AutoCloseable {
    private static final String STATUS_NAMESPACE = ClusterReporter.NAMESPACE;
    private static final String STATUS_CONFIG_MAP = ClusterReporter.CONFIG_MAP;
    private static final String STATUS_KEY = ClusterReporter.STATUS;
    private final SimulatedCluster cluster;
    private final Instant start;
    private final FakeKubeApi api;
    /** The world's requests, served by the store without HTTP: thousands a day on a large cluster. */
    private final StoreRequests store;
    private final Map<String, Boolean> nodeReady = new LinkedHashMap<>();
    /** Each pod as last written, with the resourceVersion the server gave it. */
    private final Map<String, MirroredPod> mirroredPods = new HashMap<>();
    /** The cluster as the last push left the server (null: never pushed). */
    private SimulatedCluster.Mark pushed;
    /** The autoscaler's Node writes the last pull carried back (a count of the server's). */
    private long nodeWritesPulled;
    /** What the expired events said, for the run's visibility: the server no longer holds them. */
    private final Map<String, Integer> expiredByReason = new java.util.TreeMap<>();
    private final List<String> expiredTexts = new java.util.ArrayList<>();
    private int expiredSightings;
    private Instant nextExpiry;

    /**
     * kube-apiserver keeps an event for {@code --event-ttl} after its last write: 1 h by default, as K3s runs
     * it. The reporter must then create an event anew instead of counting it again; and a store that only grew
     * made every request of a long run slower (the CRUD server scans its whole store per request).
     */
    static final Duration EVENT_TTL = Duration.ofHours(1);
    /** How often the expiry is looked at: the API server's own sweep is not instant either. */
    private static final Duration EXPIRY_SWEEP = Duration.ofMinutes(5);

    /**
     * @param start           the instant the cluster's time zero stands for
     * @param autoscalerToken the bearer token the handlers' client must send: anything else is answered 401
     */
    public VirtualKubeApi(SimulatedCluster cluster, Instant start, String autoscalerToken) {
        this.cluster = cluster;
        this.start = start;
        QuietLogs.quiet("io.fabric8.mockwebserver");
        api = FakeKubeApi.guarded(autoscalerToken, this::outage, this::evict);
        store = api.storeRequests();
        // The status ConfigMap cluster-bootstrap's manifest creates: the autoscaler may only read and update it.
        store.create(new ConfigMapBuilder().withNewMetadata()
                .withName(STATUS_CONFIG_MAP).withNamespace(STATUS_NAMESPACE).endMetadata()
                .addToData(STATUS_KEY, "health: Unknown\n").build());
        push();
    }

    /**
     * What the autoscaler wrote for kubectl users by the end of the run: the events (by reason, and how
     * often each was seen, its series counted) and the status ConfigMap's last status.
     *
     * @param eventsByReason event objects written, by reason
     * @param sightings      what the events say happened, a series counting each repeat
     * @param texts          every note and every ConfigMap value written, for the secrets check
     */
    public record ClusterVisibility(Map<String, Integer> eventsByReason, int sightings, String status,
                                    List<String> texts) {
        public int events() {
            return eventsByReason.values().stream().mapToInt(Integer::intValue).sum();
        }
    }

    /** Every event written in the run, the expired ones included. */
    public ClusterVisibility visibility() {
        Map<String, Integer> byReason = new java.util.TreeMap<>(expiredByReason);
        List<String> texts = new java.util.ArrayList<>(expiredTexts);
        int sightings = expiredSightings;
        for (Event event : store.list(Event.class)) {
            byReason.merge(event.getReason(), 1, Integer::sum);
            texts.add(event.getNote());
            sightings += sightings(event);
        }
        var configMap = store.get(ConfigMap.class, STATUS_NAMESPACE, STATUS_CONFIG_MAP);
        String status = configMap == null || configMap.getData() == null ? null : configMap.getData().get(STATUS_KEY);
        if (configMap != null && configMap.getData() != null) {
            texts.addAll(configMap.getData().values());
        }
        return new ClusterVisibility(byReason, sightings, status, texts);
    }

    private static int sightings(Event event) {
        return event.getSeries() == null || event.getSeries().getCount() == null ? 1 : event.getSeries().getCount();
    }

    /** Deletes the events last written {@link #EVENT_TTL} ago or more, keeping what they said for {@link #visibility}. */
    private void expireEvents(Instant now) {
        if (nextExpiry != null && now.isBefore(nextExpiry)) {
            return;
        }
        nextExpiry = now.plus(EXPIRY_SWEEP);
        for (Event event : store.list(Event.class)) {
            Instant lastWrite = lastWrite(event);
            if (lastWrite == null || now.isBefore(lastWrite.plus(EVENT_TTL))) {
                continue;
            }
            expiredByReason.merge(event.getReason(), 1, Integer::sum);
            expiredTexts.add(event.getNote());
            expiredSightings += sightings(event);
            store.delete(Event.class, event.getMetadata().getNamespace(), event.getMetadata().getName());
        }
    }

    /** When the event was last written: its series' last sighting, else its own time. */
    private static Instant lastWrite(Event event) {
        String time = event.getSeries() != null && event.getSeries().getLastObservedTime() != null
                ? event.getSeries().getLastObservedTime().getTime()
                : event.getEventTime() == null ? null : event.getEventTime().getTime();
        return time == null ? null : Instant.parse(time);
    }

    public URI url() {
        return api.url();
    }

    /** A client as the handlers build one: this bearer token (null: none), no retries of its own. */
    public KubernetesClient client(String token) {
        return api.client(token);
    }

    /** Eviction requests answered so far (accepted or not). */
    public int evictionRequests() {
        return api.evictionRequests();
    }

    /**
     * Requests the server has answered so far over HTTP, plus the world's requests its store served
     * in process (the mirror's writes and reads, the events' expiry): what a run costs the API.
     */
    public long requestsServed() {
        return api.server().getRequestCount() + store.requests();
    }

    /**
     * Mirrors the cluster's current Nodes and Pods into the server, and lets its old events expire.
     * Nothing is compared when the cluster has not changed since the last push: the steps of one
     * tick run at one instant, and comparing a hundred workers' pods before each cost more than the steps.
     */
    public void push() {
        synchronized (cluster) {
            if (cluster.mark().equals(pushed)) {
                return;
            }
            Instant now = start.plus(cluster.now());
            expireEvents(now);
            Map<String, NodeState> nodes = cluster.nodes().stream()
                    .collect(Collectors.toMap(NodeState::name, Function.identity(), (a, b) -> a, LinkedHashMap::new));
            for (NodeState node : nodes.values()) {
                Boolean mirrored = nodeReady.get(node.name());
                if (mirrored == null) {
                    // Virtual creation time: the scale-down target's "oldest first" tie-break must see
                    // the run's time, or runs stop being reproducible.
                    store.create(node(node, now));
                } else if (mirrored != node.ready()) {
                    store.updateStatus(Node.class, null, node.name(),
                            served -> KubeObjects.withReadiness(served, Readiness.of(node.ready()), now));
                }
                nodeReady.put(node.name(), node.ready());
            }
            nodeReady.keySet().removeIf(name -> {
                if (nodes.containsKey(name)) {
                    return false;
                }
                store.delete(Node.class, null, name);
                return true;
            });
            Map<String, PodState> pods = cluster.pods().stream()
                    .collect(Collectors.toMap(PodState::qualifiedName, Function.identity()));
            for (PodState pod : pods.values()) {
                PodSignature signature = PodSignature.of(pod, cluster.now());
                MirroredPod mirrored = mirroredPods.get(pod.qualifiedName());
                PodSignature previous = mirrored == null ? null : mirrored.signature();
                if (!signature.equals(previous)) {
                    Pod served = pod(pod, now);
                    String version;
                    if (previous == null || !previous.uid().equals(pod.uid())) {
                        if (previous != null) {
                            store.delete(Pod.class, pod.namespace(), pod.name()); // a StatefulSet pod recreated under its old name is a new object
                        }
                        version = store.create(served);
                    } else {
                        version = update(served, mirrored.resourceVersion());
                    }
                    mirroredPods.put(pod.qualifiedName(), new MirroredPod(signature, version));
                }
            }
            mirroredPods.keySet().removeIf(key -> {
                if (pods.containsKey(key)) {
                    return false;
                }
                String[] qualified = key.split("/", 2);
                store.delete(Pod.class, qualified[0], qualified[1]);
                return true;
            });
            pushed = cluster.mark();
        }
    }

    /**
     * A pod update naming the version this mirror last wrote, so the current one need not be read
     * first; read afresh only if another writer changed it since.
     */
    private String update(Pod served, String version) {
        served.getMetadata().setResourceVersion(version);
        String written = version == null ? null : store.update(served);
        if (written == null) {
            served.getMetadata().setResourceVersion(null);
            written = store.update(served);
        }
        if (written == null) {
            throw new IllegalStateException("the virtual K3s API refused the update of pod "
                    + served.getMetadata().getNamespace() + "/" + served.getMetadata().getName());
        }
        return written;
    }

    /**
     * Carries the autoscaler's writes back: cordons (unschedulable or a NoSchedule taint) and deleted
     * Nodes. A step that wrote no Node since the last pull (most only read) costs no request.
     */
    public void pull() {
        synchronized (cluster) {
            long writes = api.nodeWrites();
            if (writes == nodeWritesPulled) {
                return;
            }
            nodeWritesPulled = writes;
            Map<String, Node> inServer = store.list(Node.class).stream()
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

    private record MirroredPod(PodSignature signature, String resourceVersion) {
    }

    /** What changes a pod's object: its incarnation, binding, phase and readiness. */
    private record PodSignature(String uid, String nodeName, PodPhase phase, boolean ready, boolean unschedulable) {
        static PodSignature of(PodState pod, Duration now) {
            boolean ready = pod.readyAt() != null && pod.readyAt().compareTo(now) <= 0;
            return new PodSignature(pod.uid(), pod.nodeName(), pod.phase(), ready, pod.unschedulableSince() != null);
        }
    }

    private boolean outage() {
        synchronized (cluster) {
            return cluster.outageActive(OutageKind.KUBE_API);
        }
    }

    private EvictionAnswer evict(String namespace, String name) {
        synchronized (cluster) {
            return cluster.evict(namespace, name);
        }
    }

    // ---- the cluster's objects as the API serves them: what kubelets, the scheduler and controllers wrote ----

    private static Node node(NodeState state, Instant registeredAt) {
        NodeBuilder builder = KubeObjects.node(state.name(), state.providerId(), Readiness.of(state.ready()), registeredAt,
                        state.allocatableCpuMillis(), state.allocatableMemoryBytes())
                .editMetadata().withLabels(state.labels()).endMetadata();
        if (state.master()) {
            // K3s servers started with --node-taint keep workloads off the control plane.
            builder.editSpec().addNewTaint().withKey(NodeLabels.ROLE_CONTROL_PLANE).withEffect("NoSchedule").endTaint()
                    .endSpec();
        }
        return builder.build();
    }

    private Pod pod(PodState state, Instant now) {
        String ownerKind = switch (state.ownerKind()) {
            case DEPLOYMENT -> "ReplicaSet";
            case STATEFUL_SET -> "StatefulSet";
            case DAEMON_SET -> "DaemonSet";
        };
        String ownerName = state.ownerKind() == Kind.DEPLOYMENT ? state.ownerName() + "-7d9f" : state.ownerName();
        PodBuilder builder = KubeObjects.ownedBy(KubeObjects.pod(state.namespace(), state.name(), state.nodeName(),
                        state.ownerName() + ":sim", state.cpuMillis(), new Quantity(Long.toString(state.memoryBytes()))),
                        ownerKind, ownerName, "uid-" + state.namespace() + "-" + ownerName)
                .editMetadata().withUid(state.uid()).withCreationTimestamp(at(state.createdAt()))
                .addToLabels("app", state.ownerName()).withAnnotations(state.annotations()).endMetadata()
                .editStatus().withPhase(state.phase() == PodPhase.PENDING ? "Pending" : "Running").endStatus();
        if (state.unschedulableSince() != null && state.nodeName() == null) {
            builder.editStatus().addNewCondition().withType("PodScheduled").withStatus("False").withReason("Unschedulable")
                    .withLastTransitionTime(at(state.unschedulableSince())).endCondition().endStatus();
        }
        Pod pod = builder.build();
        return state.phase() == PodPhase.TERMINATING ? KubeObjects.terminating(pod, now, KubeObjects.DEFAULT_GRACE_SECONDS) : pod;
    }

    private String at(Duration offset) {
        return start.plus(offset).toString();
    }

    @Override
    public void close() {
        api.close();
    }
}
