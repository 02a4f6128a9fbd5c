package dev.k3sautoscaler.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k3sautoscaler.core.config.InvalidConfigurationException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KubeSettingsTest {
    @Test
    void fromEnvironment_usesDefaults_whenOnlyTheClusterIdIsSet() {
        // GIVEN / WHEN
        KubeSettings settings = KubeSettings.fromEnvironment(Map.of("CLUSTER_ID", "prod"));

        // THEN StatefulSet pods block and the join timeout is the policy's default
        assertEquals(new KubeSettings("prod", true, KubeTimeouts.defaults()), settings);
    }

    @Test
    void fromEnvironment_readsTheStatefulSetSwitch_andTheJoinTimeout() {
        // GIVEN / WHEN
        KubeSettings settings = KubeSettings.fromEnvironment(Map.of("CLUSTER_ID", "prod",
                KubeSettings.STATEFULSET_VARIABLE, "FALSE", "JOIN_TIMEOUT_SEC", "300"));

        // THEN
        assertFalse(settings.statefulSetPodsBlock());
        assertEquals(Duration.ofSeconds(300), settings.timeouts().join());
    }

    @Test
    void fromEnvironment_reportsEveryProblemAtOnce() {
        // GIVEN no cluster id and a bad switch / WHEN / THEN both are named
        InvalidConfigurationException error = assertThrows(InvalidConfigurationException.class,
                () -> KubeSettings.fromEnvironment(Map.of(KubeSettings.STATEFULSET_VARIABLE, "maybe")));
        assertTrue(error.getMessage().contains("CLUSTER_ID is missing"), error.getMessage());
        assertTrue(error.getMessage().contains("SCALE_DOWN_STATEFULSET_PODS_BLOCK=maybe is not one of [false, true]"),
                error.getMessage());
    }
}
