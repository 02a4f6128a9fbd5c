package dev.k3sautoscaler.fleet;

import dev.k3sautoscaler.contract.CapacityMode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k3sautoscaler.core.config.InvalidConfigurationException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FleetSettingsTest {
    private static final Map<String, String> MINIMAL = Map.of(
            "CLUSTER_ID", "demo",
            "WORKER_LAUNCH_TEMPLATE", "lt-0123456789abcdef0",
            "WORKER_SUBNET_IDS", "subnet-0a1:eu-west-1a, subnet-0b2:eu-west-1b");

    @Test
    void fromEnvironment_fillsDefaults_fromTheThreeRequiredVariables() {
        FleetSettings settings = FleetSettings.fromEnvironment(MINIMAL);

        assertEquals(List.of("t3.small"), settings.instanceTypes());
        assertEquals(CapacityMode.ON_DEMAND, settings.capacityMode());
        assertEquals("$Default", settings.launchTemplateVersion());
        assertEquals(List.of(new WorkerSubnet("subnet-0a1", "eu-west-1a"), new WorkerSubnet("subnet-0b2", "eu-west-1b")),
                settings.subnets());
        assertEquals(Duration.ofSeconds(180), settings.offeringUnavailable());
        assertTrue(settings.launchTemplateIsId());
        assertNull(settings.endpointOverride());
    }

    @Test
    void fromEnvironment_readsEveryOptionalVariable() {
        Map<String, String> env = new java.util.HashMap<>(MINIMAL);
        env.putAll(Map.of("WORKER_LAUNCH_TEMPLATE", "demo-worker", "WORKER_LAUNCH_TEMPLATE_VERSION", "7",
                "WORKER_INSTANCE_TYPES", "t3.small, t3a.small", "CAPACITY_TYPE", "spot-with-on-demand-fallback",
                "OFFERING_UNAVAILABLE_SEC", "300", "EC2_ENDPOINT_URL", "http://127.0.0.1:4566"));

        FleetSettings settings = FleetSettings.fromEnvironment(env);

        assertFalse(settings.launchTemplateIsId());
        assertEquals("7", settings.launchTemplateVersion());
        assertEquals(List.of("t3.small", "t3a.small"), settings.instanceTypes());
        assertEquals(List.of("spot", "on-demand"), settings.capacityMode().tiers());
        assertEquals(Duration.ofMinutes(5), settings.offeringUnavailable());
        assertEquals(URI.create("http://127.0.0.1:4566"), settings.endpointOverride());
    }

    @Test
    void fromEnvironment_reportsEveryProblemAtOnce() {
        InvalidConfigurationException error = assertThrows(InvalidConfigurationException.class,
                () -> FleetSettings.fromEnvironment(Map.of("CLUSTER_ID", "Demo_1", "WORKER_SUBNET_IDS", "subnet-1,eu-west-1a",
                        "CAPACITY_TYPE", "reserved", "WORKER_INSTANCE_TYPES", "small", "OFFERING_UNAVAILABLE_SEC", "-1")));

        List<String> problems = error.problems();
        assertTrue(problems.stream().anyMatch(p -> p.startsWith("CLUSTER_ID=Demo_1")), problems.toString());
        assertTrue(problems.stream().anyMatch(p -> p.startsWith("WORKER_LAUNCH_TEMPLATE is missing")), problems.toString());
        assertTrue(problems.stream().anyMatch(p -> p.startsWith("WORKER_SUBNET_IDS has 'subnet-1'")), problems.toString());
        assertTrue(problems.stream().anyMatch(p -> p.startsWith("CAPACITY_TYPE=reserved")), problems.toString());
        assertTrue(problems.stream().anyMatch(p -> p.contains("'small'")), problems.toString());
        assertTrue(problems.stream().anyMatch(p -> p.startsWith("OFFERING_UNAVAILABLE_SEC")), problems.toString());
    }

    @Test
    void offerings_areAzMajor_inConfiguredOrder() {
        Map<String, String> env = new java.util.HashMap<>(MINIMAL);
        env.put("WORKER_INSTANCE_TYPES", "t3.small,t3a.small");

        List<String> offerings = FleetSettings.fromEnvironment(env).offerings("spot").stream().map(Offering::toString).toList();

        assertEquals(List.of("t3.small@eu-west-1a/spot", "t3a.small@eu-west-1a/spot",
                "t3.small@eu-west-1b/spot", "t3a.small@eu-west-1b/spot"), offerings);
    }
}
