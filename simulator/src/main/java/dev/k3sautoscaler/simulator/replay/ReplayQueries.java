package dev.k3sautoscaler.simulator.replay;

import dev.k3sautoscaler.metrics.ClusterQueries;
import java.time.Duration;
import java.util.List;

/**
 * The PromQL the replay reads a cluster's history with. Sources: kube-state-metrics (KSM) for
 * nodes and pods, cAdvisor for what containers used. Workers are told from the master exactly as
 * CollectMetrics tells them ({@link ClusterQueries#WORKERS}), and waiting pods are counted as it
 * counts them ({@link ClusterQueries#UNSCHEDULABLE_NOW}).
 */
final class ReplayQueries {
    /** Every series the derivation cannot do without; all come from kube-state-metrics. */
    static final List<String> REQUIRED = List.of("kube_node_info", "kube_node_role",
            "kube_node_status_allocatable", "kube_node_status_condition", "kube_pod_owner", "kube_replicaset_owner",
            "kube_pod_status_phase", "kube_pod_info", "kube_pod_container_resource_requests");
    static final String CPU_USAGE_SERIES = "container_cpu_usage_seconds_total";
    static final String MEMORY_USAGE_SERIES = "container_memory_working_set_bytes";
    /** Optional: the instance type; without it the worker type is named "unknown". */
    static final String NODE_LABELS_SERIES = "kube_node_labels";
    static final String INSTANCE_TYPE_LABEL = "label_node_kubernetes_io_instance_type";

    /** Pods at all: when this has no point in the range, nothing else will. */
    static final String POD_OWNER_SAMPLES = "count(kube_pod_owner)";

    /**
     * Each pod of a Deployment (through its ReplicaSet), StatefulSet or DaemonSet, one series per pod
     * with labels namespace, pod, owner_kind and owner_name naming the workload; value 1. Pods of
     * Jobs, bare ReplicaSets, nodes (static pods) or no owner are not in it.
     */
    static final String WORKLOAD_PODS = "(max by (namespace, pod, owner_kind, owner_name)"
            + " (kube_pod_owner{owner_kind=~\"StatefulSet|DaemonSet\"})"
            + " or label_replace(max by (namespace, pod, owner_name) ("
            + "label_replace(kube_pod_owner{owner_kind=\"ReplicaSet\"}, \"replicaset\", \"$1\", \"owner_name\", \"(.+)\")"
            + " * on(namespace, replicaset) group_left(owner_name)"
            + " max by (namespace, replicaset, owner_name) (kube_replicaset_owner{owner_kind=\"Deployment\"})),"
            + " \"owner_kind\", \"Deployment\", \"\", \"\"))";

    /**
     * The workload pods a simulation has: all but the Deployment and StatefulSet pods that ran on the
     * master (the monitoring pinned there), because the simulated master takes DaemonSet pods only.
     */
    static final String SIMULATED_PODS = "(" + WORKLOAD_PODS + " unless on(namespace, pod)"
            + " ((kube_pod_info and on(node) " + ClusterQueries.CONTROL_PLANE_ROLE + ")"
            + " unless on(namespace, pod) kube_pod_owner{owner_kind=\"DaemonSet\"}))";

    /**
     * Pods that hold or wait for a place: phase Running or Pending, and not on their way out (a
     * terminating pod is still Running, but its controller already counts its replacement).
     */
    static final String ALIVE = "((max by (namespace, pod) (kube_pod_status_phase{phase=~\"Running|Pending\"}) == 1)"
            + " unless on(namespace, pod) kube_pod_deletion_timestamp)";

    private static final String BY_WORKLOAD = " by (namespace, owner_kind, owner_name) ";

    /** Per workload, its pods Running or Pending: the replica timeline. */
    static final String REPLICAS = "count" + BY_WORKLOAD + "(" + SIMULATED_PODS + " and on(namespace, pod) " + ALIVE + ")";

    /** Per owner that is not a workload kind (a Job, a bare ReplicaSet, …), its pods Running or Pending. */
    static final String OTHER_OWNERS = "count" + BY_WORKLOAD + "((max by (namespace, pod, owner_kind, owner_name) (kube_pod_owner)"
            + " unless on(namespace, pod) " + WORKLOAD_PODS + ") and on(namespace, pod) " + ALIVE + ")";

    /** Per workload, its pods Running or Pending on the master, which the scenario leaves out. */
    static final String ON_CONTROL_PLANE = "count" + BY_WORKLOAD + "((" + WORKLOAD_PODS + " unless on(namespace, pod) "
            + SIMULATED_PODS + ") and on(namespace, pod) " + ALIVE + ")";

    /**
     * Ready workers; 0 (not nothing) when KSM reports nodes but no Ready worker, so a point without a
     * value means KSM itself was not scraped.
     */
    static final String READY_WORKERS = "sum(" + ClusterQueries.WORKER_READY + ") or on() (0 * count(kube_node_info))";

    /** Pods waiting for a place (DaemonSet pods excluded, as CollectMetrics counts them); 0 as above. */
    static final String UNSCHEDULABLE_PODS = "count(" + ClusterQueries.UNSCHEDULABLE_NOW + ") or on() (0 * count(kube_node_info))";

    /** Each worker's allocatable cores and bytes (labels node, resource). */
    static final String WORKER_ALLOCATABLE = "max by (node, resource) (kube_node_status_allocatable{resource=~\"cpu|memory\"})"
            + " and on(node) " + ClusterQueries.WORKERS;

    /** Each worker's instance type (labels node and the instance-type label). */
    static final String WORKER_INSTANCE_TYPES = "max by (node, " + INSTANCE_TYPE_LABEL + ") (" + NODE_LABELS_SERIES + ")"
            + " and on(node) " + ClusterQueries.WORKERS;

    /** Each workload pod's requests summed over its containers (labels namespace, pod, owner_kind, owner_name, resource). */
    static final String POD_REQUESTS = "sum by (namespace, pod, resource)"
            + " (kube_pod_container_resource_requests{resource=~\"cpu|memory\"})"
            + " * on(namespace, pod) group_left(owner_kind, owner_name) " + SIMULATED_PODS;

    /** cAdvisor's per-container series, without its pod-level total (container "") and the pause container. */
    private static final String CONTAINERS = "{container!=\"\", container!=\"POD\"}";

    /**
     * rate() window: the step, but at least 2 minutes so a 1-minute cAdvisor scrape still gives two
     * samples. Longer windows would smooth away the spread the jitter is derived from.
     */
    static Duration rateWindow(Duration step) {
        Duration floor = Duration.ofMinutes(2);
        return step.compareTo(floor) > 0 ? step : floor;
    }

    /** A resource pods request and use. */
    enum Resource {
        CPU("cpu", CPU_USAGE_SERIES),
        MEMORY("memory", MEMORY_USAGE_SERIES);

        final String label;
        final String usageSeries;

        Resource(String label, String usageSeries) {
            this.label = label;
            this.usageSeries = usageSeries;
        }

        /**
         * Per pod, what its containers used: cores or working-set bytes. A container's CPU counts
         * only once it has run a whole rate() window: over a window it started in, rate() reads the
         * time before its first sample as idle and halves its first value.
         */
        String usedPerPod(Duration rateWindow) {
            String selector = usageSeries + CONTAINERS;
            String window = rateWindow.toSeconds() + "s";
            return "sum by (namespace, pod) ("
                    + (this == CPU ? "rate(" + selector + "[" + window + "]) and " + selector + " offset " + window : selector) + ")";
        }
    }

    /** How the per-pod usage fractions of a workload are summed up at each point. */
    enum Spread {
        MEAN("avg"), STANDARD_DEVIATION("stddev");

        final String aggregation;

        Spread(String aggregation) {
            this.aggregation = aggregation;
        }
    }

    private ReplayQueries() {
    }

    /**
     * Per workload at each point, the {@code spread} over its pods of used / requested for
     * {@code resource}. Pods without a request of it have no fraction and are left out.
     */
    static String usage(Resource resource, Spread spread, Duration rateWindow) {
        return spread.aggregation + BY_WORKLOAD + "((" + resource.usedPerPod(rateWindow)
                + " / (sum by (namespace, pod) (kube_pod_container_resource_requests{resource=\"" + resource.label + "\"}) > 0))"
                + " * on(namespace, pod) group_left(owner_kind, owner_name) " + SIMULATED_PODS + ")";
    }
}
