package dev.k3sautoscaler.simulator.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k3sautoscaler.simulator.scenario.Scenario.CapacityType;
import dev.k3sautoscaler.simulator.scenario.Scenario.OutageKind;
import dev.k3sautoscaler.simulator.scenario.ScenarioLoader;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class FaultWindowsTest {

    @Test
    void launch_failsWithInsufficientCapacity_onlyForTheOfferingAndWindowOfTheScenario() {
        // GIVEN capacity-shortage: on-demand t3.small missing in us-east-1a during [25m, 1h25m)
        SimulatedCluster cluster = new SimulatedCluster(ScenarioLoader.bundled("capacity-shortage"));
        cluster.advanceTo(Duration.ofMinutes(25));

        // WHEN / THEN the failing offering throws a typed error; another zone or capacity type launches
        InsufficientCapacityException e = assertThrows(InsufficientCapacityException.class,
                () -> cluster.launchWorker("us-east-1a", CapacityType.ON_DEMAND));
        assertEquals("us-east-1a", e.window().zone());
        assertTrue(cluster.launchWorker("us-east-1a", CapacityType.SPOT).startsWith("i-"));
        assertTrue(cluster.launchWorker("us-east-1b", CapacityType.ON_DEMAND).startsWith("i-"));

        // WHEN the window closes (to is exclusive)
        cluster.advanceTo(Duration.ofMinutes(85));

        // THEN
        assertTrue(cluster.launchWorker("us-east-1a", CapacityType.ON_DEMAND).startsWith("i-"));
    }

    @Test
    void outages_areActiveFromTheirStartUntilJustBeforeTheirEnd() {
        // GIVEN prometheus-outage: Prometheus down [40m, 1h), K3s API 5xx [1h30m, 1h35m)
        SimulatedCluster cluster = new SimulatedCluster(ScenarioLoader.bundled("prometheus-outage"));

        // WHEN / THEN
        cluster.advanceTo(Duration.ofMinutes(39));
        assertFalse(cluster.outageActive(OutageKind.PROMETHEUS));
        cluster.advanceTo(Duration.ofMinutes(40));
        assertTrue(cluster.outageActive(OutageKind.PROMETHEUS));
        assertFalse(cluster.outageActive(OutageKind.KUBE_API));
        cluster.advanceTo(Duration.ofMinutes(60));
        assertFalse(cluster.outageActive(OutageKind.PROMETHEUS));
        cluster.advanceTo(Duration.ofMinutes(92));
        assertTrue(cluster.outageActive(OutageKind.KUBE_API));
    }
}
