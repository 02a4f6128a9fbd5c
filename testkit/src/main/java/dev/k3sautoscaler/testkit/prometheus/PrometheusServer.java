package dev.k3sautoscaler.testkit.prometheus;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * A real Prometheus server on 127.0.0.1 over a backfilled history, so PromQL is evaluated by the
 * real engine: the history is written as OpenMetrics text, turned into TSDB blocks by
 * {@code promtool tsdb create-blocks-from openmetrics}, and served by {@code prometheus} from a
 * temporary directory (the server writes into its data directory, so fixtures are never served
 * in place). Query it with an explicit {@code time=} inside the history.
 *
 * <p>The binaries come from the operating system ({@code ./autoscaler setup} installs Debian's
 * {@code prometheus} package). When they are missing this fails with that instruction: a test that
 * needs the real engine must never pass without it.
 *
 * <pre>{@code
 * try (PrometheusServer prometheus = PrometheusServer.backfilledWith(metrics.text())) {
 *     String json = prometheus.instantQuery("sum(kube_node_info)", at);
 * }
 * }</pre>
 */
public final class PrometheusServer implements AutoCloseable {
    /** A backfilled server is ready in about half a second here; 30 s means it is stuck, not slow. */
    public static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(30);
    /** Backfilling a fixture of a few thousand samples takes well under a second. */
    public static final Duration BACKFILL_TIMEOUT = Duration.ofSeconds(60);
    /** SIGTERM lets Prometheus close its TSDB; after this it is killed. */
    public static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
    /** Fixtures use fixed dates; the default 15-day retention would delete them at startup. */
    private static final String RETENTION = "100y";
    private static final String READY_LINE = "Server is ready to receive web requests";
    private static final int START_ATTEMPTS = 3;
    private static final int LOG_LINES_KEPT = 40;

    private final Process process;
    private final Path directory;
    private final URI url;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    /** A JVM that ends without close() (a crashed test run) must not leave a server behind. */
    private final Thread killOnExit;

    private PrometheusServer(Process process, Path directory, URI url) {
        this.process = process;
        this.directory = directory;
        this.url = url;
        this.killOnExit = new Thread(process::destroyForcibly, "prometheus-kill-on-exit");
        Runtime.getRuntime().addShutdownHook(killOnExit);
    }

    /** Backfills {@code openMetricsText} (see {@link OpenMetrics}) and starts a server over it. */
    public static PrometheusServer backfilledWith(String openMetricsText) {
        return backfilledWith(openMetricsText, null);
    }

    /**
     * As {@link #backfilledWith(String)}, with Prometheus's lookback ({@code --query.lookback-delta})
     * set to {@code lookbackDelta}. A backfill has no staleness markers, so a series that ends stays
     * visible for the default 5 minutes; a lookback just under the fixture's scrape interval makes it
     * vanish at its first missing scrape, as a live server's staleness marker does.
     */
    public static PrometheusServer backfilledWith(String openMetricsText, Duration lookbackDelta) {
        Path directory = createDirectory();
        try {
            Path input = directory.resolve("history.om");
            Files.writeString(input, openMetricsText, StandardCharsets.UTF_8);
            return backfilled(input, directory, lookbackDelta);
        } catch (IOException e) {
            deleteQuietly(directory);
            throw new UncheckedIOException(e);
        }
    }

    /** The same from a file, read by the backfill itself: an export of a day at 100 workers is gigabytes. */
    public static PrometheusServer backfilledFrom(Path openMetricsFile, Duration lookbackDelta) {
        return backfilled(openMetricsFile, createDirectory(), lookbackDelta);
    }

    private static PrometheusServer backfilled(Path input, Path directory, Duration lookbackDelta) {
        Path promtool = Binaries.require("promtool");
        Path prometheus = Binaries.require("prometheus");
        try {
            Path data = directory.resolve("data");
            run(List.of(promtool.toString(), "tsdb", "create-blocks-from", "openmetrics",
                    input.toString(), data.toString()), directory);
            Path config = directory.resolve("prometheus.yml");
            Files.writeString(config, "global:\n  scrape_interval: 15s\nscrape_configs: []\n", StandardCharsets.UTF_8);
            return start(prometheus, config, data, directory, lookbackDelta);
        } catch (IOException e) {
            deleteQuietly(directory);
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            deleteQuietly(directory);
            throw e;
        }
    }

    /** The server's base URL, ending in {@code /}. */
    public URI url() {
        return url;
    }

    /** Evaluates {@code promql} at {@code time} and returns the HTTP API's JSON answer as text. */
    public String instantQuery(String promql, Instant time) {
        URI uri = url.resolve("api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8)
                + "&time=" + time.getEpochSecond() + "." + String.format(java.util.Locale.ROOT, "%03d", time.getNano() / 1_000_000));
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            return response.body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while querying Prometheus", e);
        }
    }

    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(killOnExit);
        } catch (IllegalStateException e) {
            // The JVM is already shutting down; the hook does the same work.
        }
        process.destroy();
        try {
            if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        } finally {
            deleteQuietly(directory);
        }
    }

    private static PrometheusServer start(Path prometheus, Path config, Path data, Path directory, Duration lookbackDelta) {
        String lastFailure = "";
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            int port = freePort();
            List<String> command = new ArrayList<>(List.of(prometheus.toString(),
                    "--config.file=" + config,
                    "--storage.tsdb.path=" + data,
                    "--storage.tsdb.retention.time=" + RETENTION,
                    "--web.listen-address=127.0.0.1:" + port,
                    "--log.level=info"));
            if (lookbackDelta != null) {
                command.add("--query.lookback-delta=" + lookbackDelta.toMillis() + "ms");
            }
            Process process;
            try {
                process = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true).start();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start " + prometheus, e);
            }
            Startup startup = Startup.watch(process);
            try {
                startup.ready.get(STARTUP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                return new PrometheusServer(process, directory, URI.create("http://127.0.0.1:" + port + "/"));
            } catch (ExecutionException e) {
                // Most likely another process took the port between freePort() and the bind: try another.
                lastFailure = startup.log();
            } catch (TimeoutException e) {
                process.destroyForcibly();
                throw new IllegalStateException("prometheus was not ready within " + STARTUP_TIMEOUT
                        + "; its log:\n" + startup.log());
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while starting prometheus", e);
            }
        }
        throw new IllegalStateException("prometheus did not start after " + START_ATTEMPTS + " attempts; last log:\n"
                + lastFailure);
    }

    /** Follows the server's log until it says it is ready, or exits. */
    private record Startup(CompletableFuture<Void> ready, Deque<String> lines) {
        static Startup watch(Process process) {
            Startup startup = new Startup(new CompletableFuture<>(), new ArrayDeque<>());
            Thread reader = new Thread(() -> {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = in.readLine()) != null) {
                        startup.keep(line);
                        if (line.contains(READY_LINE)) {
                            startup.ready.complete(null);
                        }
                    }
                } catch (IOException e) {
                    // The stream closes when the process ends; the check below reports that.
                }
                startup.ready.completeExceptionally(new IllegalStateException("prometheus exited"));
            }, "prometheus-log");
            reader.setDaemon(true);
            reader.start();
            return startup;
        }

        synchronized void keep(String line) {
            lines.addLast(line);
            if (lines.size() > LOG_LINES_KEPT) {
                lines.removeFirst();
            }
        }

        synchronized String log() {
            return String.join("\n", lines);
        }
    }

    private static void run(List<String> command, Path directory) {
        try {
            Process process = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true).start();
            CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> {
                try {
                    return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            if (!process.waitFor(BACKFILL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not finish within " + BACKFILL_TIMEOUT);
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed (exit " + process.exitValue()
                        + "):\n" + output.join());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while backfilling", e);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path createDirectory() {
        try {
            return Files.createTempDirectory("prometheus-test-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteQuietly(Path directory) {
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // A leftover temporary directory is harmless.
        }
    }

    /** Finds the Prometheus binaries on PATH, or says exactly how to install them. */
    static final class Binaries {
        private Binaries() {
        }

        static Path require(String name) {
            return require(name, System.getenv("PATH"));
        }

        static Path require(String name, String path) {
            if (path != null) {
                for (String dir : path.split(java.io.File.pathSeparator)) {
                    Path candidate = Path.of(dir, name);
                    if (Files.isExecutable(candidate)) {
                        return candidate;
                    }
                }
            }
            throw new IllegalStateException("'" + name + "' is not on PATH. These tests evaluate PromQL with the real"
                    + " Prometheus engine and do not run without it: run ./autoscaler setup (installs Debian's"
                    + " 'prometheus' package, which provides prometheus and promtool), or install Prometheus 2.x"
                    + " and put both binaries on PATH.");
        }
    }
}
