package dev.k3sautoscaler.simulator.cluster;

import dev.k3sautoscaler.simulator.scenario.Durations;
import dev.k3sautoscaler.simulator.scenario.Scenario.CapacityError;

/** RunInstances would answer InsufficientInstanceCapacity: the scenario has a capacity-error window for this offering now. */
public final class InsufficientCapacityException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient CapacityError window;

    public InsufficientCapacityException(CapacityError window) {
        super("InsufficientInstanceCapacity: no " + window.capacityType().label() + " " + window.instanceType()
                + " in " + window.zone() + " (scenario window " + Durations.format(window.from()) + " to " + Durations.format(window.to()) + ")");
        this.window = window;
    }

    public CapacityError window() {
        return window;
    }
}
