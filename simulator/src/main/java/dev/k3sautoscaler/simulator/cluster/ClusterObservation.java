package dev.k3sautoscaler.simulator.cluster;

import dev.k3sautoscaler.core.model.WorkerNode;
import java.time.Duration;
import java.util.List;

/**
 * What the metrics pipeline (node-exporter, kube-state-metrics) would show at {@code at}: the raw
 * material for the Prometheus endpoint the CollectMetrics step will query. Percentages cover Ready
 * workers only and are null when there is none (no data is not zero).
 *
 * @param unschedulable pods with PodScheduled=False, oldest first, with the time they became so
 */
public record ClusterObservation(
        Duration at,
        Double workerCpuPercent,
        Double workerMemoryPercent,
        List<UnschedulablePod> unschedulable,
        long requestedCpuMillisOnWorkers,
        long requestedMemoryBytesOnWorkers,
        List<WorkerNode> workers) {

    public record UnschedulablePod(String namespace, String name, long cpuMillis, long memoryBytes, Duration since) {
    }

    public long readyWorkers() {
        return workers.stream().filter(WorkerNode::ready).count();
    }
}
