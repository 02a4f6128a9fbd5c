package dev.k3sautoscaler.simulator.replay;

import dev.k3sautoscaler.testkit.prometheus.OpenMetrics;
import dev.k3sautoscaler.testkit.prometheus.OpenMetrics.Labels;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A small cluster's life as kube-state-metrics and cAdvisor report it, scraped every 15 s, for a
 * Prometheus to backfill: nodes that register and turn Ready, pods that wait, start and go away,
 * and what their containers use. Tests say what happened and when (offsets from the start); this
 * writes the series. A series ends with its object; serve the history with {@link #LOOKBACK} so it
 * vanishes at its first missing scrape, as a live server's staleness marker makes it.
 */
final class ClusterHistory {
    static final Duration SCRAPE_INTERVAL = Duration.ofSeconds(15);
    /** Just under the scrape interval: a series is seen only at the scrape that wrote it. */
    static final Duration LOOKBACK = Duration.ofSeconds(14);
    static final long MIB = 1024L * 1024;
    private static final List<String> PHASES = List.of("Pending", "Running", "Succeeded", "Failed", "Unknown");

    private final Instant start;
    private final Duration length;
    private final List<Node> nodes = new ArrayList<>();
    private final List<Pod> pods = new ArrayList<>();
    private final List<String[]> replicaSets = new ArrayList<>();
    private final Set<String> omitted = new HashSet<>();
    private Duration ksmSilentFrom;
    private Duration ksmSilentUntil;

    private ClusterHistory(Instant start, Duration length) {
        this.start = start;
        this.length = length;
    }

    /** History from {@code start} for {@code length}, both ends scraped. */
    static ClusterHistory from(Instant start, Duration length) {
        return new ClusterHistory(start, length);
    }

    Node master(String name, String instanceType, double cpuCores, long memoryMiB) {
        Node node = new Node(name, true, instanceType, cpuCores, memoryMiB);
        nodes.add(node);
        return node;
    }

    Node worker(String name, String instanceType, double cpuCores, long memoryMiB) {
        Node node = new Node(name, false, instanceType, cpuCores, memoryMiB);
        nodes.add(node);
        return node;
    }

    /** A ReplicaSet of {@code deployment}, there for the whole history. */
    ClusterHistory replicaSet(String namespace, String name, String deployment) {
        replicaSets.add(new String[] {namespace, name, deployment});
        return this;
    }

    /** A pod that exists over [from, until); until null: to the end. Running from {@code from} unless told otherwise. */
    Pod pod(String namespace, String name, String ownerKind, String ownerName, Duration from, Duration until) {
        Pod pod = new Pod(namespace, name, String.format(Locale.ROOT, "00000000-0000-0000-0000-%012d", pods.size() + 1),
                ownerKind, ownerName, from, until);
        pods.add(pod);
        return pod;
    }

    /** Writes no series of these metric families (a missing exporter, or one that exports less). */
    ClusterHistory without(String... families) {
        omitted.addAll(List.of(families));
        return this;
    }

    /** kube-state-metrics is not scraped over [from, until): its series have no samples then. */
    ClusterHistory ksmSilentBetween(Duration from, Duration until) {
        this.ksmSilentFrom = from;
        this.ksmSilentUntil = until;
        return this;
    }

    String openMetrics() {
        OpenMetrics metrics = new OpenMetrics();
        for (Duration t = Duration.ZERO; t.compareTo(length) <= 0; t = t.plus(SCRAPE_INTERVAL)) {
            Instant at = start.plus(t);
            for (Node node : nodes) {
                node.write(metrics, t, at);
            }
            for (String[] rs : replicaSets) {
                gauge(metrics, "kube_replicaset_owner", ksm("namespace", rs[0], "replicaset", rs[1], "owner_kind", "Deployment",
                        "owner_name", rs[2], "owner_is_controller", "true"), at, 1);
            }
            for (Pod pod : pods) {
                pod.write(metrics, t, at);
            }
        }
        return metrics.text();
    }

    private void gauge(OpenMetrics metrics, String family, Labels labels, Instant at, double value) {
        boolean ksmSilent = ksmSilentFrom != null && family.startsWith("kube_")
                && within(Duration.between(start, at), ksmSilentFrom, ksmSilentUntil);
        if (!omitted.contains(family) && !ksmSilent) {
            metrics.gauge(family).sample(labels, at, value);
        }
    }

    private void counter(OpenMetrics metrics, String family, Labels labels, Instant at, double value) {
        if (!omitted.contains(family + "_total")) {
            metrics.counter(family).sample(labels, at, value);
        }
    }

    private static Labels ksm(String... labels) {
        return Labels.of("job", "kube-state-metrics", "instance", "10.42.0.5:8080").and(labels);
    }

    private static boolean within(Duration t, Duration from, Duration until) {
        return t.compareTo(from) >= 0 && (until == null || t.compareTo(until) < 0);
    }

    final class Node {
        private final String name;
        private final boolean controlPlane;
        private final String instanceType;
        private final double cpuCores;
        private final long memoryMiB;
        private Duration registeredAt = Duration.ZERO;
        private Duration readyAt = Duration.ZERO;

        private Node(String name, boolean controlPlane, String instanceType, double cpuCores, long memoryMiB) {
            this.name = name;
            this.controlPlane = controlPlane;
            this.instanceType = instanceType;
            this.cpuCores = cpuCores;
            this.memoryMiB = memoryMiB;
        }

        /** Registers at {@code registered}, NotReady until {@code ready}. */
        Node joins(Duration registered, Duration ready) {
            this.registeredAt = registered;
            this.readyAt = ready;
            return this;
        }

        String name() {
            return name;
        }

        private void write(OpenMetrics metrics, Duration t, Instant at) {
            if (t.compareTo(registeredAt) < 0) {
                return;
            }
            gauge(metrics, "kube_node_info", ksm("node", name, "provider_id", "aws:///us-east-1a/" + name), at, 1);
            if (controlPlane) {
                // K3s gives its server both roles.
                gauge(metrics, "kube_node_role", ksm("node", name, "role", "control-plane"), at, 1);
                gauge(metrics, "kube_node_role", ksm("node", name, "role", "master"), at, 1);
            }
            gauge(metrics, "kube_node_labels", ksm("node", name, "label_node_kubernetes_io_instance_type", instanceType), at, 1);
            gauge(metrics, "kube_node_status_allocatable", ksm("node", name, "resource", "cpu", "unit", "core"), at, cpuCores);
            gauge(metrics, "kube_node_status_allocatable", ksm("node", name, "resource", "memory", "unit", "byte"), at,
                    memoryMiB * MIB);
            boolean ready = t.compareTo(readyAt) >= 0;
            for (String status : List.of("true", "false", "unknown")) {
                gauge(metrics, "kube_node_status_condition", ksm("node", name, "condition", "Ready", "status", status), at,
                        status.equals(ready ? "true" : "false") ? 1 : 0);
            }
        }
    }

    final class Pod {
        private final String namespace;
        private final String name;
        private final String uid;
        private final String ownerKind;
        private final String ownerName;
        private final Duration from;
        private final Duration until;
        private final List<Container> containers = new ArrayList<>();
        private String node;
        private Duration unschedulableUntil;
        private Duration runningFrom;

        private Pod(String namespace, String name, String uid, String ownerKind, String ownerName, Duration from, Duration until) {
            this.namespace = namespace;
            this.name = name;
            this.uid = uid;
            this.ownerKind = ownerKind;
            this.ownerName = ownerName;
            this.from = from;
            this.until = until;
            this.runningFrom = from;
        }

        Pod on(Node host) {
            this.node = host.name;
            return this;
        }

        /** Unschedulable (no node, Pending) from its start until {@code scheduled}, then Pending on {@code host} until {@code running}. */
        Pod waits(Duration scheduled, Node host, Duration running) {
            this.unschedulableUntil = scheduled;
            this.node = host.name;
            this.runningFrom = running;
            return this;
        }

        /**
         * A container requesting {@code cpuMillis} and {@code memoryMiB}, and using {@code cpuUse} and
         * {@code memoryUse} of them while the pod runs.
         */
        Pod container(String containerName, long cpuMillis, long memoryMiB, double cpuUse, double memoryUse) {
            containers.add(new Container(containerName, cpuMillis, memoryMiB, cpuUse, memoryUse));
            return this;
        }

        private record Container(String name, long cpuMillis, long memoryMiB, double cpuUse, double memoryUse) {
        }

        private void write(OpenMetrics metrics, Duration t, Instant at) {
            if (!within(t, from, until)) {
                return;
            }
            boolean unschedulable = unschedulableUntil != null && t.compareTo(unschedulableUntil) < 0;
            boolean running = t.compareTo(runningFrom) >= 0;
            // KSM leaves node empty (so Prometheus drops the label) until the pod is bound.
            Labels pod = ksm("namespace", namespace, "pod", name, "uid", uid);
            Labels placed = unschedulable ? pod : pod.and("node", node);
            gauge(metrics, "kube_pod_info", placed.and("created_by_kind", ownerKind, "created_by_name", ownerName), at, 1);
            gauge(metrics, "kube_pod_owner", pod.and("owner_kind", ownerKind, "owner_name", ownerName,
                    "owner_is_controller", "true"), at, 1);
            for (String phase : PHASES) {
                gauge(metrics, "kube_pod_status_phase", pod.and("phase", phase), at,
                        phase.equals(running ? "Running" : "Pending") ? 1 : 0);
            }
            if (unschedulable) {
                gauge(metrics, "kube_pod_status_unschedulable", pod, at, 1);
            }
            double seconds = running ? t.minus(runningFrom).toSeconds() : 0;
            double podCpuSeconds = 0;
            double podMemory = 0;
            for (Container container : containers) {
                Labels requested = placed.and("container", container.name());
                gauge(metrics, "kube_pod_container_resource_requests", requested.and("resource", "cpu", "unit", "core"), at,
                        container.cpuMillis() / 1000.0);
                gauge(metrics, "kube_pod_container_resource_requests", requested.and("resource", "memory", "unit", "byte"), at,
                        container.memoryMiB() * MIB);
                if (running) {
                    Labels cadvisor = Labels.of("job", "cadvisor", "namespace", namespace, "pod", name, "node", node,
                            "container", container.name());
                    double cpuSeconds = container.cpuMillis() / 1000.0 * container.cpuUse() * seconds;
                    double memory = Math.round(container.memoryMiB() * MIB * container.memoryUse());
                    counter(metrics, "container_cpu_usage_seconds", cadvisor, at, cpuSeconds);
                    gauge(metrics, "container_memory_working_set_bytes", cadvisor, at, memory);
                    podCpuSeconds += cpuSeconds;
                    podMemory += memory;
                }
            }
            if (running) {
                // cAdvisor's pod-level cgroup: the containers' total again, under container "".
                Labels podLevel = Labels.of("job", "cadvisor", "namespace", namespace, "pod", name, "node", node);
                counter(metrics, "container_cpu_usage_seconds", podLevel, at, podCpuSeconds);
                gauge(metrics, "container_memory_working_set_bytes", podLevel, at, podMemory);
            }
        }
    }
}
