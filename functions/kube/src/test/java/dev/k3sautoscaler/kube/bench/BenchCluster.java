package dev.k3sautoscaler.kube.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import dev.k3sautoscaler.core.scaledown.NodeLabels;
import dev.k3sautoscaler.core.scaledown.ProviderId;
import dev.k3sautoscaler.testkit.http.LoopbackServer;
import dev.k3sautoscaler.testkit.kube.FakeKubeApi;
import dev.k3sautoscaler.testkit.kube.KubeObjects;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The cluster the kube steps' benchmark reads, in one long-lived process: the testkit's K3s API
 * holding 200 nodes (a master and 199 workers) and 5,000 pods shaped like {@code kubectl get pod -o
 * json} output (≈ 5 KB each: two DaemonSets on every node, Deployments, StatefulSets, finished Jobs;
 * one or two containers with requests, limits, env, probes, volumes; full status). Writes what the
 * benchmark needs ({@code KEY=VALUE} lines) to the file given as the first argument: the API's URL,
 * a control URL whose {@code /bytes} tells the bytes of response bodies served so far, and the
 * workers. Serves until killed. Not a test: scripts/benchmark-kube-steps.sh runs it.
 */
public final class BenchCluster {
    static final int NODES = 200;
    static final int PODS = 5_000;
    private static final String ZONE_PREFIX = "us-east-1";
    private static final String[] ZONES = {"us-east-1a", "us-east-1b", "us-east-1c"};
    private static final String[] DAEMON_SETS = {"monitoring/node-exporter", "logging/fluent-bit"};
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    private BenchCluster() {
    }

    public static void main(String[] args) throws Exception {
        FakeKubeApi api = FakeKubeApi.start();
        List<String> workers = new ArrayList<>();
        api.register(node("ip-10-0-0-10", "i-0bench00000000", 0, true));
        for (int i = 1; i < NODES; i++) {
            String name = String.format(Locale.ROOT, "ip-10-0-%d-%d", 1 + i / 200, 10 + i % 200);
            String instance = String.format(Locale.ROOT, "i-0bench%08x", i);
            api.register(node(name, instance, i, false));
            workers.add(name + ":" + instance);
        }
        JsonNode template;
        try (InputStream in = BenchCluster.class.getResourceAsStream("/bench/pod.json")) {
            template = JSON.readTree(in);
        }
        List<Pod> pods = new ArrayList<>();
        for (int n = 0; n < NODES; n++) {
            for (String daemonSet : DAEMON_SETS) {
                pods.add(pod(template, pods.size(), daemonSet.split("/")[0], daemonSet.split("/")[1], "DaemonSet", nodeName(n, workers)));
            }
        }
        while (pods.size() < PODS) {
            int i = pods.size();
            String kind = i % 20 == 0 ? "Job" : i % 10 == 1 ? "StatefulSet" : "ReplicaSet";
            String node = workers.get(i % workers.size()).split(":")[0];
            pods.add(pod(template, i, String.format(Locale.ROOT, "team-%02d", i % 20), String.format(Locale.ROOT, "svc-%02d", i % 60), kind, node));
        }
        ExecutorService seeders = Executors.newFixedThreadPool(4);
        List<Future<Pod>> created = pods.stream().map(pod -> seeders.submit(() -> api.create(pod))).toList();
        for (Future<Pod> pod : created) {
            pod.get();
        }
        seeders.shutdown();
        long before = api.bytesServed();
        api.world().pods().inAnyNamespace().list();
        long listBytes = api.bytesServed() - before;

        HttpServer control = LoopbackServer.bind();
        control.createContext("/bytes", exchange -> {
            byte[] body = Long.toString(api.bytesServed()).getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        control.start();
        Files.writeString(Path.of(args[0]), String.join("\n",
                "K8S_API_URL=" + api.url(),
                "BENCH_CONTROL_URL=http://127.0.0.1:" + control.getAddress().getPort(),
                "BENCH_WORKERS=" + String.join(",", workers),
                "BENCH_PODS=" + pods.size(),
                "BENCH_POD_LIST_BYTES=" + listBytes) + "\n", StandardCharsets.UTF_8);
        System.out.printf("bench cluster ready: %d nodes, %d pods, one pod list %d bytes (%d per pod)%n", NODES, pods.size(),
                listBytes, listBytes / pods.size());
        Thread.currentThread().join();
    }

    private static String nodeName(int n, List<String> workers) {
        return n == 0 ? "ip-10-0-0-10" : workers.get(n - 1).split(":")[0];
    }

    /** An m5.2xlarge-sized K3s node as its kubelet reports it: labels, K3s annotations, addresses, images. */
    private static Node node(String name, String instance, int i, boolean master) throws IOException {
        String zone = ZONES[i % ZONES.length];
        NodeBuilder node = KubeObjects.node(name, ProviderId.of(zone, instance), KubeObjects.Readiness.READY,
                        Instant.parse("2026-11-20T00:00:00Z").plusSeconds(60L * i), 7910, 31L << 30)
                .editMetadata()
                .addToLabels("beta.kubernetes.io/arch", "amd64").addToLabels("beta.kubernetes.io/os", "linux")
                .addToLabels("kubernetes.io/arch", "amd64").addToLabels("kubernetes.io/os", "linux")
                .addToLabels("kubernetes.io/hostname", name).addToLabels("node.kubernetes.io/instance-type", "m5.2xlarge")
                .addToLabels("topology.kubernetes.io/region", ZONE_PREFIX).addToLabels("topology.kubernetes.io/zone", zone)
                .addToAnnotations("alpha.kubernetes.io/provided-node-ip", "10.0." + (1 + i / 200) + "." + (10 + i % 200))
                .addToAnnotations("flannel.alpha.coreos.com/backend-data", "{\"VNI\":1,\"VtepMAC\":\"" + mac(i) + "\"}")
                .addToAnnotations("flannel.alpha.coreos.com/backend-type", "vxlan")
                .addToAnnotations("flannel.alpha.coreos.com/kube-subnet-manager", "true")
                .addToAnnotations("flannel.alpha.coreos.com/public-ip", "10.0." + (1 + i / 200) + "." + (10 + i % 200))
                .addToAnnotations("k3s.io/hostname", name).addToAnnotations("k3s.io/internal-ip", "10.0." + (1 + i / 200) + "." + (10 + i % 200))
                .addToAnnotations("k3s.io/node-args", "[\"agent\",\"--node-label\",\"k3s-autoscaler/managed=true\"]")
                .addToAnnotations("node.alpha.kubernetes.io/ttl", "0")
                .addToAnnotations("volumes.kubernetes.io/controller-managed-attach-detach", "true")
                .endMetadata();
        node = master
                ? node.editMetadata().addToLabels(NodeLabels.ROLE_CONTROL_PLANE, "true").addToLabels(NodeLabels.ROLE_MASTER, "true").endMetadata()
                : node.editMetadata().addToLabels(NodeLabels.MANAGED, "true").endMetadata();
        ObjectNode json = (ObjectNode) JSON.readTree(SERIALIZATION.asJson(node.build()));
        ObjectNode status = (ObjectNode) json.path("status");
        ArrayNode images = status.putArray("images");
        for (int image = 0; image < 12; image++) {
            images.addObject().put("sizeBytes", 20_000_000L + image * 7_340_033L).putArray("names")
                    .add("registry.example.internal/shop/svc-" + image + "@sha256:" + hex(image * 31 + i, 64))
                    .add("registry.example.internal/shop/svc-" + image + ":2.14." + image);
        }
        status.putObject("nodeInfo").put("architecture", "amd64").put("bootID", UUID.nameUUIDFromBytes(name.getBytes()).toString())
                .put("containerRuntimeVersion", "containerd://1.7.23-k3s2").put("kernelVersion", "6.1.115-126.197.amzn2023.x86_64")
                .put("kubeProxyVersion", "v1.31.4+k3s1").put("kubeletVersion", "v1.31.4+k3s1")
                .put("machineID", hex(i, 32)).put("operatingSystem", "linux").put("osImage", "Amazon Linux 2023.6.20241212")
                .put("systemUUID", "ec2" + hex(i, 29));
        status.putArray("addresses").add(JSON.createObjectNode().put("type", "InternalIP").put("address", "10.0." + (1 + i / 200) + "." + (10 + i % 200)))
                .add(JSON.createObjectNode().put("type", "Hostname").put("address", name));
        return SERIALIZATION.unmarshal(json.toString(), Node.class);
    }

    /** A pod from the template: its names, owner, node, IPs and requests; a sidecar, an affinity for some. */
    private static Pod pod(JsonNode template, int i, String namespace, String app, String kind, String node) {
        ObjectNode pod = template.deepCopy();
        String text = pod.toString().replace("\"NAMESPACE\"", "\"" + namespace + "\"").replace("APP", app)
                .replace("\"NODE\"", "\"" + node + "\"")
                .replace("HOST_IP", "10.0." + (i % 200) + ".10").replace("POD_IP", "10.42." + (i / 250) + "." + (i % 250))
                .replace("\"UID\"", "\"" + UUID.nameUUIDFromBytes(("pod-" + i).getBytes()) + "\"")
                .replace("\"CPU\"", "\"" + (50 + 25 * (i % 9)) + "m\"").replace("\"MEMORY\"", "\"" + (64 + 32 * (i % 11)) + "Mi\"");
        try {
            pod = (ObjectNode) JSON.readTree(text);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        ObjectNode meta = (ObjectNode) pod.path("metadata");
        String suffix = hex(i * 7919, 5);
        meta.put("name", "DaemonSet".equals(kind) ? app + "-" + suffix : "StatefulSet".equals(kind) ? app + "-" + i
                : app + "-7c9d5b8f6d-" + suffix);
        meta.remove("creationTimestamp");
        ObjectNode owner = (ObjectNode) meta.path("ownerReferences").get(0);
        owner.put("kind", kind).put("name", "ReplicaSet".equals(kind) ? app + "-7c9d5b8f6d" : "Job".equals(kind) ? app + "-29410" + i : app)
                .put("apiVersion", "Job".equals(kind) ? "batch/v1" : "apps/v1");
        ObjectNode spec = (ObjectNode) pod.path("spec");
        if (i % 3 != 0 || "DaemonSet".equals(kind)) {
            ((ArrayNode) spec.path("containers")).remove(1);
            ((ArrayNode) pod.path("status").path("containerStatuses")).remove(1);
        }
        if ("DaemonSet".equals(kind)) {
            ((ArrayNode) spec.path("tolerations")).addObject().put("operator", "Exists");
        } else if (i % 7 == 0) {
            ObjectNode term = spec.putObject("affinity").putObject("podAntiAffinity")
                    .putArray("preferredDuringSchedulingIgnoredDuringExecution").addObject().put("weight", 100)
                    .putObject("podAffinityTerm").put("topologyKey", "kubernetes.io/hostname");
            term.putObject("labelSelector").putObject("matchLabels").put("app.kubernetes.io/name", app);
        } else if (i % 11 == 0) {
            spec.putObject("affinity").putObject("nodeAffinity").putObject("requiredDuringSchedulingIgnoredDuringExecution")
                    .putArray("nodeSelectorTerms").addObject().putArray("matchExpressions").addObject()
                    .put("key", "topology.kubernetes.io/zone").put("operator", "In").putArray("values").add(ZONES[0]).add(ZONES[1]).add(ZONES[2]);
        }
        if ("Job".equals(kind)) {
            ((ObjectNode) pod.path("status")).put("phase", "Succeeded");
            spec.put("restartPolicy", "Never");
        }
        return SERIALIZATION.unmarshal(pod.toString(), Pod.class);
    }

    private static String mac(int i) {
        return String.format(Locale.ROOT, "6e:%02x:%02x:%02x:1c:4f", i % 256, (i * 7) % 256, (i * 13) % 256);
    }

    private static String hex(int seed, int length) {
        StringBuilder hex = new StringBuilder();
        long value = seed * 2654435761L + 97;
        while (hex.length() < length) {
            value = value * 6364136223846793005L + 1442695040888963407L;
            hex.append(String.format(Locale.ROOT, "%016x", value));
        }
        return hex.substring(0, length);
    }
}
