package dev.k3sautoscaler.simulator.cluster;

import dev.k3sautoscaler.simulator.scenario.Scenario.CapacityType;
import java.util.Map;

/**
 * A registered Node as the Kubernetes API would serve it.
 *
 * @param providerId  {@code aws:///<az>/<instance-id>}, as the worker bootstrap sets it
 * @param cordoned    {@code spec.unschedulable}; the drain also adds the {@code k3s-autoscaler/draining} taint
 */
public record NodeState(
        String name,
        String instanceId,
        String providerId,
        String zone,
        boolean master,
        CapacityType capacityType,
        long allocatableCpuMillis,
        long allocatableMemoryBytes,
        Map<String, String> labels,
        boolean ready,
        boolean cordoned) {
}
