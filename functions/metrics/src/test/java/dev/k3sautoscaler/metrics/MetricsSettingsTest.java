package dev.k3sautoscaler.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.k3sautoscaler.core.config.InvalidConfigurationException;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MetricsSettingsTest {

    @Test
    void prometheusUrl_meansDirect() {
        // WHEN
        MetricsSettings settings = MetricsSettings.fromEnvironment(Map.of(
                "CLUSTER_ID", "k3s-prod", "PROMETHEUS_URL", "http://10.0.1.10:30090"));

        // THEN
        assertEquals(new MetricsSettings("k3s-prod", URI.create("http://10.0.1.10:30090/"), "monitoring/prometheus:9090"),
                settings);
    }

    @Test
    void withoutUrl_theServiceProxyIsUsed_withTheDefaultService() {
        // WHEN
        MetricsSettings settings = MetricsSettings.fromEnvironment(Map.of("CLUSTER_ID", "k3s-prod"));

        // THEN
        assertEquals(new MetricsSettings("k3s-prod", null, MetricsSettings.DEFAULT_SERVICE), settings);
    }

    @Test
    void everyProblem_isReportedAtOnce() {
        // WHEN
        InvalidConfigurationException error = assertThrows(InvalidConfigurationException.class,
                () -> MetricsSettings.fromEnvironment(Map.of("PROMETHEUS_SERVICE", "prometheus")));

        // THEN
        assertEquals(java.util.List.of(
                "CLUSTER_ID is missing (expected the cluster id, e.g. k3s-prod)",
                "PROMETHEUS_SERVICE=prometheus must look like <namespace>/<service>:<port>, e.g. monitoring/prometheus:9090"),
                error.problems());
    }
}
