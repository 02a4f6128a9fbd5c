package dev.k3sautoscaler.metrics;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where Prometheus's HTTP API lives: a direct URL (in-VPC, the simulator, tests) or the K3s API
 * server's service proxy, {@code https://<api>/api/v1/namespaces/<ns>/services/<svc>:<port>/proxy/},
 * which lets a Lambda outside the VPC reach a ClusterIP Prometheus over the API server's TLS with
 * the ServiceAccount token: no public NodePort, no NAT, no endpoints.
 *
 * @param baseUrl  the API root, always ending in {@code /}; {@code api/v1/query} is appended to it
 * @param viaApiServer true for the service-proxy form (a bearer token is then required)
 */
public record PrometheusEndpoint(URI baseUrl, boolean viaApiServer) {
    /** {@code <namespace>/<service>:<port>}; names are DNS labels, the port a number or a port name. */
    private static final Pattern SERVICE = Pattern.compile(
            "([a-z0-9]([-a-z0-9]*[a-z0-9])?)/([a-z0-9]([-a-z0-9]*[a-z0-9])?):([0-9]{1,5}|[a-z0-9]([-a-z0-9]*[a-z0-9])?)");

    public PrometheusEndpoint {
        String scheme = baseUrl.getScheme();
        if (!"http".equals(scheme) && !"https".equals(scheme)) {
            throw new IllegalArgumentException("Prometheus URL must be http(s): " + baseUrl);
        }
        if (baseUrl.getRawQuery() != null || baseUrl.getRawFragment() != null) {
            throw new IllegalArgumentException("Prometheus URL must not carry a query or fragment: " + baseUrl);
        }
        baseUrl = withTrailingSlash(baseUrl);
    }

    /** Prometheus reached at {@code url} (for example {@code http://prometheus.monitoring:9090}). */
    public static PrometheusEndpoint direct(URI url) {
        return new PrometheusEndpoint(url, false);
    }

    /**
     * Prometheus reached through the API server at {@code apiServer}, service given as
     * {@code <namespace>/<service>:<port>} (for example {@code monitoring/prometheus:9090}).
     */
    public static PrometheusEndpoint serviceProxy(URI apiServer, String service) {
        Matcher match = SERVICE.matcher(service == null ? "" : service.trim());
        if (!match.matches()) {
            throw new IllegalArgumentException("Prometheus service must look like <namespace>/<service>:<port>,"
                    + " for example monitoring/prometheus:9090 (got " + service + ")");
        }
        String path = "api/v1/namespaces/" + match.group(1) + "/services/" + match.group(3) + ":" + match.group(5) + "/proxy/";
        return new PrometheusEndpoint(withTrailingSlash(apiServer).resolve(path), true);
    }

    /** The instant-query URL; {@code timeout} also tells Prometheus to give up on its side. */
    public URI instantQuery(String promql, Instant time, Duration timeout) {
        return URI.create(baseUrl + "api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8)
                + "&time=" + epochSeconds(time)
                + "&timeout=" + timeout.toMillis() + "ms");
    }

    /**
     * The range-query URL: {@code promql} evaluated at {@code start}, {@code start + step}, … up to
     * {@code end} (the simulator's replay of a cluster's history; the Lambda asks instant queries only).
     */
    public URI rangeQuery(String promql, Instant start, Instant end, Duration step, Duration timeout) {
        return URI.create(baseUrl + "api/v1/query_range?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8)
                + "&start=" + epochSeconds(start)
                + "&end=" + epochSeconds(end)
                + "&step=" + String.format(Locale.ROOT, "%d.%03d", step.toSeconds(), step.toMillisPart())
                + "&timeout=" + timeout.toMillis() + "ms");
    }

    /** Every value {@code label} has ever had ({@code __name__}: every metric name stored). */
    public URI labelValues(String label) {
        return URI.create(baseUrl + "api/v1/label/" + URLEncoder.encode(label, StandardCharsets.UTF_8) + "/values");
    }

    /** Prometheus reads {@code time} as decimal epoch seconds. */
    static String epochSeconds(Instant time) {
        return String.format(Locale.ROOT, "%d.%03d", time.getEpochSecond(), time.getNano() / 1_000_000);
    }

    private static URI withTrailingSlash(URI uri) {
        String text = uri.toString();
        return text.endsWith("/") ? uri : URI.create(text + "/");
    }
}
