package dev.k3sautoscaler.simulator.replay;

import dev.k3sautoscaler.simulator.cluster.NodeState;
import dev.k3sautoscaler.simulator.cluster.PodPhase;
import dev.k3sautoscaler.simulator.cluster.PodState;
import dev.k3sautoscaler.simulator.cluster.PodUsage;
import dev.k3sautoscaler.simulator.cluster.SimulatedCluster;
import dev.k3sautoscaler.simulator.scenario.Scenario.Kind;
import dev.k3sautoscaler.simulator.scenario.Scenario.Workload;
import dev.k3sautoscaler.testkit.prometheus.OpenMetrics.Labels;
import dev.k3sautoscaler.testkit.prometheus.OpenMetricsWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * The virtual cluster's history as a real cluster's kube-state-metrics and kubelet (cAdvisor)
 * would have exported it, as OpenMetrics text with timestamps that
 * {@code promtool tsdb create-blocks-from openmetrics} backfills into a Prometheus TSDB: a
 * scenario can then be derived from it exactly as from a real cluster's Prometheus.
 *
 * <p>{@link #sample} takes the cluster as a scrape would find it; the run calls it once a simulated
 * minute. OpenMetrics wants every series' samples together, so nothing can be written before the
 * run is over: the history is kept as runs of equal values (a pod's info, owner or requests are one
 * run for its whole life), and a counter as its rate, integrated when written. Only jittered usage
 * takes a run per sample. {@link #writeTo} then streams the text, family by family.
 *
 * <p>Series of a pod or node that is gone simply stop: a backfill has no staleness markers, so an
 * instant query still finds them for Prometheus' 5-minute lookback.
 */
public final class ClusterMetricsExport {
    /** The file under {@code --out}. */
    public static final String FILE = "cluster-metrics.om";
    /**
     * The node labels kube_node_labels carries: the deployed kube-state-metrics'
     * {@code --metric-labels-allowlist} (cluster-bootstrap/manifests/kube-state-metrics.yaml).
     */
    static final List<String> NODE_LABELS_ALLOWED = List.of("k3s-autoscaler/managed", "k3s-autoscaler/capacity-type",
            "topology.kubernetes.io/zone", "node.kubernetes.io/instance-type", "node-role.kubernetes.io/control-plane");
    /** kube-state-metrics turns each {@code node-role.kubernetes.io/<role>} label into a kube_node_role series. */
    private static final String ROLE_LABEL_PREFIX = "node-role.kubernetes.io/";
    private static final List<String> PHASES = List.of("Pending", "Running", "Succeeded", "Failed", "Unknown");
    private static final List<String> CONDITION_STATUSES = List.of("true", "false", "unknown");

    /** The families, in the order they are written; a counter's series hold its rate per second. */
    enum Family {
        KUBE_NODE_INFO("kube_node_info"),
        KUBE_NODE_ROLE("kube_node_role"),
        KUBE_NODE_LABELS("kube_node_labels"),
        KUBE_NODE_STATUS_ALLOCATABLE("kube_node_status_allocatable"),
        KUBE_NODE_STATUS_CONDITION("kube_node_status_condition"),
        KUBE_NODE_SPEC_UNSCHEDULABLE("kube_node_spec_unschedulable"),
        KUBE_REPLICASET_OWNER("kube_replicaset_owner"),
        KUBE_POD_INFO("kube_pod_info"),
        KUBE_POD_OWNER("kube_pod_owner"),
        KUBE_POD_STATUS_PHASE("kube_pod_status_phase"),
        KUBE_POD_STATUS_UNSCHEDULABLE("kube_pod_status_unschedulable"),
        KUBE_POD_DELETION_TIMESTAMP("kube_pod_deletion_timestamp"),
        KUBE_POD_CONTAINER_RESOURCE_REQUESTS("kube_pod_container_resource_requests"),
        CONTAINER_CPU_USAGE_SECONDS("container_cpu_usage_seconds", true),
        CONTAINER_MEMORY_WORKING_SET_BYTES("container_memory_working_set_bytes");

        private final String metric;
        private final boolean counter;

        Family(String metric) {
            this(metric, false);
        }

        Family(String metric, boolean counter) {
            this.metric = metric;
            this.counter = counter;
        }
    }

    private final Instant start;
    private final Map<Family, Map<Labels, Series>> families = new EnumMap<>(Family.class);
    private final Map<String, NodeSeries> nodes = new HashMap<>();
    private final Map<String, PodSeries> pods = new HashMap<>();
    private final Map<Workload, String> replicaSets = new HashMap<>();
    /** Epoch milliseconds of each sample, by index. */
    private long[] times = new long[64];
    private int samples;

    /** An export whose timestamps are {@code start} plus the cluster's offsets. */
    public ClusterMetricsExport(Instant start) {
        this.start = start;
        for (Family family : Family.values()) {
            families.put(family, new LinkedHashMap<>());
        }
    }

    /** The series a scrape of kube-state-metrics and every kubelet finds now; samples come in time order. */
    public void sample(SimulatedCluster cluster) {
        long at = start.plus(cluster.now()).toEpochMilli();
        if (samples > 0 && at <= times[samples - 1]) {
            throw new IllegalArgumentException("samples go forward in time: " + cluster.now());
        }
        if (samples == times.length) {
            times = Arrays.copyOf(times, samples * 2);
        }
        int index = samples++;
        times[index] = at;
        for (NodeState node : cluster.nodes()) {
            nodes.computeIfAbsent(node.name(), name -> new NodeSeries(node)).sample(index, node);
        }
        for (Workload workload : cluster.scenario().workloads()) {
            if (workload.kind() == Kind.DEPLOYMENT) {
                series(Family.KUBE_REPLICASET_OWNER, Labels.of("namespace", workload.namespace(),
                        "replicaset", replicaSet(workload), "owner_kind", "Deployment", "owner_name", workload.name())).add(index, 1);
            }
        }
        Map<String, PodUsage> usage = cluster.podUsage();
        for (PodState pod : cluster.pods()) {
            pods.computeIfAbsent(pod.qualifiedName(), name -> new PodSeries(pod, cluster.scenario().workloads()))
                    .sample(index, pod, usage.get(pod.qualifiedName()));
        }
    }

    /** How many samples were taken. */
    public int samples() {
        return samples;
    }

    /** The whole history as OpenMetrics text, ending with {@code # EOF}; {@code out} is flushed, not closed. */
    public void writeTo(Writer out) {
        OpenMetricsWriter writer = new OpenMetricsWriter(out);
        long[] taken = Arrays.copyOf(times, samples);
        for (Map.Entry<Family, Map<Labels, Series>> family : families.entrySet()) {
            if (family.getValue().isEmpty()) {
                continue;
            }
            if (family.getKey().counter) {
                writer.counter(family.getKey().metric);
            } else {
                writer.gauge(family.getKey().metric);
            }
            for (Series series : family.getValue().values()) {
                writer.series(series.labels);
                series.writeTo(writer, taken, family.getKey().counter);
            }
        }
        writer.end();
    }

    private Series series(Family family, Labels labels) {
        return families.get(family).computeIfAbsent(labels, Series::new);
    }

    /** A Deployment's ReplicaSet: its name and a 10-hex-digit hash stable for the Deployment (one pod template per run). */
    private String replicaSet(Workload deployment) {
        return replicaSets.computeIfAbsent(deployment, workload -> workload.name() + "-"
                + UUID.nameUUIDFromBytes((workload.namespace() + "/" + workload.name()).getBytes(StandardCharsets.UTF_8))
                        .toString().replace("-", "").substring(0, 10));
    }

    /** kube-state-metrics' label name for a Kubernetes label: {@code label_} and the name with every other character as {@code _}. */
    static String labelName(String kubernetesLabel) {
        return "label_" + kubernetesLabel.replaceAll("[^a-zA-Z0-9_]", "_");
    }

    /** A node's series; its name, roles, labels and allocatable never change. */
    private final class NodeSeries {
        private final Series info;
        private final List<Series> constant = new ArrayList<>();
        private final Series cpu;
        private final Series memory;
        private final Series[] ready = new Series[CONDITION_STATUSES.size()];
        private final Series cordoned;

        NodeSeries(NodeState node) {
            Labels labels = Labels.of("node", node.name());
            info = series(Family.KUBE_NODE_INFO, labels.and("provider_id", node.providerId()));
            node.labels().keySet().stream().filter(label -> label.startsWith(ROLE_LABEL_PREFIX)).sorted()
                    .forEach(label -> constant.add(series(Family.KUBE_NODE_ROLE,
                            labels.and("role", label.substring(ROLE_LABEL_PREFIX.length())))));
            Labels allowed = labels;
            for (String label : NODE_LABELS_ALLOWED) {
                if (node.labels().containsKey(label)) {
                    allowed = allowed.and(labelName(label), node.labels().get(label));
                }
            }
            constant.add(series(Family.KUBE_NODE_LABELS, allowed));
            cpu = series(Family.KUBE_NODE_STATUS_ALLOCATABLE, labels.and("resource", "cpu", "unit", "core"));
            memory = series(Family.KUBE_NODE_STATUS_ALLOCATABLE, labels.and("resource", "memory", "unit", "byte"));
            for (int i = 0; i < ready.length; i++) {
                ready[i] = series(Family.KUBE_NODE_STATUS_CONDITION,
                        labels.and("condition", "Ready", "status", CONDITION_STATUSES.get(i)));
            }
            cordoned = series(Family.KUBE_NODE_SPEC_UNSCHEDULABLE, labels);
        }

        void sample(int index, NodeState node) {
            info.add(index, 1);
            constant.forEach(series -> series.add(index, 1));
            cpu.add(index, node.allocatableCpuMillis() / 1000.0);
            memory.add(index, node.allocatableMemoryBytes());
            // The simulated kubelet is either Ready or not; it never goes silent long enough to read Unknown.
            ready[0].add(index, node.ready() ? 1 : 0);
            ready[1].add(index, node.ready() ? 0 : 1);
            ready[2].add(index, 0);
            cordoned.add(index, node.cordoned() ? 1 : 0);
        }
    }

    /**
     * A pod's series, under its name: a StatefulSet pod recreated with the same name continues them,
     * its CPU counter restarting from zero as a new container's does. The series that carry the
     * node start anew once the pod is bound.
     */
    private final class PodSeries {
        private final Labels labels;
        private final Series owner;
        private final Series[] phases = new Series[PHASES.size()];
        private final Series cpuUsed;
        private final Series memoryUsed;
        private final Labels container;
        private String node;
        private Series info;
        private Series cpuRequested;
        private Series memoryRequested;
        private String uid;
        private boolean used;

        PodSeries(PodState pod, List<Workload> workloads) {
            labels = Labels.of("namespace", pod.namespace(), "pod", pod.name());
            Workload workload = workloads.stream()
                    .filter(candidate -> candidate.name().equals(pod.ownerName()) && candidate.namespace().equals(pod.namespace()))
                    .findFirst().orElseThrow();
            owner = series(Family.KUBE_POD_OWNER, pod.ownerKind() == Kind.DEPLOYMENT
                    ? labels.and("owner_kind", "ReplicaSet", "owner_name", replicaSet(workload))
                    : labels.and("owner_kind", pod.ownerKind().label(), "owner_name", pod.ownerName()));
            for (int i = 0; i < phases.length; i++) {
                phases[i] = series(Family.KUBE_POD_STATUS_PHASE, labels.and("phase", PHASES.get(i)));
            }
            // One container per pod, named after its workload.
            container = labels.and("container", pod.ownerName());
            cpuUsed = series(Family.CONTAINER_CPU_USAGE_SECONDS, container);
            memoryUsed = series(Family.CONTAINER_MEMORY_WORKING_SET_BYTES, container);
        }

        void sample(int index, PodState pod, PodUsage usage) {
            if (info == null || !Objects.equals(node, pod.nodeName())) {
                node = pod.nodeName();
                // Unbound, kube-state-metrics' node label is empty, and Prometheus keeps no empty label.
                Labels placed = node == null ? labels : labels.and("node", node);
                Labels requests = node == null ? container : container.and("node", node);
                info = series(Family.KUBE_POD_INFO, placed);
                cpuRequested = series(Family.KUBE_POD_CONTAINER_RESOURCE_REQUESTS, requests.and("resource", "cpu", "unit", "core"));
                memoryRequested = series(Family.KUBE_POD_CONTAINER_RESOURCE_REQUESTS,
                        requests.and("resource", "memory", "unit", "byte"));
            }
            info.add(index, 1);
            owner.add(index, 1);
            cpuRequested.add(index, pod.cpuMillis() / 1000.0);
            memoryRequested.add(index, pod.memoryBytes());
            // A terminating pod is still Running: its deletion timestamp is what tells it apart.
            String phase = pod.phase() == PodPhase.PENDING ? "Pending" : "Running";
            for (int i = 0; i < phases.length; i++) {
                phases[i].add(index, PHASES.get(i).equals(phase) ? 1 : 0);
            }
            if (pod.phase() == PodPhase.PENDING && pod.unschedulableSince() != null) {
                series(Family.KUBE_POD_STATUS_UNSCHEDULABLE, labels).add(index, 1);
            }
            if (pod.deletedAt() != null) {
                series(Family.KUBE_POD_DELETION_TIMESTAMP, labels).add(index, start.plus(pod.deletedAt()).getEpochSecond());
            }
            if (!pod.uid().equals(uid) || usage == null) {
                uid = pod.uid();
                if (used) {
                    cpuUsed.restart();
                }
                used = false;
            }
            if (usage != null) {
                cpuUsed.add(index, usage.cpuMillis() / 1000.0);
                memoryUsed.add(index, usage.memoryBytes());
                used = true;
            }
        }
    }

    /**
     * One series: its samples as runs of equal values at consecutive sample indices. A gauge is
     * written as stored; a counter is stored as its rate per second and written as the running sum
     * of rate × time to the next sample, from zero at its first sample, after a gap and after a restart.
     */
    static final class Series {
        private final Labels labels;
        private int[] starts = new int[1];
        private int[] lengths = new int[1];
        private double[] values = new double[1];
        /** Runs that begin a new life of the counter (a new container), even right after the previous run. */
        private final BitSet restarts = new BitSet();
        private int runs;
        private boolean restartNext;

        Series(Labels labels) {
            this.labels = labels;
        }

        void add(int index, double value) {
            int last = runs - 1;
            if (!restartNext && last >= 0 && starts[last] + lengths[last] == index && values[last] == value) {
                lengths[last]++;
                return;
            }
            if (runs == starts.length) {
                starts = Arrays.copyOf(starts, runs * 2);
                lengths = Arrays.copyOf(lengths, runs * 2);
                values = Arrays.copyOf(values, runs * 2);
            }
            starts[runs] = index;
            lengths[runs] = 1;
            values[runs] = value;
            restarts.set(runs, restartNext);
            restartNext = false;
            runs++;
        }

        /** The next sample begins a new counter (a new container under the same labels). */
        void restart() {
            restartNext = true;
        }

        /** {@code times}: every sample's epoch milliseconds, by index. */
        void writeTo(OpenMetricsWriter out, long[] times, boolean counter) {
            double total = 0;
            int previousEnd = -1;
            for (int run = 0; run < runs; run++) {
                if (starts[run] != previousEnd || restarts.get(run)) {
                    total = 0;
                }
                for (int index = starts[run]; index < starts[run] + lengths[run]; index++) {
                    if (!counter) {
                        out.sample(times[index], values[run]);
                        continue;
                    }
                    out.sample(times[index], total);
                    // The rate holds until the next sample; that stretch counts only if the series goes on.
                    if (index + 1 < times.length) {
                        total += values[run] * (times[index + 1] - times[index]) / 1000.0;
                    }
                }
                previousEnd = starts[run] + lengths[run];
            }
        }
    }
}
