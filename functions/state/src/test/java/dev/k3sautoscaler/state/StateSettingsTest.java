package dev.k3sautoscaler.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k3sautoscaler.core.config.InvalidConfigurationException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StateSettingsTest {

    @Test
    void fromEnvironment_readsTables_andDefaultsRetentionAndLockTtl() {
        StateSettings settings = StateSettings.fromEnvironment(Map.of(
                "CLUSTER_ID", "prod-eu-1", "STATE_TABLE", "k3s-state", "EVENT_LOG_TABLE", "k3s-events"));

        assertEquals(new StateSettings("prod-eu-1", "k3s-state", "k3s-events", Duration.ofDays(30), Duration.ofSeconds(300)),
                settings);
    }

    @Test
    void fromEnvironment_takesLockTtlFromTheSharedScalingSetting() {
        StateSettings settings = StateSettings.fromEnvironment(Map.of("CLUSTER_ID", "c", "STATE_TABLE", "k3s-state",
                "EVENT_LOG_TABLE", "k3s-events", "LOCK_TTL_SEC", "150", "EVENT_LOG_RETENTION_DAYS", "7"));

        assertEquals(Duration.ofSeconds(150), settings.lockTtl());
        assertEquals(Duration.ofDays(7), settings.eventLogRetention());
    }

    @Test
    void fromEnvironment_listsEveryProblemAtOnce() {
        InvalidConfigurationException error = assertThrows(InvalidConfigurationException.class,
                () -> StateSettings.fromEnvironment(Map.of("CLUSTER_ID", "Prod_EU", "STATE_TABLE", "x",
                        "LOCK_TTL_SEC", "5", "EVENT_LOG_RETENTION_DAYS", "forever")));

        assertEquals(List.of(
                "CLUSTER_ID=Prod_EU must match [a-z0-9-]{1,40}",
                "STATE_TABLE=x is not a DynamoDB table name ([a-zA-Z0-9_.-]{3,255})",
                "EVENT_LOG_TABLE is missing (expected a DynamoDB table name)",
                "EVENT_LOG_RETENTION_DAYS=forever is not a whole number (expected 1..3650)",
                "LOCK_TTL_SEC=5 is out of range (expected a whole number 60..3600)"), error.problems());
    }

    @Test
    void fromEnvironment_refusesALeaseShorterThanTheLongestLeasedStep() {
        InvalidConfigurationException error = assertThrows(InvalidConfigurationException.class,
                () -> StateSettings.fromEnvironment(Map.of("CLUSTER_ID", "c", "STATE_TABLE", "k3s-state",
                        "EVENT_LOG_TABLE", "k3s-events", "LOCK_TTL_SEC", "100")));

        assertEquals(1, error.problems().size(), error.problems().toString());
        assertTrue(error.problems().getFirst().startsWith("LOCK_TTL_SEC=100 is shorter than LaunchWorkers can run"),
                error.problems().toString());
    }
}
