package dev.k3sautoscaler.bootstrap;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real server (Prometheus, Alertmanager) started by a test on 127.0.0.1: ready when its
 * {@code /-/ready} answers 200, stopped with SIGTERM so it closes its data directory before the test's
 * temporary directory goes.
 */
final class RunningServer implements AutoCloseable {
    /** Both servers are ready in about a second here; 30 s means one failed to start. */
    static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(30);
    static final Duration POLL_INTERVAL = Duration.ofMillis(200);
    /** Prometheus flushes its head block on SIGTERM in well under a second. */
    private static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(10);

    private final Process process;
    private final Path log;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    final URI base;

    private RunningServer(Process process, Path log, URI base) {
        this.process = process;
        this.log = log;
        this.base = base;
    }

    /** Starts {@code tool} in {@code work} with its listen port given by {@code arguments(port)}, and waits until it is ready. */
    static RunningServer start(ExternalTool tool, Path work, String name, Map<String, String> environment,
                               java.util.function.IntFunction<String[]> arguments) {
        int port = freePort();
        Path log = work.resolve(name + ".log");
        RunningServer server = new RunningServer(tool.start(work, log, environment, arguments.apply(port)), log,
                URI.create("http://127.0.0.1:" + port));
        server.awaitReady();
        return server;
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void awaitReady() {
        Instant deadline = Instant.now().plus(STARTUP_TIMEOUT);
        try {
            while (Instant.now().isBefore(deadline)) {
                if (!process.isAlive()) {
                    fail(log + " ended: " + log());
                }
                try {
                    if (get("/-/ready").statusCode() == 200) {
                        return;
                    }
                } catch (IOException notListeningYet) {
                    // keep polling until the deadline
                }
                Thread.sleep(POLL_INTERVAL);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        fail(log.getFileName() + ": not ready within " + STARTUP_TIMEOUT + ": " + log());
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(SHUTDOWN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
