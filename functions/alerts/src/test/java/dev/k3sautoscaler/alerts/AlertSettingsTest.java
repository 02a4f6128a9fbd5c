package dev.k3sautoscaler.alerts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.k3sautoscaler.core.config.InvalidConfigurationException;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AlertSettingsTest {
    @Test
    void asTheStackSetsThem() {
        AlertSettings settings = AlertSettings.fromEnvironment(Map.of("CLUSTER_ID", "prod",
                "TICK_STATE_MACHINE_ARN", "arn:aws:states:eu-west-1:123456789012:stateMachine:prod-tick", "TICK_WAIT_SECONDS", "30"));

        assertEquals(new AlertSettings("prod", "arn:aws:states:eu-west-1:123456789012:stateMachine:prod-tick", 30, null), settings);
        assertNull(settings.endpointOverride());
        assertEquals(URI.create("http://127.0.0.1:8083"), AlertSettings.fromEnvironment(Map.of("CLUSTER_ID", "prod",
                "TICK_STATE_MACHINE_ARN", "arn:aws:states:eu-west-1:123456789012:stateMachine:prod-tick",
                "STEP_FUNCTIONS_ENDPOINT_URL", "http://127.0.0.1:8083")).endpointOverride());
    }

    @Test
    void everyProblemAtOnce() {
        InvalidConfigurationException invalid = assertThrows(InvalidConfigurationException.class, () -> AlertSettings.fromEnvironment(
                Map.of("TICK_STATE_MACHINE_ARN", "prod-tick", "TICK_WAIT_SECONDS", "181", "STEP_FUNCTIONS_ENDPOINT_URL", "localhost")));

        assertEquals(4, invalid.problems().size(), invalid.problems().toString());
        String all = String.join("\n", invalid.problems());
        for (String named : new String[] {"CLUSTER_ID", "TICK_STATE_MACHINE_ARN=prod-tick", "TICK_WAIT_SECONDS", "STEP_FUNCTIONS_ENDPOINT_URL=localhost"}) {
            org.junit.jupiter.api.Assertions.assertTrue(all.contains(named), named + " in " + all);
        }
    }

    @Test
    void anEndpointThatIsNoURI_isAProblemListed_notAStackTrace() {
        InvalidConfigurationException invalid = assertThrows(InvalidConfigurationException.class, () -> AlertSettings.fromEnvironment(
                Map.of("CLUSTER_ID", "prod", "TICK_STATE_MACHINE_ARN", "arn:aws:states:eu-west-1:123456789012:stateMachine:prod-tick",
                        "STEP_FUNCTIONS_ENDPOINT_URL", "http://a b")));

        assertEquals(java.util.List.of("STEP_FUNCTIONS_ENDPOINT_URL=http://a b is not a URL like http://127.0.0.1:8083"),
                invalid.problems());
    }
}
