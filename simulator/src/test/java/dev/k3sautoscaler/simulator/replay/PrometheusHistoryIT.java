package dev.k3sautoscaler.simulator.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.k3sautoscaler.metrics.PrometheusEndpoint;
import dev.k3sautoscaler.simulator.replay.PrometheusReadException.Problem;
import dev.k3sautoscaler.testkit.http.LoopbackServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The replay's Prometheus reader against what is not a working Prometheus: nothing, a gate, a web page, silence. */
class PrometheusHistoryIT {
    private static final Instant START = Instant.parse("2026-03-02T12:00:00Z");
    private static final ReplayRange RANGE = new ReplayRange(START, START.plus(Duration.ofHours(1)), Duration.ofMinutes(1));
    private static final ReplayParameters PARAMETERS = ReplayParameters.of(0.0208, null, null);

    private LoopbackServer server;
    private volatile Answer answer;
    private final AtomicReference<String> authorization = new AtomicReference<>();
    private final CountDownLatch release = new CountDownLatch(1);

    private record Answer(int status, String contentType, String body) {
    }

    @BeforeEach
    void startServer() {
        server = LoopbackServer.start("prometheus-stand-in", "/", exchange -> {
            authorization.set(exchange.getRequestHeaders().getFirst("Authorization"));
            Answer current = answer;
            if (current == null) {
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                exchange.close();
                return;
            }
            byte[] body = current.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", current.contentType());
            exchange.sendResponseHeaders(current.status(), body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
    }

    @AfterEach
    void stopServer() {
        release.countDown();
        server.close();
    }

    private URI url() {
        return URI.create(server.endpoint() + "/");
    }

    private static PrometheusReadException deriving(PrometheusHistory prometheus) {
        return assertThrows(PrometheusReadException.class, () -> new ScenarioDerivation(prometheus).derive(RANGE, PARAMETERS));
    }

    @Test
    void closedPort_isUnreachable() {
        // GIVEN a port nothing listens on
        URI nowhere = URI.create("http://127.0.0.1:" + closedPort() + "/");

        // WHEN
        PrometheusReadException error = deriving(PrometheusHistory.connect(nowhere, null));

        // THEN
        assertEquals(Problem.UNREACHABLE, error.problem());
        assertEquals("cannot reach Prometheus at " + nowhere + ": connection refused", error.getMessage());
    }

    @Test
    void unauthorized_saysToPassAToken() {
        // GIVEN
        answer = new Answer(401, "text/plain", "Unauthorized");

        // WHEN
        PrometheusReadException error = deriving(PrometheusHistory.connect(url(), null));

        // THEN
        assertEquals(Problem.REFUSED, error.problem());
        assertEquals("Prometheus at " + url() + " refused the request (HTTP 401): pass --bearer-token-file with a token"
                + " it accepts", error.getMessage());
    }

    @Test
    void forbiddenToken_wasSentAsBearer_andIsInNoMessage(@TempDir Path directory) throws IOException {
        // GIVEN a token file with a trailing newline, as editors and kubectl write them
        Path token = directory.resolve("token");
        Files.writeString(token, "s3cret-token\n");
        answer = new Answer(403, "application/json", "{\"kind\":\"Status\",\"message\":\"forbidden\"}");

        // WHEN
        PrometheusReadException error = deriving(PrometheusHistory.connect(url(), token));

        // THEN
        assertEquals("Bearer s3cret-token", authorization.get());
        assertEquals("Prometheus at " + url() + " refused the request (HTTP 403): pass --bearer-token-file with a token"
                + " it accepts", error.getMessage());
        assertFalse(error.getMessage().contains("s3cret"));
    }

    @Test
    void webPage_isNotPrometheus() {
        // GIVEN the URL of a web UI rather than Prometheus
        answer = new Answer(200, "text/html", "<html><body>Grafana</body></html>");

        // WHEN
        PrometheusReadException error = deriving(PrometheusHistory.connect(url(), null));

        // THEN
        assertEquals(Problem.NOT_PROMETHEUS, error.problem());
        assertEquals("the server at " + url() + " does not answer as Prometheus's HTTP API does (HTTP 200, text/html:"
                + " <html><body>Grafana</body></html>): give the base URL of Prometheus, the one under which api/v1/query"
                + " answers", error.getMessage());
    }

    @Test
    void prometheusError_isNamedWithTheQuery() {
        // GIVEN Prometheus refusing the work
        answer = new Answer(422, "application/json",
                "{\"status\":\"error\",\"errorType\":\"execution\",\"error\":\"query processing would load too many samples\"}");
        PrometheusHistory prometheus = PrometheusHistory.connect(url(), null);

        // WHEN
        PrometheusReadException error = assertThrows(PrometheusReadException.class, () -> prometheus.range("up", RANGE));

        // THEN
        assertEquals(Problem.QUERY_FAILED, error.problem());
        assertEquals("Prometheus at " + url() + " could not answer (HTTP 422, execution: query processing would load too"
                + " many samples) when asked for up", error.getMessage());
    }

    @Test
    void silentServer_timesOut() {
        // GIVEN a server that holds every answer, and a 1 s request timeout (the real one is 2 minutes)
        answer = null;
        PrometheusHistory prometheus = new PrometheusHistory(PrometheusEndpoint.direct(url()), null,
                PrometheusHistory.CONNECT_TIMEOUT, Duration.ofSeconds(1), PrometheusHistory.MAX_POINTS_PER_REQUEST);

        // WHEN
        PrometheusReadException error = deriving(prometheus);

        // THEN
        assertEquals(Problem.TIMEOUT, error.problem());
        assertEquals("Prometheus at " + url() + " did not answer within 1 s (asked for the list of metric names): a shorter"
                + " range or a longer step asks less of it", error.getMessage());
    }

    @Test
    void tokenFile_emptyOrMissing_isRefusedBeforeAnyRequest(@TempDir Path directory) throws IOException {
        // GIVEN
        Path empty = Files.writeString(directory.resolve("empty"), " \n");
        Path missing = directory.resolve("missing");

        // WHEN
        PrometheusReadException blank = assertThrows(PrometheusReadException.class, () -> PrometheusHistory.connect(url(), empty));
        PrometheusReadException absent = assertThrows(PrometheusReadException.class, () -> PrometheusHistory.connect(url(), missing));

        // THEN
        assertEquals(Problem.BEARER_TOKEN, blank.problem());
        assertEquals("the bearer token file " + empty + " is empty", blank.getMessage());
        assertEquals(Problem.BEARER_TOKEN, absent.problem());
        assertEquals("cannot read the bearer token file " + missing + ": no such file", absent.getMessage());
    }

    private static int closedPort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
