package dev.k3sautoscaler.metrics;

import dev.k3sautoscaler.clusterauth.ClusterCredentials;
import dev.k3sautoscaler.core.config.EnvironmentReader;
import java.net.URI;
import java.util.Map;

/**
 * How the CollectMetrics Lambda reaches Prometheus, from its environment:
 * <ul>
 *   <li>{@code PROMETHEUS_URL} set: that URL, no authentication (Lambda in the VPC, the simulator);</li>
 *   <li>otherwise the K3s API server's service proxy to {@code PROMETHEUS_SERVICE}
 *       ({@code <namespace>/<service>:<port>}, default {@value #DEFAULT_SERVICE}), with the API URL,
 *       CA and ServiceAccount token of {@link ClusterCredentials} ({@code K8S_API_URL},
 *       {@code K8S_CA_CERT_PARAM}, {@code K8S_API_TOKEN_PARAM}).</li>
 * </ul>
 *
 * @param clusterId        {@code CLUSTER_ID}, on every log line
 * @param directUrl        {@code PROMETHEUS_URL}, or null for the service proxy
 * @param prometheusService {@code PROMETHEUS_SERVICE}, used when {@code directUrl} is null
 */
public record MetricsSettings(String clusterId, URI directUrl, String prometheusService) {
    public static final String CLUSTER_ID_VARIABLE = "CLUSTER_ID";
    public static final String URL_VARIABLE = "PROMETHEUS_URL";
    public static final String SERVICE_VARIABLE = "PROMETHEUS_SERVICE";
    /** Where cluster-bootstrap installs Prometheus (docs/metrics.md). */
    public static final String DEFAULT_SERVICE = "monitoring/prometheus:9090";

    /** Reads and checks every variable, reporting all problems at once. */
    public static MetricsSettings fromEnvironment(Map<String, String> environment) {
        EnvironmentReader reader = new EnvironmentReader(environment);
        String clusterId = reader.requiredString(CLUSTER_ID_VARIABLE, "the cluster id, e.g. k3s-prod");
        String url = reader.raw(URL_VARIABLE);
        String service = reader.string(SERVICE_VARIABLE, DEFAULT_SERVICE);
        URI directUrl = null;
        if (url != null) {
            try {
                directUrl = PrometheusEndpoint.direct(URI.create(url)).baseUrl();
            } catch (IllegalArgumentException e) {
                reader.problem(URL_VARIABLE + "=" + url + " is not an http(s) URL without query");
            }
        } else {
            try {
                PrometheusEndpoint.serviceProxy(URI.create("https://api.invalid"), service);
            } catch (IllegalArgumentException e) {
                reader.problem(SERVICE_VARIABLE + "=" + service + " must look like <namespace>/<service>:<port>,"
                        + " e.g. " + DEFAULT_SERVICE);
            }
        }
        reader.throwIfInvalid();
        return new MetricsSettings(clusterId, directUrl, service);
    }

    /** The production client: direct, or through the API server with the cluster's token and CA (read lazily). */
    public PrometheusClient client(Map<String, String> environment) {
        if (directUrl != null) {
            return PrometheusClient.unauthenticated(PrometheusEndpoint.direct(directUrl));
        }
        ClusterCredentials credentials = ClusterCredentials.fromEnvironment(environment);
        return new PrometheusClient(PrometheusEndpoint.serviceProxy(credentials.apiServerUrl(), prometheusService),
                credentials::bearerToken, credentials::caCertificatePem);
    }
}
