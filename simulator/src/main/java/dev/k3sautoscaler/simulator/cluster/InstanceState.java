package dev.k3sautoscaler.simulator.cluster;

import dev.k3sautoscaler.simulator.scenario.Scenario.CapacityType;
import java.time.Duration;

/**
 * An EC2 instance as the EC2 API would describe it (and as it is billed).
 *
 * @param goneAt when it stopped running, or will (a Spot interruption); null while it runs
 * @param registersAt when its Node registers if the instance lives that long (the boot delay drawn at launch)
 * @param readyAt when its Node turns Ready if the instance lives that long (the boot and join delays drawn at launch)
 */
public record InstanceState(String instanceId, String zone, boolean master, CapacityType capacityType,
        Duration launchedAt, Duration goneAt, Duration registersAt, Duration readyAt) {

    /** Its Node was Ready at some time before {@code t} (and before the instance stopped). */
    public boolean joinedBy(Duration t) {
        return readyAt.compareTo(t) <= 0 && (goneAt == null || readyAt.compareTo(goneAt) < 0);
    }


    public boolean runningAt(Duration t) {
        return t.compareTo(launchedAt) >= 0 && (goneAt == null || t.compareTo(goneAt) < 0);
    }
}
