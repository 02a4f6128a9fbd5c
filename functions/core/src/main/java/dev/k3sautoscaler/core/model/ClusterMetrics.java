package dev.k3sautoscaler.core.model;

import java.time.Instant;
import java.util.List;

/**
 * What CollectMetrics observed, as of {@code observedAt}. Percentages cover worker nodes only.
 * When {@code available} is false every number is null and {@code unavailableReason} says why:
 * the policy never scales on missing data, and a missing value is never read as zero.
 *
 * @param cpuPercent                 workers' CPU busy now
 * @param cpuSustainedHighPercent    lowest CPU over the CPU_UP_SUSTAIN_SEC window: above CPU_UP means high all along
 * @param cpuSustainedLowPercent     highest CPU over the IDLE_DOWN_SEC window: the peak the scale-down guard projects
 * @param memoryPercent              workers' memory in use now
 * @param memorySustainedHighPercent lowest memory over the MEM_UP_SUSTAIN_SEC window: above MEM_UP means high all along
 * @param memorySustainedLowPercent  highest memory over the IDLE_DOWN_SEC window
 * @param unschedulablePods          pods unschedulable for at least PENDING_UP_SEC
 * @param unschedulablePodRequests   those pods' requests (for bin packing); may be shorter than the count if truncated
 * @param unschedulablePodsMaxOverIdleWindow most unschedulable pods seen over the IDLE_DOWN_SEC window
 * @param requestedCpuMillisOnWorkers    summed CPU requests of pods scheduled on workers
 * @param requestedMemoryBytesOnWorkers  summed memory requests of pods scheduled on workers
 * @param workers                    registered worker nodes
 */
public record ClusterMetrics(
        boolean available,
        String unavailableReason,
        Instant observedAt,
        Double cpuPercent,
        Double cpuSustainedHighPercent,
        Double cpuSustainedLowPercent,
        Double memoryPercent,
        Double memorySustainedHighPercent,
        Double memorySustainedLowPercent,
        Integer unschedulablePods,
        List<PodRequest> unschedulablePodRequests,
        Integer unschedulablePodsMaxOverIdleWindow,
        Long requestedCpuMillisOnWorkers,
        Long requestedMemoryBytesOnWorkers,
        List<WorkerNode> workers) {

    public ClusterMetrics {
        unschedulablePodRequests = unschedulablePodRequests == null ? List.of() : List.copyOf(unschedulablePodRequests);
        workers = workers == null ? List.of() : List.copyOf(workers);
        if (available) {
            requireValue(cpuPercent, "cpuPercent");
            requireValue(cpuSustainedHighPercent, "cpuSustainedHighPercent");
            requireValue(cpuSustainedLowPercent, "cpuSustainedLowPercent");
            requireValue(memoryPercent, "memoryPercent");
            requireValue(memorySustainedHighPercent, "memorySustainedHighPercent");
            requireValue(memorySustainedLowPercent, "memorySustainedLowPercent");
            requireValue(unschedulablePods, "unschedulablePods");
            requireValue(unschedulablePodsMaxOverIdleWindow, "unschedulablePodsMaxOverIdleWindow");
            requireValue(requestedCpuMillisOnWorkers, "requestedCpuMillisOnWorkers");
            requireValue(requestedMemoryBytesOnWorkers, "requestedMemoryBytesOnWorkers");
        } else if (unavailableReason == null || unavailableReason.isBlank()) {
            throw new IllegalArgumentException("unavailable metrics must say why");
        }
    }

    private static void requireValue(Object value, String field) {
        if (value == null) {
            throw new IllegalArgumentException("available metrics need " + field);
        }
        if (value instanceof Double d && (d.isNaN() || d.isInfinite())) {
            throw new IllegalArgumentException(field + " is not a finite number: " + d);
        }
    }

    public static ClusterMetrics unavailable(String reason, Instant observedAt) {
        return new ClusterMetrics(false, reason, observedAt, null, null, null, null, null, null, null,
                List.of(), null, null, null, List.of());
    }

    public long unschedulableCpuMillis() {
        return unschedulablePodRequests.stream().mapToLong(PodRequest::cpuMillis).sum();
    }

    public long unschedulableMemoryBytes() {
        return unschedulablePodRequests.stream().mapToLong(PodRequest::memoryBytes).sum();
    }
}
