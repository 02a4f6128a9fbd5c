package dev.k3sautoscaler.simulator.cluster;

import dev.k3sautoscaler.simulator.scenario.Scenario.CapacityType;
import java.time.Duration;

/**
 * An EC2 instance as the EC2 API would describe it (and as it is billed).
 *
 * @param goneAt when it stopped running, or will (a Spot interruption); null while it runs
 */
public record InstanceState(String instanceId, String zone, boolean master, CapacityType capacityType,
        Duration launchedAt, Duration goneAt) {

    public boolean runningAt(Duration t) {
        return t.compareTo(launchedAt) >= 0 && (goneAt == null || t.compareTo(goneAt) < 0);
    }
}
