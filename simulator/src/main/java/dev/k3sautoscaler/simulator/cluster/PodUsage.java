package dev.k3sautoscaler.simulator.cluster;

/**
 * What one pod's containers use at an instant, as cAdvisor would measure it: its requests × the
 * workload's usage fractions × the minute's jitter.
 *
 * @param cpuMillis    CPU in use, millicores
 * @param memoryBytes  working set
 */
public record PodUsage(long cpuMillis, long memoryBytes) {
}
