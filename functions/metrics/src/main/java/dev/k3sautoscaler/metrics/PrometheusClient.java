package dev.k3sautoscaler.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.k3sautoscaler.core.metrics.QueryFailure;
import dev.k3sautoscaler.metrics.QueryResult.Failed;
import dev.k3sautoscaler.metrics.QueryResult.Sample;
import dev.k3sautoscaler.metrics.QueryResult.Samples;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;

/**
 * Prometheus's instant-query API over the JDK HTTP client. Every call ends in a {@link QueryResult}:
 * unreachable, slow, HTTP errors, {@code "status":"error"} and unreadable answers are values the
 * caller turns into "metrics unavailable", never exceptions. The bearer token is put in the
 * Authorization header and nowhere else (not in URLs, results or log lines).
 */
public final class PrometheusClient {
    /** A healthy Prometheus or API server accepts a connection in milliseconds; 3 s means it is down. */
    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);
    /**
     * Our heaviest query (a 10-minute subquery at 30 s steps) takes Prometheus well under a second;
     * 10 s through the API-server proxy means it is overloaded, and the next tick asks again in a minute.
     * The step's Lambda timeout must exceed CONNECT_TIMEOUT + REQUEST_TIMEOUT (queries run in parallel).
     */
    public static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
    /** Enough of an error body to say what went wrong without copying a whole HTML page into the reason. */
    private static final int DETAIL_LIMIT = 200;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final PrometheusEndpoint endpoint;
    private final Supplier<String> bearerToken;
    private final Supplier<String> caCertificatePem;
    private final Duration connectTimeout;
    private final Duration requestTimeout;
    private HttpClient http;

    /**
     * @param bearerToken      supplies the token per request (cached by its source); null for none
     * @param caCertificatePem supplies the PEM CA to trust instead of the JDK's; null, or supplying null, for the JDK's
     */
    public PrometheusClient(PrometheusEndpoint endpoint, Supplier<String> bearerToken, Supplier<String> caCertificatePem) {
        this(endpoint, bearerToken, caCertificatePem, CONNECT_TIMEOUT, REQUEST_TIMEOUT);
    }

    PrometheusClient(PrometheusEndpoint endpoint, Supplier<String> bearerToken, Supplier<String> caCertificatePem,
                     Duration connectTimeout, Duration requestTimeout) {
        this.endpoint = endpoint;
        this.bearerToken = bearerToken;
        this.caCertificatePem = caCertificatePem;
        this.connectTimeout = connectTimeout;
        this.requestTimeout = requestTimeout;
    }

    /** Prometheus with no authentication (direct URL in the VPC, the simulator, tests). */
    public static PrometheusClient unauthenticated(PrometheusEndpoint endpoint) {
        return new PrometheusClient(endpoint, null, null);
    }

    /** Evaluates {@code promql} at {@code time}. The future always completes normally. */
    public CompletableFuture<QueryResult> query(String promql, Instant time) {
        HttpRequest request;
        HttpClient client;
        try {
            client = httpClient();
            request = request(promql, time);
        } catch (RuntimeException | GeneralSecurityException | IOException e) {
            return CompletableFuture.completedFuture(new Failed(QueryFailure.SETUP, describe(e)));
        }
        try {
            return client.sendAsync(request, HttpResponse.BodyHandlers.ofString())
                    .handle((response, error) -> error != null ? fromError(error) : fromResponse(response));
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(fromError(e));
        }
    }

    /** Same as {@link #query} for callers that run one query at a time. */
    public QueryResult querySync(String promql, Instant time) {
        return query(promql, time).join();
    }

    private HttpRequest request(String promql, Instant time) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(endpoint.instantQuery(promql, time, requestTimeout))
                .timeout(requestTimeout)
                .header("Accept", "application/json")
                .GET();
        if (bearerToken != null) {
            String token = bearerToken.get();
            if (token == null || token.isBlank()) {
                throw new IllegalStateException("the bearer token is empty");
            }
            builder.header("Authorization", "Bearer " + token.strip());
        }
        return builder.build();
    }

    /** Built on first use, so reading the CA from SSM happens inside a query's error handling. */
    private synchronized HttpClient httpClient() throws GeneralSecurityException, IOException {
        if (http == null) {
            HttpClient.Builder builder = HttpClient.newBuilder()
                    .connectTimeout(connectTimeout)
                    // HTTP/2 multiplexes our parallel queries over one TLS connection to the API server;
                    // plain http stays on 1.1 (an h2c upgrade attempt buys nothing against Prometheus).
                    .version("https".equals(endpoint.baseUrl().getScheme())
                            ? HttpClient.Version.HTTP_2 : HttpClient.Version.HTTP_1_1)
                    .followRedirects(HttpClient.Redirect.NEVER);
            String pem = caCertificatePem == null ? null : caCertificatePem.get();
            if (pem != null && !pem.isBlank()) {
                builder.sslContext(trusting(pem));
            }
            http = builder.build();
        }
        return http;
    }

    static SSLContext trusting(String pem) throws GeneralSecurityException, IOException {
        Collection<? extends Certificate> certificates = CertificateFactory.getInstance("X.509")
                .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
        if (certificates.isEmpty()) {
            throw new GeneralSecurityException("the cluster CA PEM holds no certificate");
        }
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        int index = 0;
        for (Certificate certificate : certificates) {
            store.setCertificateEntry("cluster-ca-" + index++, certificate);
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }

    private QueryResult fromError(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof HttpConnectTimeoutException) {
            return new Failed(QueryFailure.UNREACHABLE, "no connection to " + host() + " within " + seconds(connectTimeout));
        }
        if (cause instanceof HttpTimeoutException) {
            return new Failed(QueryFailure.TIMEOUT, "no answer from " + host() + " within " + seconds(requestTimeout));
        }
        if (cause instanceof ConnectException) {
            return new Failed(QueryFailure.UNREACHABLE, "connection to " + host() + " refused");
        }
        if (cause instanceof SSLException) {
            return new Failed(QueryFailure.UNREACHABLE, "TLS with " + host() + " failed: " + describe(cause));
        }
        return new Failed(QueryFailure.UNREACHABLE, describe(cause));
    }

    private static QueryResult fromResponse(HttpResponse<String> response) {
        int status = response.statusCode();
        JsonNode body = parse(response.body());
        if (body != null && "error".equals(body.path("status").asText())) {
            // Prometheus answers 4xx for a query it refuses, 503 when it cannot serve any: the status decides which.
            return new Failed(QueryFailure.ofStatus(status), "HTTP " + status + ", "
                    + body.path("errorType").asText("unknown") + ": " + truncate(body.path("error").asText("")));
        }
        if (status < 200 || status > 299) {
            // The API server proxy answers 401/403/404/503 with a Kubernetes Status object.
            String message = body != null && body.hasNonNull("message") ? ": " + truncate(body.get("message").asText()) : "";
            return new Failed(QueryFailure.ofStatus(status), "HTTP " + status + message);
        }
        if (body == null) {
            return new Failed(QueryFailure.MALFORMED, "not JSON: " + truncate(response.body()));
        }
        return samples(body);
    }

    private static QueryResult samples(JsonNode body) {
        if (!"success".equals(body.path("status").asText())) {
            return new Failed(QueryFailure.MALFORMED, "status is " + body.path("status"));
        }
        JsonNode data = body.path("data");
        String type = data.path("resultType").asText();
        JsonNode result = data.path("result");
        try {
            return switch (type) {
                case "vector" -> {
                    if (!result.isArray()) {
                        throw new IllegalArgumentException("vector result is not a list");
                    }
                    List<Sample> samples = new ArrayList<>();
                    for (JsonNode element : result) {
                        samples.add(new Sample(labels(element.path("metric")), value(element.path("value"))));
                    }
                    yield new Samples(samples);
                }
                case "scalar" -> new Samples(List.of(new Sample(Map.of(), value(result))));
                default -> new Failed(QueryFailure.MALFORMED, "expected an instant vector, got resultType '" + type + "'");
            };
        } catch (IllegalArgumentException e) {
            return new Failed(QueryFailure.MALFORMED, e.getMessage());
        }
    }

    private static Map<String, String> labels(JsonNode metric) {
        if (!metric.isObject()) {
            throw new IllegalArgumentException("sample without a label object");
        }
        Map<String, String> labels = new LinkedHashMap<>();
        metric.properties().forEach(entry -> labels.put(entry.getKey(), entry.getValue().asText()));
        return labels;
    }

    /** {@code [<unix time>, "<value>"]}; values are strings so NaN and ±Inf survive JSON. */
    private static double value(JsonNode pair) {
        if (!pair.isArray() || pair.size() != 2 || !pair.get(1).isTextual()) {
            throw new IllegalArgumentException("sample value is not [time, \"value\"]: " + truncate(pair.toString()));
        }
        String text = pair.get(1).asText();
        return switch (text) {
            case "+Inf", "Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            case "NaN" -> Double.NaN;
            default -> {
                try {
                    yield Double.parseDouble(text);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("sample value is not a number: " + truncate(text));
                }
            }
        };
    }

    /** The HTTP API's answer as a JSON object, or null when it is none (a proxy's error page, a cut body). */
    public static JsonNode parse(String body) {
        try {
            JsonNode node = JSON.readTree(body);
            return node != null && node.isObject() ? node : null;
        } catch (IOException e) {
            return null;
        }
    }

    private String host() {
        return endpoint.baseUrl().getHost() + (endpoint.baseUrl().getPort() > 0 ? ":" + endpoint.baseUrl().getPort() : "");
    }

    private static String seconds(Duration duration) {
        return duration.toMillis() % 1000 == 0 ? duration.toSeconds() + " s" : duration.toMillis() + " ms";
    }

    private static String describe(Throwable error) {
        String message = error.getMessage();
        return error.getClass().getSimpleName() + (message == null || message.isBlank() ? "" : ": " + truncate(message));
    }

    private static String truncate(String text) {
        String oneLine = text == null ? "" : text.strip().replaceAll("\\s+", " ");
        return oneLine.length() <= DETAIL_LIMIT ? oneLine : oneLine.substring(0, DETAIL_LIMIT) + "…";
    }
}
