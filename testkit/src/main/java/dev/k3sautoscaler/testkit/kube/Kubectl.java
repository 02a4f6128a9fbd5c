package dev.k3sautoscaler.testkit.kube;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real {@code kubectl} pointed at a {@link FakeKubeApi}, so a test asserts on what an operator
 * reads ({@code kubectl describe pod}, {@code kubectl get configmap -o yaml}) rather than on the
 * objects behind it. Each instance has its own temporary kubeconfig and cache directory: kubectl
 * otherwise caches discovery under {@code $HOME}, shared by parallel runs against servers that
 * come and go.
 *
 * <p>The binary is {@code $KUBECTL} when set, else {@code kubectl} on PATH ({@code ./autoscaler
 * setup} installs Debian's {@code kubernetes-client}). When it is missing this fails with that
 * instruction: a test that reads kubectl's output must never pass without it.
 *
 * <pre>{@code
 * try (Kubectl kubectl = Kubectl.against(api, null)) {
 *     String described = kubectl.run("describe", "pod", "-n", "default", "web-1");
 * }
 * }</pre>
 */
public final class Kubectl implements AutoCloseable {
    /** A describe against the in-process server takes well under a second; this means stuck. */
    public static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path binary;
    private final Path directory;
    private final Path kubeconfig;

    private Kubectl(Path binary, Path directory, Path kubeconfig) {
        this.binary = binary;
        this.directory = directory;
        this.kubeconfig = kubeconfig;
    }

    /** kubectl as a client with this bearer token (null: none) sees {@code api}. */
    public static Kubectl against(FakeKubeApi api, String token) {
        Path binary = binary(System.getenv());
        Path directory;
        try {
            directory = Files.createTempDirectory("kubectl-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            Path kubeconfig = directory.resolve("kubeconfig");
            Files.writeString(kubeconfig, kubeconfig(api.url().toString(), token), StandardCharsets.UTF_8);
            return new Kubectl(binary, directory, kubeconfig);
        } catch (IOException e) {
            deleteQuietly(directory);
            throw new UncheckedIOException(e);
        }
    }

    /** The binary that runs. */
    public Path binary() {
        return binary;
    }

    /** Runs {@code kubectl <args>} and returns its standard output; fails with its standard error on a non-zero exit. */
    public String run(String... args) {
        List<String> command = new ArrayList<>();
        command.add(binary.toString());
        command.add("--kubeconfig=" + kubeconfig);
        command.add("--cache-dir=" + directory.resolve("cache"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile());
        builder.environment().put("KUBECONFIG", kubeconfig.toString());
        // Newer kubectl reads a user's preferences (aliases, default flags) from ~/.kube/kuberc: not here.
        builder.environment().put("KUBERC", "off");
        Process process;
        try {
            process = builder.start();
            process.getOutputStream().close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + binary, e);
        }
        CompletableFuture<String> stdout = readAll(process.getInputStream());
        CompletableFuture<String> stderr = readAll(process.getErrorStream());
        String shown = "kubectl " + String.join(" ", args);
        try {
            if (!process.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                throw new IllegalStateException(shown + " did not finish within " + TIMEOUT + "; its error output:\n"
                        + stderr.completeOnTimeout("", 5, TimeUnit.SECONDS).join());
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + shown, e);
        }
        if (process.exitValue() != 0) {
            throw new IllegalStateException(shown + " failed (exit " + process.exitValue() + "):\n" + stderr.join());
        }
        return stdout.join();
    }

    @Override
    public void close() {
        deleteQuietly(directory);
    }

    /** {@code KUBECTL} when set (it must then be executable), else {@code kubectl} on {@code PATH}. */
    static Path binary(Map<String, String> environment) {
        String named = environment.get("KUBECTL");
        if (named != null && !named.isBlank()) {
            Path path = Path.of(named);
            if (!Files.isExecutable(path)) {
                throw new IllegalStateException("KUBECTL names " + named + ", which is not an executable file.");
            }
            return path;
        }
        String path = environment.get("PATH");
        if (path != null) {
            for (String dir : path.split(File.pathSeparator)) {
                Path candidate = Path.of(dir, "kubectl");
                if (Files.isExecutable(candidate)) {
                    return candidate;
                }
            }
        }
        throw new IllegalStateException("'kubectl' is not on PATH (and KUBECTL is not set). These tests read what a"
                + " real kubectl prints and do not run without it: run ./autoscaler setup (installs Debian's"
                + " 'kubernetes-client' package, which provides kubectl), or install kubectl and put it on PATH"
                + " or name it in KUBECTL.");
    }

    static String kubeconfig(String url, String token) {
        String server = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        // JSON is YAML: every value quoted, whatever it holds.
        ObjectNode config = JSON.createObjectNode().put("apiVersion", "v1").put("kind", "Config")
                .put("current-context", "fake-kube-api");
        config.putArray("clusters").addObject().put("name", "fake-kube-api").putObject("cluster").put("server", server);
        ObjectNode user = config.putArray("users").addObject().put("name", "fake-kube-api").putObject("user");
        if (token != null) {
            user.put("token", token);
        }
        config.putArray("contexts").addObject().put("name", "fake-kube-api").putObject("context")
                .put("cluster", "fake-kube-api").put("user", "fake-kube-api");
        return config.toPrettyString();
    }

    /** On a thread of its own: a reader waiting in a shared pool could leave kubectl blocked on a full pipe. */
    private static CompletableFuture<String> readAll(InputStream stream) {
        return CompletableFuture.supplyAsync(() -> {
            try (stream) {
                return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, task -> Thread.ofPlatform().daemon().name("kubectl-output").start(task));
    }

    private static void deleteQuietly(Path directory) {
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // A leftover temporary directory is harmless.
        }
    }
}
