package dev.k3sautoscaler.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class PrometheusEndpointTest {

    @Test
    void serviceProxy_buildsTheApiServerProxyPath() {
        // WHEN
        PrometheusEndpoint endpoint = PrometheusEndpoint.serviceProxy(URI.create("https://10.0.1.10:6443"),
                "monitoring/prometheus:9090");

        // THEN
        assertEquals(URI.create("https://10.0.1.10:6443/api/v1/namespaces/monitoring/services/prometheus:9090/proxy/"),
                endpoint.baseUrl());
        assertTrue(endpoint.viaApiServer());
    }

    @Test
    void serviceProxy_keepsAPathPrefixOfTheApiServerUrl_andAcceptsANamedPort() {
        // WHEN
        PrometheusEndpoint endpoint = PrometheusEndpoint.serviceProxy(URI.create("https://gateway.example/k3s/"),
                "observability/prom-server:web");

        // THEN
        assertEquals(URI.create("https://gateway.example/k3s/api/v1/namespaces/observability/services/prom-server:web/proxy/"),
                endpoint.baseUrl());
    }

    @Test
    void serviceProxy_rejectsServicesNotOfTheFormNamespaceSlashServiceColonPort() {
        URI api = URI.create("https://10.0.1.10:6443");
        for (String bad : new String[] {"prometheus:9090", "monitoring/prometheus", "Monitoring/prometheus:9090",
                "monitoring/prometheus:9090/x", "", " "}) {
            // WHEN / THEN
            IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                    () -> PrometheusEndpoint.serviceProxy(api, bad), bad);
            assertTrue(error.getMessage().contains("<namespace>/<service>:<port>"), error.getMessage());
        }
    }

    @Test
    void direct_addsTheTrailingSlash_andRejectsOtherSchemes() {
        // WHEN / THEN
        PrometheusEndpoint endpoint = PrometheusEndpoint.direct(URI.create("http://prometheus.monitoring:9090"));
        assertEquals(URI.create("http://prometheus.monitoring:9090/"), endpoint.baseUrl());
        assertFalse(endpoint.viaApiServer());
        assertThrows(IllegalArgumentException.class, () -> PrometheusEndpoint.direct(URI.create("ftp://host/")));
        assertThrows(IllegalArgumentException.class, () -> PrometheusEndpoint.direct(URI.create("http://host/?a=b")));
    }

    @Test
    void instantQuery_encodesTheQuery_andGivesTimeInDecimalSeconds() {
        // GIVEN
        PrometheusEndpoint endpoint = PrometheusEndpoint.direct(URI.create("http://127.0.0.1:9090/"));

        // WHEN
        URI uri = endpoint.instantQuery("sum(up{job=\"a b\"})", Instant.parse("2026-03-02T12:00:00.250Z"),
                Duration.ofSeconds(10));

        // THEN
        assertEquals("http://127.0.0.1:9090/api/v1/query?query=sum%28up%7Bjob%3D%22a+b%22%7D%29"
                + "&time=1772452800.250&timeout=10000ms", uri.toString());
    }

    @Test
    void rangeQuery_carriesTheQueryTheRangeTheStepAndAServerSideTimeout() {
        // GIVEN
        PrometheusEndpoint endpoint = PrometheusEndpoint.serviceProxy(URI.create("https://10.0.1.10:6443"),
                "monitoring/prometheus:9090");

        // WHEN
        URI uri = endpoint.rangeQuery("count(kube_pod_owner{owner_kind=\"Job\"})", Instant.parse("2026-03-02T12:00:00Z"),
                Instant.parse("2026-03-09T12:00:00.250Z"), Duration.ofSeconds(90), Duration.ofMinutes(2));

        // THEN
        assertEquals("https://10.0.1.10:6443/api/v1/namespaces/monitoring/services/prometheus:9090/proxy/api/v1/query_range"
                + "?query=count%28kube_pod_owner%7Bowner_kind%3D%22Job%22%7D%29&start=1772452800.000&end=1773057600.250"
                + "&step=90.000&timeout=120000ms", uri.toString());
    }

    @Test
    void labelValues_namesTheLabel() {
        // WHEN
        URI uri = PrometheusEndpoint.direct(URI.create("http://prometheus.monitoring:9090")).labelValues("__name__");

        // THEN
        assertEquals(URI.create("http://prometheus.monitoring:9090/api/v1/label/__name__/values"), uri);
    }
}
