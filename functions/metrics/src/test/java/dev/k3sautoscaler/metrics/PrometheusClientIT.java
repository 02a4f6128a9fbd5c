package dev.k3sautoscaler.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.k3sautoscaler.metrics.QueryResult.Failed;
import dev.k3sautoscaler.core.metrics.QueryFailure;
import dev.k3sautoscaler.metrics.QueryResult.Sample;
import dev.k3sautoscaler.metrics.QueryResult.Samples;
import dev.k3sautoscaler.testkit.http.LoopbackServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Prometheus client against a local HTTP server that answers the way a broken world does. */
class PrometheusClientIT {
    private static final Instant AT = Instant.parse("2026-03-02T12:00:00Z");
    private static final String VECTOR = """
            {"status":"success","data":{"resultType":"vector","result":[
              {"metric":{"node":"w1"},"value":[1772452800,"61.5"]},
              {"metric":{"node":"w2"},"value":[1772452800,"NaN"]}]}}""";

    private HttpServer server;
    private final AtomicReference<HttpExchange> lastRequest = new AtomicReference<>();
    private final CountDownLatch releaseSlowAnswers = new CountDownLatch(1);
    private volatile Answer answer = new Answer(200, VECTOR);

    private record Answer(int status, String body) {
    }

    @BeforeEach
    void startServer() throws IOException {
        server = LoopbackServer.bind();
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/", exchange -> {
            lastRequest.set(exchange);
            Answer current = answer;
            if (current == null) {
                awaitRelease();
                current = new Answer(200, VECTOR);
            }
            byte[] body = current.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(current.status(), body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stopServer() {
        releaseSlowAnswers.countDown();
        server.stop(0);
    }

    @Test
    void vectorAnswer_becomesSamples_withNaNKeptAsNaN() {
        // WHEN
        QueryResult result = direct().querySync("cpu", AT);

        // THEN the collector, not the client, decides what a NaN means
        Samples samples = assertInstanceOf(Samples.class, result);
        assertEquals(List.of(new Sample(Map.of("node", "w1"), 61.5), new Sample(Map.of("node", "w2"), Double.NaN)),
                samples.samples());
    }

    @Test
    void request_carriesTheQueryTheInstantAndAServerSideTimeout() {
        // WHEN
        direct().querySync("sum(rate(node_cpu_seconds_total{mode=\"idle\"}[60s]))", AT);

        // THEN
        URI uri = lastRequest.get().getRequestURI();
        assertEquals("/api/v1/query", uri.getPath());
        assertEquals(Map.of("query", "sum(rate(node_cpu_seconds_total{mode=\"idle\"}[60s]))",
                "time", "1772452800.000", "timeout", "10000ms"), parameters(uri));
    }

    @Test
    void serviceProxy_requestsThroughTheApiServerPath_withTheBearerToken() {
        // GIVEN the server plays the K3s API server
        PrometheusClient client = new PrometheusClient(
                PrometheusEndpoint.serviceProxy(baseUrl(), "monitoring/prometheus:9090"), () -> "s3cret-token", null);

        // WHEN
        QueryResult result = client.querySync("up", AT);

        // THEN
        assertInstanceOf(Samples.class, result);
        HttpExchange request = lastRequest.get();
        assertEquals("/api/v1/namespaces/monitoring/services/prometheus:9090/proxy/api/v1/query",
                request.getRequestURI().getPath());
        assertEquals("Bearer s3cret-token", request.getRequestHeaders().getFirst("Authorization"));
        assertFalse(request.getRequestURI().toString().contains("s3cret"));
    }

    @Test
    void noToken_sendsNoAuthorizationHeader() {
        // WHEN
        direct().querySync("up", AT);

        // THEN
        assertFalse(lastRequest.get().getRequestHeaders().containsKey("Authorization"));
    }

    @Test
    void slowServer_isATimeout() {
        // GIVEN the server holds its answer until the test ends
        answer = null;
        // A short request timeout so the test does not wait the production 10 s; the answer never comes anyway.
        PrometheusClient client = new PrometheusClient(PrometheusEndpoint.direct(baseUrl()), null, null,
                PrometheusClient.CONNECT_TIMEOUT, Duration.ofMillis(200));

        // WHEN
        QueryResult result = client.querySync("up", AT);

        // THEN
        Failed failed = assertInstanceOf(Failed.class, result);
        assertEquals(QueryFailure.TIMEOUT, failed.failure());
        assertTrue(failed.describe().startsWith("Prometheus did not answer in time (no answer from 127.0.0.1:"),
                failed.describe());
    }

    @Test
    void serverError_withoutPrometheusBody_isAnHttpStatusFailure() {
        // GIVEN
        answer = new Answer(503, "upstream connect error or disconnect/reset before headers");

        // WHEN
        Failed failed = assertInstanceOf(Failed.class, direct().querySync("up", AT));

        // THEN
        assertEquals(new Failed(QueryFailure.UNAVAILABLE, "HTTP 503"), failed);
    }

    @Test
    void prometheus503_isUnavailable_notARejectedQuery() {
        // GIVEN Prometheus itself answering 503 with its error body (starting up, or overloaded)
        answer = new Answer(503, """
                {"status":"error","errorType":"unavailable","error":"TSDB not ready"}""");

        // WHEN
        Failed failed = assertInstanceOf(Failed.class, direct().querySync("up", AT));

        // THEN an outage reads as one: 5xx is unavailable, only 4xx is a rejection
        assertEquals(QueryFailure.UNAVAILABLE, failed.failure(), failed.describe());
        assertTrue(failed.describe().startsWith("Prometheus unavailable"), failed.describe());
    }

    @Test
    void apiServerRefusal_namesItsMessage() {
        // GIVEN the API server's answer to a token without services/proxy rights
        answer = new Answer(403, """
                {"kind":"Status","apiVersion":"v1","status":"Failure","message":"services \\"prometheus:9090\\" is\
                 forbidden: User \\"system:serviceaccount:kube-system:k3s-autoscaler\\" cannot get resource\
                 \\"services/proxy\\"","reason":"Forbidden","code":403}""");

        // WHEN
        Failed failed = assertInstanceOf(Failed.class, direct().querySync("up", AT));

        // THEN
        assertEquals(QueryFailure.REJECTED, failed.failure());
        assertTrue(failed.detail().startsWith("HTTP 403: services \"prometheus:9090\" is forbidden"), failed.detail());
    }

    @Test
    void errorStatus_isAQueryError_withPrometheusMessage() {
        // GIVEN
        answer = new Answer(400, """
                {"status":"error","errorType":"bad_data","error":"1:5: parse error: unclosed left parenthesis"}""");

        // WHEN
        Failed failed = assertInstanceOf(Failed.class, direct().querySync("sum(", AT));

        // THEN
        assertEquals(new Failed(QueryFailure.REJECTED, "HTTP 400, bad_data: 1:5: parse error: unclosed left parenthesis"),
                failed);
    }

    @Test
    void malformedJson_isMalformed() {
        // GIVEN
        answer = new Answer(200, "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[{");

        // WHEN
        Failed failed = assertInstanceOf(Failed.class, direct().querySync("up", AT));

        // THEN
        assertEquals(QueryFailure.MALFORMED, failed.failure());
    }

    @Test
    void rangeResult_isMalformedForAnInstantQuery() {
        // GIVEN
        answer = new Answer(200, "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[]}}");

        // WHEN
        Failed failed = assertInstanceOf(Failed.class, direct().querySync("up[1m]", AT));

        // THEN
        assertEquals(new Failed(QueryFailure.MALFORMED, "expected an instant vector, got resultType 'matrix'"), failed);
    }

    @Test
    void tokenThatCannotBeRead_isASetupFailure_beforeAnyRequest() {
        // GIVEN
        PrometheusClient client = new PrometheusClient(PrometheusEndpoint.direct(baseUrl()),
                () -> {
                    throw new IllegalStateException("SSM parameter /k3s/token not found");
                }, null);

        // WHEN
        Failed failed = assertInstanceOf(Failed.class, client.querySync("up", AT));

        // THEN
        assertEquals(QueryFailure.SETUP, failed.failure());
        assertEquals("IllegalStateException: SSM parameter /k3s/token not found", failed.detail());
        assertEquals(null, lastRequest.get());
    }

    @Test
    void caThatIsNotAPemCertificate_isASetupFailure() {
        // GIVEN
        PrometheusClient client = new PrometheusClient(PrometheusEndpoint.direct(baseUrl()), () -> "t",
                () -> "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n");

        // WHEN
        Failed failed = assertInstanceOf(Failed.class, client.querySync("up", AT));

        // THEN
        assertEquals(QueryFailure.SETUP, failed.failure());
    }

    @Test
    void closedPort_isUnreachable() {
        // GIVEN
        PrometheusClient client = PrometheusClient.unauthenticated(
                PrometheusEndpoint.direct(URI.create("http://127.0.0.1:" + ClosedPort.find())));

        // WHEN
        Failed failed = assertInstanceOf(Failed.class, client.querySync("up", AT));

        // THEN
        assertEquals(QueryFailure.UNREACHABLE, failed.failure());
    }

    private PrometheusClient direct() {
        return PrometheusClient.unauthenticated(PrometheusEndpoint.direct(baseUrl()));
    }

    private URI baseUrl() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    private void awaitRelease() {
        try {
            releaseSlowAnswers.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UncheckedIOException(new IOException("interrupted", e));
        }
    }

    private static Map<String, String> parameters(URI uri) {
        Map<String, String> parameters = new java.util.TreeMap<>();
        for (String pair : uri.getRawQuery().split("&")) {
            int equals = pair.indexOf('=');
            parameters.put(pair.substring(0, equals), URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
        }
        return parameters;
    }
}
