package dev.k3sautoscaler.metrics;

import dev.k3sautoscaler.core.config.AutoscalerConfig;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

/**
 * Every PromQL query CollectMetrics runs, named, with what it measures and why it has this form.
 * Sources: kube-state-metrics (KSM) for Kubernetes objects, node-exporter for CPU and memory; the
 * labels relied on are listed in docs/metrics.md. All queries are instant queries evaluated at the
 * same {@code time=}, so they describe one moment.
 *
 * <p>Traps from the source documents this avoids: {@code kube_pod_status_phase{phase="Pending"}}
 * has a series per pod (value 0 or 1), so {@code count()} of it counts every pod; requests are
 * always filtered by {@code resource} so memory bytes never land in CPU; the master is never a
 * worker.
 */
public final class ClusterQueries {
    /**
     * Resolution of the sustained-condition subqueries: 30 s gives 6 points over a 3-minute window
     * and 20 over 10 minutes, enough to catch a dip, cheap to evaluate.
     */
    public static final Duration SUBQUERY_STEP = Duration.ofSeconds(30);
    /** rate() window: 4 × the 15 s scrape interval, so one missed scrape still leaves 3 samples. */
    public static final Duration RATE_WINDOW = Duration.ofSeconds(60);

    /**
     * K3s labels its server node-role.kubernetes.io/control-plane=true (and master=true on older releases).
     * Public so the simulator's replay tells the master from the workers exactly as CollectMetrics does.
     */
    public static final String CONTROL_PLANE_ROLE = "kube_node_role{role=~\"control-plane|master\"}";

    /**
     * Worker nodes, one series per node (label {@code node}, and {@code provider_id} from
     * kube_node_info): every registered Node except the K3s server. Used as the filter
     * {@code X and on(node) WORKERS} in every per-node query, so master load never counts.
     */
    public static final String WORKERS = "(kube_node_info unless on(node) " + CONTROL_PLANE_ROLE + ")";

    /**
     * When KSM last reported (epoch seconds of the newest kube_node_info sample; the master is always
     * there). Older than the staleness limit → KSM or its scrape is down and every pod/node number is
     * old. timestamp() is needed because an instant query stamps results with the evaluation time.
     */
    public static final String KSM_NEWEST_SAMPLE = "max(timestamp(kube_node_info))";

    /**
     * How many nodes carry the control-plane role. None means kube_node_role is missing (an old KSM or
     * a relabelled scrape), and WORKERS would wrongly include the master: the metrics are then unusable.
     */
    public static final String CONTROL_PLANE_NODES = "count(count by (node) (" + CONTROL_PLANE_ROLE + "))";

    /** The worker list itself (node name and provider_id → EC2 instance id). */
    public static final String WORKER_NODES = WORKERS;

    /** 1 for a worker whose Ready condition is True, 0 otherwise; a missing node reads as not Ready. */
    public static final String WORKER_READY =
            "max by (node) (kube_node_status_condition{condition=\"Ready\",status=\"true\"}) and on(node) " + WORKERS;

    /** 1 for a cordoned worker (spec.unschedulable): on its way out, not capacity. */
    public static final String WORKER_CORDONED = "max by (node) (kube_node_spec_unschedulable) and on(node) " + WORKERS;

    /**
     * Sample time of each worker's node-exporter, per node. Tells which workers are measured and
     * whether the newest data is fresh; needs the scrape config to put the Node name in a {@code node}
     * label (docs/metrics.md).
     */
    public static final String NODE_EXPORTER_SAMPLES = "timestamp(node_memory_MemTotal_bytes) and on(node) " + WORKERS;

    /**
     * Workers' CPU busy now, in percent of their cores: 1 − idle cores / cores, summed over workers
     * before dividing so a 4-core node weighs twice a 2-core one. iowait counts as busy (the CPU is
     * not free for pods' work either way).
     */
    public static final String CPU_PERCENT = "100 * (1 - "
            + "sum(sum by (node) (rate(node_cpu_seconds_total{mode=\"idle\"}[" + promDuration(RATE_WINDOW) + "])) and on(node) " + WORKERS + ")"
            + " / sum(count by (node) (node_cpu_seconds_total{mode=\"idle\"}) and on(node) " + WORKERS + "))";

    /**
     * Workers' memory in use now, in percent: 1 − MemAvailable / MemTotal summed over workers.
     * MemAvailable (not MemFree) so page cache the kernel can drop does not look like pressure.
     */
    public static final String MEMORY_PERCENT = "100 * (1 - "
            + "sum(node_memory_MemAvailable_bytes and on(node) " + WORKERS + ")"
            + " / sum(node_memory_MemTotal_bytes and on(node) " + WORKERS + "))";

    /**
     * Pods unschedulable right now (labels namespace, pod, uid), DaemonSet pods excluded (a new
     * node brings its own DaemonSet pod; a stuck one is not ours to solve). kube_pod_status_unschedulable
     * exists only while PodScheduled=False, so no {@code == 1} or {@code sum} trap; Pending pods
     * that are scheduled and pulling images are not in it and need no node. Public so the simulator's
     * replay counts a real cluster's waiting pods as CollectMetrics does.
     */
    public static final String UNSCHEDULABLE_NOW = "(max by (namespace, pod, uid) (kube_pod_status_unschedulable)"
            + " unless on(namespace, pod) kube_pod_owner{owner_kind=\"DaemonSet\"})";

    /**
     * CPU and memory requests of the pods scheduled on each worker, one series per worker and
     * {@code resource} (labels {@code node}, {@code resource}; cores, bytes): each worker's requests
     * utilization for scale-down, and, summed over the series, the cluster totals scale-down must
     * fit on the remaining workers. Finished pods (Succeeded/Failed) hold no resources; DaemonSet
     * pods are excluded because WORKER_CPU_MILLIS / WORKER_MEMORY_MIB are already net of DaemonSets.
     * No series for a worker (or a resource) means no such requests there: a worker with nothing
     * but DaemonSet pods has none (KSM freshness is checked separately).
     */
    public static final String REQUESTED_ON_WORKERS = "sum by (node, resource) ("
            + "(kube_pod_container_resource_requests{resource=~\"cpu|memory\"} and on(node) " + WORKERS + ")"
            + " unless on(namespace, pod) (kube_pod_status_phase{phase=~\"Succeeded|Failed\"} == 1)"
            + " unless on(namespace, pod) kube_pod_owner{owner_kind=\"DaemonSet\"})";

    /** The queries by name, for running them together and naming the one that failed. */
    public enum Query {
        KSM_NEWEST_SAMPLE, CONTROL_PLANE_NODES, WORKER_NODES, WORKER_READY, WORKER_CORDONED, NODE_EXPORTER_SAMPLES,
        CPU_PERCENT, CPU_SUSTAINED_HIGH, CPU_SUSTAINED_LOW, MEMORY_PERCENT, MEMORY_SUSTAINED_HIGH, MEMORY_SUSTAINED_LOW,
        UNSCHEDULABLE_PODS, UNSCHEDULABLE_POD_REQUESTS, UNSCHEDULABLE_MAX_OVER_IDLE_WINDOW, REQUESTED_ON_WORKERS
    }

    private final Duration cpuUpSustain;
    private final Duration memoryUpSustain;
    private final Duration pendingUp;
    private final Duration idleDown;

    public ClusterQueries(Duration cpuUpSustain, Duration memoryUpSustain, Duration pendingUp, Duration idleDown) {
        this.cpuUpSustain = cpuUpSustain;
        this.memoryUpSustain = memoryUpSustain;
        this.pendingUp = pendingUp;
        this.idleDown = idleDown;
    }

    /** The windows CPU_UP_SUSTAIN_SEC, MEM_UP_SUSTAIN_SEC, PENDING_UP_SEC and IDLE_DOWN_SEC of the policy's configuration. */
    public static ClusterQueries forConfig(AutoscalerConfig config) {
        return new ClusterQueries(config.cpuUpSustain(), config.memoryUpSustain(), config.pendingUp(), config.idleDown());
    }

    /**
     * Lowest CPU % over CPU_UP_SUSTAIN_SEC: above CPU_UP means high at every point of the window, so a
     * one-minute spike does not scale up. A point without data counts as 0 %: a Prometheus restart or
     * a gap cannot fake a sustained high.
     */
    public String cpuSustainedHigh() {
        return "min_over_time((" + CPU_PERCENT + " or on() vector(0))" + subqueryRange(cpuUpSustain) + ")";
    }

    /**
     * Highest CPU % over IDLE_DOWN_SEC: the peak scale-down's guard spreads over the workers that would be
     * left, so a removal cannot push use past CPU_UP. A point without data
     * counts as 100 %, so missing history blocks a scale-down instead of allowing one.
     */
    public String cpuSustainedLow() {
        return "max_over_time((" + CPU_PERCENT + " or on() vector(100))" + subqueryRange(idleDown) + ")";
    }

    /** Lowest memory % over MEM_UP_SUSTAIN_SEC; a point without data counts as 0 % (as for CPU). */
    public String memorySustainedHigh() {
        return "min_over_time((" + MEMORY_PERCENT + " or on() vector(0))" + subqueryRange(memoryUpSustain) + ")";
    }

    /** Highest memory % over IDLE_DOWN_SEC; a point without data counts as 100 % (as for CPU). */
    public String memorySustainedLow() {
        return "max_over_time((" + MEMORY_PERCENT + " or on() vector(100))" + subqueryRange(idleDown) + ")";
    }

    /**
     * Pods unschedulable now and PENDING_UP_SEC ago (labels namespace, pod, uid). Binding is one-way
     * (PodScheduled never goes back from True to False for the same uid), so "now and then" means
     * "all along": pods the scheduler places on its next pass are filtered out. Joined on uid so a
     * recreated pod with the same name starts its own clock.
     */
    public String unschedulablePods() {
        if (pendingUp.isZero()) {
            return UNSCHEDULABLE_NOW;
        }
        return UNSCHEDULABLE_NOW + " and on(namespace, pod, uid) (kube_pod_status_unschedulable offset "
                + promDuration(pendingUp) + ")";
    }

    /**
     * Summed container requests of those pods, by namespace, pod and resource (cpu in cores, memory
     * in bytes): one series per pod and resource, never mixed. Pods without requests have no series
     * and count as 0 (they still appear in {@link #unschedulablePods()}).
     */
    public String unschedulablePodRequests() {
        return "sum by (namespace, pod, resource) (kube_pod_container_resource_requests{resource=~\"cpu|memory\"}"
                + " and on(namespace, pod, uid) " + unschedulablePods() + ")";
    }

    /**
     * Most pods unschedulable at once over IDLE_DOWN_SEC (no PENDING_UP_SEC filter: any
     * unschedulable pod means the cluster was tight). A point without data counts as 0 here; the CPU
     * and memory windows already block a scale-down when history is missing.
     */
    public String unschedulableMaxOverIdleWindow() {
        return "max_over_time((count(" + UNSCHEDULABLE_NOW + ") or on() vector(0))" + subqueryRange(idleDown) + ")";
    }

    /** Every query by name, with the windows filled in. */
    public Map<Query, String> all() {
        Map<Query, String> queries = new EnumMap<>(Query.class);
        queries.put(Query.KSM_NEWEST_SAMPLE, KSM_NEWEST_SAMPLE);
        queries.put(Query.CONTROL_PLANE_NODES, CONTROL_PLANE_NODES);
        queries.put(Query.WORKER_NODES, WORKER_NODES);
        queries.put(Query.WORKER_READY, WORKER_READY);
        queries.put(Query.WORKER_CORDONED, WORKER_CORDONED);
        queries.put(Query.NODE_EXPORTER_SAMPLES, NODE_EXPORTER_SAMPLES);
        queries.put(Query.CPU_PERCENT, CPU_PERCENT);
        queries.put(Query.CPU_SUSTAINED_HIGH, cpuSustainedHigh());
        queries.put(Query.CPU_SUSTAINED_LOW, cpuSustainedLow());
        queries.put(Query.MEMORY_PERCENT, MEMORY_PERCENT);
        queries.put(Query.MEMORY_SUSTAINED_HIGH, memorySustainedHigh());
        queries.put(Query.MEMORY_SUSTAINED_LOW, memorySustainedLow());
        queries.put(Query.UNSCHEDULABLE_PODS, unschedulablePods());
        queries.put(Query.UNSCHEDULABLE_POD_REQUESTS, unschedulablePodRequests());
        queries.put(Query.UNSCHEDULABLE_MAX_OVER_IDLE_WINDOW, unschedulableMaxOverIdleWindow());
        queries.put(Query.REQUESTED_ON_WORKERS, REQUESTED_ON_WORKERS);
        return queries;
    }

    private static String subqueryRange(Duration window) {
        return "[" + promDuration(window) + ":" + promDuration(SUBQUERY_STEP) + "]";
    }

    /** PromQL duration in whole seconds ({@code 180s}); our windows are whole seconds by construction. */
    static String promDuration(Duration duration) {
        return duration.toSeconds() + "s";
    }
}
