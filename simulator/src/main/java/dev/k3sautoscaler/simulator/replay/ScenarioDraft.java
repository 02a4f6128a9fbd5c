package dev.k3sautoscaler.simulator.replay;

import dev.k3sautoscaler.simulator.scenario.Scenario.Kind;
import dev.k3sautoscaler.simulator.scenario.Scenario.ReplicaStep;
import dev.k3sautoscaler.simulator.scenario.Scenario.WorkerType;
import java.time.Duration;
import java.util.List;

/**
 * A derived scenario before it is written: the fields of the file, and what the comments beside
 * them say about where each came from.
 *
 * @param workers       Ready workers at the start
 * @param workersSeen   how many workers the range had in all
 * @param workerTypeShare of those, how many had the chosen allocatable
 */
record ScenarioDraft(
        String name,
        String description,
        Duration duration,
        long seed,
        String region,
        int workers,
        List<String> zones,
        WorkerType workerType,
        int workersSeen,
        int workerTypeShare,
        List<Workload> workloads) {

    ScenarioDraft {
        zones = List.copyOf(zones);
        workloads = List.copyOf(workloads);
    }

    /**
     * @param replicas     change points; empty for a DaemonSet
     * @param podsMeasured pods whose requests the median is over (0: none had any)
     * @param usage        null when cAdvisor has no samples of its pods
     */
    record Workload(String namespace, String name, Kind kind, List<ReplicaStep> replicas, long cpuMillis, long memoryMiB,
                    int podsMeasured, Usage usage) {
        Workload {
            replicas = List.copyOf(replicas);
        }
    }

    /**
     * Used / requested, averaged over the range; a null fraction was not measured (the loader's
     * default applies).
     */
    record Usage(Double cpu, Double memory, double jitter) {
    }
}
