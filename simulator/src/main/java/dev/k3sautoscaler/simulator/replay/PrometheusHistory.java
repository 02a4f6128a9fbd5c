package dev.k3sautoscaler.simulator.replay;

import com.fasterxml.jackson.databind.JsonNode;
import dev.k3sautoscaler.core.words.Words;
import dev.k3sautoscaler.metrics.PrometheusEndpoint;
import dev.k3sautoscaler.metrics.QueryResult.Sample;
import dev.k3sautoscaler.simulator.replay.PrometheusReadException.Problem;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a cluster's history from Prometheus's HTTP API for the replay: range queries cut into
 * pieces Prometheus accepts, instant queries, and the stored metric names. Unlike the Lambda's
 * {@code PrometheusClient}, which turns every failure into "metrics unavailable" and gives up after
 * 10 s, this fails with a {@link PrometheusReadException} that tells the operator what to change,
 * and waits as long as a week of history takes to read. The bearer token goes into the
 * Authorization header only, never into a message.
 */
public final class PrometheusHistory {
    /** A reachable Prometheus accepts a connection in milliseconds; 5 s means it is not there. */
    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /** One piece of a week at 1-minute steps takes a healthy Prometheus seconds; 2 minutes means it is struggling. */
    public static final Duration REQUEST_TIMEOUT = Duration.ofMinutes(2);
    /** A round margin under the 11,000 points per series Prometheus allows in one range query. */
    static final int MAX_POINTS_PER_REQUEST = 10_000;
    /** Enough of an unexpected body to recognise it (a login page, a proxy's error) without quoting all of it. */
    private static final int DETAIL_LIMIT = 200;

    private final PrometheusEndpoint endpoint;
    private final String bearerToken;
    private final Duration connectTimeout;
    private final Duration requestTimeout;
    private final int maxPointsPerRequest;
    private final HttpClient http;

    PrometheusHistory(PrometheusEndpoint endpoint, String bearerToken, Duration connectTimeout, Duration requestTimeout,
                      int maxPointsPerRequest) {
        this.endpoint = endpoint;
        this.bearerToken = bearerToken;
        this.connectTimeout = connectTimeout;
        this.requestTimeout = requestTimeout;
        this.maxPointsPerRequest = maxPointsPerRequest;
        this.http = HttpClient.newBuilder()
                .connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /**
     * Prometheus at {@code url} (its base URL, under which {@code api/v1/query} answers).
     *
     * @param bearerTokenFile a file holding the token to send, or null to send none
     * @throws IllegalArgumentException when the URL is not http(s) or carries a query
     * @throws PrometheusReadException  when the token file cannot be read or is empty
     */
    public static PrometheusHistory connect(URI url, Path bearerTokenFile) {
        return new PrometheusHistory(PrometheusEndpoint.direct(url), readToken(bearerTokenFile), CONNECT_TIMEOUT,
                REQUEST_TIMEOUT, MAX_POINTS_PER_REQUEST);
    }

    /** The base URL as messages and descriptions show it: without any user information. */
    public String displayUrl() {
        URI url = endpoint.baseUrl();
        try {
            return new URI(url.getScheme(), null, url.getHost(), url.getPort(), url.getPath(), null, null).toString();
        } catch (URISyntaxException e) {
            return url.getScheme() + "://" + url.getHost();
        }
    }

    /** Every metric name Prometheus has stored, whenever its samples are. */
    public Set<String> metricNames() {
        JsonNode data = get(endpoint.labelValues("__name__"), "the list of metric names");
        if (!data.isArray()) {
            throw notPrometheus("the list of metric names is not a list: " + truncate(data.toString()));
        }
        Set<String> names = new LinkedHashSet<>();
        data.forEach(name -> names.add(name.asText()));
        return names;
    }

    /** {@code promql} at every point of {@code range}, asked in pieces small enough for Prometheus. */
    public List<Series> range(String promql, ReplayRange range) {
        Map<Map<String, String>, double[]> series = new LinkedHashMap<>();
        for (ReplayRange.Chunk chunk : range.chunks(maxPointsPerRequest)) {
            JsonNode data = get(endpoint.rangeQuery(promql, chunk.start(), chunk.end(), range.step(), requestTimeout), promql);
            for (JsonNode element : result(data, "matrix", promql)) {
                double[] values = series.computeIfAbsent(labels(element), labels -> emptyValues(range.points()));
                for (JsonNode point : element.path("values")) {
                    values[range.indexOf(time(point))] = value(point);
                }
            }
        }
        List<Series> answer = new ArrayList<>();
        series.forEach((labels, values) -> answer.add(new Series(labels, values)));
        return answer;
    }

    /**
     * {@code function} ({@code max_over_time}, …) of {@code expression} over the range at its step,
     * one subquery per piece of the range: each series once per piece, for the caller to combine.
     * For values that hardly change (requests, allocatable), where a point per step would be waste.
     */
    public List<Sample> overRange(String function, String expression, ReplayRange range) {
        List<Sample> samples = new ArrayList<>();
        for (ReplayRange.Chunk chunk : range.chunks(maxPointsPerRequest)) {
            // One step more than the piece, so a subquery grid (aligned to the epoch) not aligned with
            // the range still has a point at the piece's start.
            Duration length = Duration.between(chunk.start(), chunk.end()).plus(range.step());
            samples.addAll(instant(function + "((" + expression + ")[" + length.toSeconds() + "s:" + range.step().toSeconds() + "s])",
                    chunk.end()));
        }
        return samples;
    }

    /** {@code promql} at {@code time}: an instant vector. */
    public List<Sample> instant(String promql, Instant time) {
        JsonNode data = get(endpoint.instantQuery(promql, time, requestTimeout), promql);
        List<Sample> samples = new ArrayList<>();
        for (JsonNode element : result(data, "vector", promql)) {
            samples.add(new Sample(labels(element), value(element.path("value"))));
        }
        return samples;
    }

    private JsonNode get(URI uri, String what) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(requestTimeout).header("Accept", "application/json").GET();
        if (bearerToken != null) {
            request.header("Authorization", "Bearer " + bearerToken);
        }
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (HttpConnectTimeoutException e) {
            throw unreachable("no connection within " + Words.minutes(connectTimeout), e);
        } catch (HttpTimeoutException e) {
            throw new PrometheusReadException(Problem.TIMEOUT, "Prometheus at " + displayUrl() + " did not answer within "
                    + Words.minutes(requestTimeout) + " (asked for " + truncate(what) + "): a shorter range or a longer step asks less of it", e);
        } catch (IOException e) {
            throw unreachable(cause(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unreachable("interrupted while waiting for the answer", e);
        }
        return data(response, what);
    }

    private JsonNode data(HttpResponse<String> response, String what) {
        int status = response.statusCode();
        if (status == 401 || status == 403) {
            throw new PrometheusReadException(Problem.REFUSED, "Prometheus at " + displayUrl() + " refused the request (HTTP "
                    + status + "): pass --bearer-token-file with a token it accepts");
        }
        JsonNode body = dev.k3sautoscaler.metrics.PrometheusClient.parse(response.body());
        String outcome = body == null ? "" : body.path("status").asText();
        if ("error".equals(outcome)) {
            throw new PrometheusReadException(Problem.QUERY_FAILED, "Prometheus at " + displayUrl() + " could not answer (HTTP "
                    + status + ", " + body.path("errorType").asText("unknown") + ": " + truncate(body.path("error").asText())
                    + ") when asked for " + truncate(what));
        }
        if (!"success".equals(outcome) || status < 200 || status > 299) {
            String type = response.headers().firstValue("Content-Type").orElse("no Content-Type");
            throw notPrometheus("HTTP " + status + ", " + type + ": " + truncate(response.body()));
        }
        return body.path("data");
    }

    private PrometheusReadException notPrometheus(String detail) {
        return new PrometheusReadException(Problem.NOT_PROMETHEUS, "the server at " + displayUrl()
                + " does not answer as Prometheus's HTTP API does (" + detail
                + "): give the base URL of Prometheus, the one under which api/v1/query answers");
    }

    private PrometheusReadException unreachable(String cause, Exception e) {
        return new PrometheusReadException(Problem.UNREACHABLE, "cannot reach Prometheus at " + displayUrl() + ": " + cause, e);
    }

    private JsonNode result(JsonNode data, String expectedType, String promql) {
        String type = data.path("resultType").asText();
        if (!expectedType.equals(type) || !data.path("result").isArray()) {
            throw new PrometheusReadException(Problem.QUERY_FAILED, "Prometheus at " + displayUrl() + " answered a "
                    + (type.isEmpty() ? "result without a type" : type) + " where a " + expectedType + " was expected, for "
                    + truncate(promql));
        }
        return data.path("result");
    }

    private static Map<String, String> labels(JsonNode element) {
        Map<String, String> labels = new LinkedHashMap<>();
        element.path("metric").properties().forEach(entry -> labels.put(entry.getKey(), entry.getValue().asText()));
        return labels;
    }

    /** {@code [<epoch seconds>, "<value>"]}: the time, to the millisecond. */
    private static Instant time(JsonNode point) {
        return Instant.ofEpochMilli(Math.round(point.path(0).asDouble() * 1000));
    }

    /** Values are strings so NaN and ±Inf survive JSON. */
    private static double value(JsonNode point) {
        String text = point.path(1).asText();
        return switch (text) {
            case "+Inf", "Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            default -> {
                try {
                    yield Double.parseDouble(text);
                } catch (NumberFormatException e) {
                    throw new PrometheusReadException(Problem.NOT_PROMETHEUS, "a sample value is not a number: " + truncate(point.toString()));
                }
            }
        };
    }

    private static double[] emptyValues(int points) {
        double[] values = new double[points];
        Arrays.fill(values, Double.NaN);
        return values;
    }


    static String readToken(Path file) {
        if (file == null) {
            return null;
        }
        String token;
        try {
            token = Files.readString(file).strip();
        } catch (IOException e) {
            throw new PrometheusReadException(Problem.BEARER_TOKEN, "cannot read the bearer token file " + file + ": "
                    + (e instanceof NoSuchFileException ? "no such file" : describe(e)), e);
        }
        if (token.isEmpty()) {
            throw new PrometheusReadException(Problem.BEARER_TOKEN, "the bearer token file " + file + " is empty");
        }
        return token;
    }

    /** The JDK wraps a refused connection or an unknown host in a ConnectException, often without a message. */
    private static String cause(IOException error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof UnresolvedAddressException) {
                return "unknown host";
            }
        }
        if (error instanceof ConnectException && (error.getMessage() == null || error.getMessage().isBlank())) {
            return "connection refused";
        }
        return describe(error);
    }

    private static String describe(Throwable error) {
        String message = error.getMessage();
        return message == null || message.isBlank() ? error.getClass().getSimpleName() : truncate(message);
    }

    private static String truncate(String text) {
        String oneLine = text == null ? "" : text.strip().replaceAll("\\s+", " ");
        return oneLine.length() <= DETAIL_LIMIT ? oneLine : oneLine.substring(0, DETAIL_LIMIT) + "…";
    }
}
