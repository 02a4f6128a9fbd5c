import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.k3sautoscaler.clusterauth.ClusterCredentials;
import dev.k3sautoscaler.kube.CheckWorkersJoinedHandler;
import dev.k3sautoscaler.kube.CordonNodeHandler;
import dev.k3sautoscaler.kube.DeleteNodeHandler;
import dev.k3sautoscaler.kube.DrainNodeHandler;
import dev.k3sautoscaler.kube.KubeClientFactory;
import dev.k3sautoscaler.kube.KubeSettings;
import dev.k3sautoscaler.kube.KubeSteps;
import dev.k3sautoscaler.kube.KubeTimeouts;
import dev.k3sautoscaler.kube.NodeOperations;
import dev.k3sautoscaler.kube.SelectScaleDownTargetHandler;
import dev.k3sautoscaler.kube.UncordonNodeHandler;
import dev.k3sautoscaler.runtime.LocalLambdaContext;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * One kube step, run RUNS times in this JVM through its real handler and the production client
 * (functions/kube's kube-lambda.jar on the classpath, old or new), against the benchmark's cluster
 * (functions/kube test {@code bench/BenchCluster}). Steps that change a node take a fresh worker
 * per run, from index FIRST on; a drain's worker is cordoned first, outside the measurement.
 * Prints {@code KUBESTEP step median_ms median_cpu_ms median_bytes_read median_allocated_bytes outcome}:
 * wall time of handleRequest (the API's own work included), CPU time of this JVM meanwhile (the
 * step's, its client's, GC and compiler threads'), bytes of the response bodies the API served
 * meanwhile, and heap allocated by every thread of this JVM meanwhile. An OutOfMemoryError is an
 * outcome.
 *
 * <pre>java -Xmx150m -cp kube-lambda.jar:. KubeStep ENV_FILE STEP RUNS FIRST</pre>
 */
public final class KubeStep {
    private static final String TOKEN = "bench";

    public static void main(String[] args) throws Exception {
        Map<String, String> env = new HashMap<>();
        for (String line : Files.readAllLines(Path.of(args[0]))) {
            if (line.contains("=")) {
                env.put(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1));
            }
        }
        String step = args[1];
        int runs = Integer.parseInt(args[2]);
        int first = Integer.parseInt(args[3]);
        List<String[]> workers = Arrays.stream(env.get("BENCH_WORKERS").split(",")).map(w -> w.split(":")).toList();
        URI control = URI.create(env.get("BENCH_CONTROL_URL") + "/bytes");

        KubernetesClient client = KubeClientFactory.create(ClusterCredentials.of(URI.create(env.get("K8S_API_URL")), null,
                () -> TOKEN));
        KubeTimeouts timeouts = KubeTimeouts.defaults();
        KubeSettings settings = new KubeSettings("bench", true, timeouts);
        KubeSteps steps = new KubeSteps(settings, new NodeOperations(client, settings.evictionRules(), Clock.systemUTC(),
                timeouts));
        RequestStreamHandler handler = switch (step) {
            case "CheckWorkersJoined" -> new CheckWorkersJoinedHandler(steps);
            case "SelectScaleDownTarget" -> new SelectScaleDownTargetHandler(steps);
            case "CordonNode" -> new CordonNodeHandler(steps);
            case "DrainNode", "DrainNodeWithAPodWaiting" -> new DrainNodeHandler(steps);
            case "UncordonNode" -> new UncordonNodeHandler(steps);
            case "DeleteNode" -> new DeleteNodeHandler(steps);
            default -> throw new IllegalArgumentException("no kube step " + step);
        };
        CordonNodeHandler cordon = new CordonNodeHandler(steps);
        HttpClient http = HttpClient.newHttpClient();
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        var process = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

        List<Long> millis = new ArrayList<>();
        List<Long> cpuMillis = new ArrayList<>();
        List<Long> bytes = new ArrayList<>();
        List<Long> allocated = new ArrayList<>();
        String outcome = "ok";
        try {
            for (int run = 0; run < runs; run++) {
                String[] worker = workers.get(first + run);
                String node = "{\"execution\":\"bench-" + run + "\",\"nodeName\":\"" + worker[0] + "\",\"instanceId\":\""
                        + worker[1] + "\",\"purpose\":\"scale-down\"}";
                String input = switch (step) {
                    case "CheckWorkersJoined" -> "{\"execution\":\"bench\",\"instanceIds\":[" + workers.subList(0, 3).stream()
                            .map(w -> "\"" + w[1] + "\"").collect(Collectors.joining(",")) + "],\"launchedAt\":\""
                            + Instant.now().minusSeconds(90) + "\"}";
                    case "SelectScaleDownTarget" -> "{\"execution\":\"bench\",\"fleet\":{\"observed\":true,\"billedInstanceIds\":["
                            + workers.stream().map(w -> "\"" + w[1] + "\"").collect(Collectors.joining(","))
                            + "],\"goneInstanceIds\":[]},\"state\":{\"consecutiveFailures\":0,\"paused\":false}}";
                    default -> node;
                };
                if (step.startsWith("DrainNode") || step.equals("UncordonNode")) {
                    invoke(cordon, node);
                }
                String waiting = "waiting-" + first + "-" + run;
                if (step.equals("DrainNodeWithAPodWaiting")) {
                    client.pods().inNamespace("team-00").resource(new PodBuilder().withNewMetadata().withName(waiting)
                            .endMetadata().withNewSpec().addNewContainer().withName("app").withImage("app:1")
                            .withNewResources().addToRequests("cpu", new Quantity("100m")).endResources().endContainer()
                            .endSpec().withNewStatus().withPhase("Pending").endStatus().build()).create();
                }
                long servedBefore = served(http, control);
                long allocatedBefore = threads.getTotalThreadAllocatedBytes();
                long cpuBefore = process.getProcessCpuTime();
                long start = System.nanoTime();
                try {
                    invoke(handler, input);
                } catch (RuntimeException e) {
                    Throwable root = e;
                    while (root.getCause() != null && root.getCause() != root) {
                        root = root.getCause();
                    }
                    if (root instanceof OutOfMemoryError oom) {
                        throw oom;
                    }
                    outcome = "error:" + e.getClass().getSimpleName();
                    System.err.println(e);
                }
                millis.add((System.nanoTime() - start) / 1_000_000);
                cpuMillis.add((process.getProcessCpuTime() - cpuBefore) / 1_000_000);
                allocated.add(threads.getTotalThreadAllocatedBytes() - allocatedBefore);
                bytes.add(served(http, control) - servedBefore);
                if (step.equals("DrainNodeWithAPodWaiting")) {
                    client.pods().inNamespace("team-00").withName(waiting).delete();
                }
            }
        } catch (OutOfMemoryError e) {
            System.out.println("KUBESTEP " + step + " - - - - OutOfMemoryError");
            System.exit(0);
        }
        System.out.println("KUBESTEP " + step + " " + median(millis) + " " + median(cpuMillis) + " " + median(bytes) + " "
                + median(allocated) + " " + outcome);
        System.exit(0);
    }

    private static String invoke(RequestStreamHandler handler, String input) throws java.io.IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)), out,
                LocalLambdaContext.forFunction("kube"));
        return out.toString(StandardCharsets.UTF_8);
    }

    private static long served(HttpClient http, URI control) throws Exception {
        return Long.parseLong(http.send(HttpRequest.newBuilder(control).build(), HttpResponse.BodyHandlers.ofString()).body());
    }

    private static long median(List<Long> values) {
        List<Long> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }
}
