package dev.k3sautoscaler.metrics;

import dev.k3sautoscaler.testkit.prometheus.OpenMetrics;
import dev.k3sautoscaler.testkit.prometheus.OpenMetrics.Labels;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * A synthetic K3s cluster's metric history as kube-state-metrics and node-exporter would expose it
 * and Prometheus would store it (15 s scrapes, the scrape config's {@code node} label on
 * node-exporter series, as docs/metrics.md requires). Tests describe nodes, loads and pods; this
 * writes the series. Series end when their pod or exporter goes away (a backfill has no staleness
 * markers, so a vanished series stays visible for Prometheus's 5-minute lookback).
 */
final class ClusterFixture {
    static final Duration SCRAPE_INTERVAL = Duration.ofSeconds(15);
    static final long GIB = 1024L * 1024 * 1024;
    static final long MIB = 1024L * 1024;
    private static final List<String> PHASES = List.of("Pending", "Running", "Succeeded", "Failed", "Unknown");

    private final Instant start;
    private final Instant end;
    private final List<Node> nodes = new ArrayList<>();
    private final List<Pod> pods = new ArrayList<>();
    private Instant ksmSilentFrom;
    private int podCounter;

    private ClusterFixture(Instant start, Instant end) {
        this.start = start;
        this.end = end;
    }

    /** History from {@code start} to {@code end}, one scrape every 15 s. */
    static ClusterFixture between(Instant start, Instant end) {
        return new ClusterFixture(start, end);
    }

    Node master(String name) {
        Node node = new Node(name, true, nodes.size());
        nodes.add(node);
        return node;
    }

    Node worker(String name) {
        Node node = new Node(name, false, nodes.size());
        nodes.add(node);
        return node;
    }

    Pod pod(String namespace, String name) {
        Pod pod = new Pod(namespace, name, String.format(Locale.ROOT, "00000000-0000-0000-0000-%012d", ++podCounter));
        pods.add(pod);
        return pod;
    }

    /** kube-state-metrics stops being scraped at {@code time} (for the staleness check). */
    ClusterFixture ksmSilentFrom(Instant time) {
        this.ksmSilentFrom = time;
        return this;
    }

    String openMetrics() {
        OpenMetrics metrics = new OpenMetrics();
        for (Instant t = start; !t.isAfter(end); t = t.plus(SCRAPE_INTERVAL)) {
            boolean ksmUp = ksmSilentFrom == null || t.isBefore(ksmSilentFrom);
            for (Node node : nodes) {
                if (ksmUp) {
                    node.writeKubeStateMetrics(metrics, t);
                }
                node.writeNodeExporter(metrics, t);
            }
            if (ksmUp) {
                for (Pod pod : pods) {
                    pod.write(metrics, t);
                }
            }
        }
        return metrics.text();
    }

    private static Labels ksm(String... labels) {
        return Labels.of("job", "kube-state-metrics", "instance", "10.42.0.5:8080").and(labels);
    }

    /** A busy fraction (0..1) over time. */
    interface Load extends Function<Instant, Double> {
        static Load constant(double fraction) {
            return t -> fraction;
        }

        /** {@code fraction} from {@code from} (inclusive) on, this load before. */
        default Load from(Instant from, double fraction) {
            return t -> t.isBefore(from) ? apply(t) : fraction;
        }

        /** {@code fraction} in [{@code from}, {@code until}), this load elsewhere. */
        default Load between(Instant from, Instant until, double fraction) {
            return t -> !t.isBefore(from) && t.isBefore(until) ? fraction : apply(t);
        }
    }

    final class Node {
        private final String name;
        private final boolean controlPlane;
        private final String ip;
        private String providerId;
        private int cpus = 2;
        private Load cpuBusy = Load.constant(0.1);
        private long memoryTotal = 2 * GIB;
        private Load memoryUsed = Load.constant(0.3);
        private boolean ready = true;
        private boolean cordoned;
        private boolean nodeExporter = true;
        private Instant exporterSilentFrom;
        private Instant exporterSilentUntil;
        private final double[] idleSeconds = new double[64];
        private final double[] userSeconds = new double[64];

        private Node(String name, boolean controlPlane, int index) {
            this.name = name;
            this.controlPlane = controlPlane;
            this.ip = "10.0.1." + (10 + index);
            this.providerId = controlPlane ? "aws:///eu-west-1a/i-0000000000000master"
                    : String.format(Locale.ROOT, "aws:///eu-west-1%s/i-%017x", index % 2 == 0 ? "a" : "b", 0xabc000L + index);
        }

        Node cpus(int count) {
            this.cpus = count;
            return this;
        }

        Node cpuBusy(double fraction) {
            return cpuBusy(Load.constant(fraction));
        }

        Node cpuBusy(Load load) {
            this.cpuBusy = load;
            return this;
        }

        Node memory(long totalBytes, double usedFraction) {
            return memory(totalBytes, Load.constant(usedFraction));
        }

        Node memory(long totalBytes, Load used) {
            this.memoryTotal = totalBytes;
            this.memoryUsed = used;
            return this;
        }

        Node providerId(String value) {
            this.providerId = value;
            return this;
        }

        Node notReady() {
            this.ready = false;
            return this;
        }

        Node cordoned() {
            this.cordoned = true;
            return this;
        }

        Node withoutNodeExporter() {
            this.nodeExporter = false;
            return this;
        }

        /** No node-exporter samples in [from, until). */
        Node exporterSilentBetween(Instant from, Instant until) {
            this.exporterSilentFrom = from;
            this.exporterSilentUntil = until;
            return this;
        }

        private void writeKubeStateMetrics(OpenMetrics metrics, Instant t) {
            metrics.gauge("kube_node_info").sample(ksm("node", name, "provider_id", providerId,
                    "internal_ip", ip, "kubelet_version", "v1.33.5+k3s1"), t, 1);
            if (controlPlane) {
                // K3s labels its server with both roles.
                metrics.gauge("kube_node_role").sample(ksm("node", name, "role", "control-plane"), t, 1);
                metrics.gauge("kube_node_role").sample(ksm("node", name, "role", "master"), t, 1);
            }
            for (String status : List.of("true", "false", "unknown")) {
                metrics.gauge("kube_node_status_condition").sample(
                        ksm("node", name, "condition", "Ready", "status", status), t,
                        status.equals(ready ? "true" : "false") ? 1 : 0);
            }
            metrics.gauge("kube_node_spec_unschedulable").sample(ksm("node", name), t, cordoned ? 1 : 0);
        }

        private void writeNodeExporter(OpenMetrics metrics, Instant t) {
            double busy = cpuBusy.apply(t);
            for (int cpu = 0; cpu < cpus; cpu++) {
                // Counters advance even while nobody scrapes them.
                idleSeconds[cpu] += SCRAPE_INTERVAL.toSeconds() * (1 - busy);
                userSeconds[cpu] += SCRAPE_INTERVAL.toSeconds() * busy;
            }
            boolean silent = !nodeExporter || (exporterSilentFrom != null
                    && !t.isBefore(exporterSilentFrom) && t.isBefore(exporterSilentUntil));
            if (silent) {
                return;
            }
            Labels labels = Labels.of("job", "node-exporter", "instance", ip + ":9100", "node", name);
            for (int cpu = 0; cpu < cpus; cpu++) {
                String cpuLabel = Integer.toString(cpu);
                metrics.counter("node_cpu_seconds").sample(labels.and("cpu", cpuLabel, "mode", "idle"), t, idleSeconds[cpu]);
                metrics.counter("node_cpu_seconds").sample(labels.and("cpu", cpuLabel, "mode", "user"), t, userSeconds[cpu]);
            }
            metrics.gauge("node_memory_MemTotal_bytes").sample(labels, t, memoryTotal);
            metrics.gauge("node_memory_MemAvailable_bytes").sample(labels, t,
                    Math.round(memoryTotal * (1 - memoryUsed.apply(t))));
        }
    }

    final class Pod {
        private final String namespace;
        private final String name;
        private final String uid;
        private String node;
        private String phase = "Running";
        private Instant createdAt;
        private boolean unschedulable;
        private String ownerKind = "ReplicaSet";
        private final List<double[]> containers = new ArrayList<>();
        private final List<String> containerNames = new ArrayList<>();

        private Pod(String namespace, String name, String uid) {
            this.namespace = namespace;
            this.name = name;
            this.uid = uid;
        }

        Pod runningOn(Node host) {
            this.node = host.name;
            this.phase = "Running";
            return this;
        }

        /** Scheduled, still Pending (pulling its image): needs no new node. */
        Pod pullingImageOn(Node host) {
            this.node = host.name;
            this.phase = "Pending";
            return this;
        }

        Pod succeededOn(Node host) {
            this.node = host.name;
            this.phase = "Succeeded";
            return this;
        }

        Pod failedOn(Node host) {
            this.node = host.name;
            this.phase = "Failed";
            return this;
        }

        /** Created at {@code since} and unschedulable ever after. */
        Pod unschedulableSince(Instant since) {
            this.node = null;
            this.phase = "Pending";
            this.unschedulable = true;
            this.createdAt = since;
            return this;
        }

        Pod ownedBy(String kind) {
            this.ownerKind = kind;
            return this;
        }

        Pod container(String containerName, long cpuMillis, long memoryBytes) {
            containerNames.add(containerName);
            containers.add(new double[] {cpuMillis / 1000.0, memoryBytes});
            return this;
        }

        private void write(OpenMetrics metrics, Instant t) {
            if (createdAt != null && t.isBefore(createdAt)) {
                return;
            }
            Labels pod = ksm("namespace", namespace, "pod", name, "uid", uid);
            metrics.gauge("kube_pod_info").sample(node == null ? pod : pod.and("node", node), t, 1);
            metrics.gauge("kube_pod_owner").sample(pod.and("owner_kind", ownerKind,
                    "owner_name", name.replaceAll("-[^-]+$", ""), "owner_is_controller", "true"), t, 1);
            for (String candidate : PHASES) {
                metrics.gauge("kube_pod_status_phase").sample(pod.and("phase", candidate), t,
                        candidate.equals(phase) ? 1 : 0);
            }
            if (unschedulable) {
                metrics.gauge("kube_pod_status_unschedulable").sample(pod, t, 1);
            }
            for (int i = 0; i < containers.size(); i++) {
                // KSM leaves node empty (so Prometheus drops the label) until the pod is bound.
                Labels container = pod.and("container", containerNames.get(i));
                if (node != null) {
                    container = container.and("node", node);
                }
                metrics.gauge("kube_pod_container_resource_requests").sample(
                        container.and("resource", "cpu", "unit", "core"), t, containers.get(i)[0]);
                metrics.gauge("kube_pod_container_resource_requests").sample(
                        container.and("resource", "memory", "unit", "byte"), t, containers.get(i)[1]);
            }
        }
    }
}
