package dev.k3sautoscaler.metrics;

import static dev.k3sautoscaler.core.words.Words.gib;
import static dev.k3sautoscaler.core.words.Words.percent;
import static dev.k3sautoscaler.core.words.Words.plural;
import static dev.k3sautoscaler.core.words.Words.vcpu;
import static dev.k3sautoscaler.core.words.Words.verb;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import dev.k3sautoscaler.core.model.ClusterMetrics;
import dev.k3sautoscaler.core.model.PodRequest;
import dev.k3sautoscaler.core.model.WorkerNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Output of the CollectMetrics step: the {@link ClusterMetrics} fields at the top level plus a
 * one-line {@code reason} for the operator and, when there are no metrics, {@code unavailableCode}
 * (a {@code MetricsUnavailable.Code}, e.g. PROMETHEUS_UNAVAILABLE) beside {@code unavailableReason}. The ASL stores it at {@code $.metrics}; the Decide
 * step reads that object as a {@code ClusterMetrics} (the extra {@code reason} is ignored), so the
 * record contract is core's, unchanged.
 */
public record CollectMetricsOutput(@JsonUnwrapped ClusterMetrics metrics, String reason, String unavailableCode) {

    /** The operator's line: what was seen, or why nothing could be. */
    public static CollectMetricsOutput of(MetricsCollector.Collected collected, Duration pendingUp) {
        ClusterMetrics metrics = collected.metrics();
        if (!metrics.available()) {
            return new CollectMetricsOutput(metrics, "metrics unavailable: " + metrics.unavailableReason(),
                    collected.unavailable() == null ? null : collected.unavailable().code().name());
        }
        List<String> parts = new ArrayList<>();
        parts.add(workers(metrics.workers()));
        parts.add("CPU " + percent(metrics.cpuPercent()) + " (lowest " + percent(metrics.cpuSustainedHighPercent())
                + " over the sustain window, highest " + percent(metrics.cpuSustainedLowPercent())
                + " over the idle window), memory " + percent(metrics.memoryPercent())
                + " (lowest " + percent(metrics.memorySustainedHighPercent()) + " over the sustain window, highest "
                + percent(metrics.memorySustainedLowPercent()) + " over the idle window)");
        parts.add(unschedulable(metrics, pendingUp));
        parts.add("requests on workers " + vcpu(metrics.requestedCpuMillisOnWorkers()) + " / "
                + gib(metrics.requestedMemoryBytesOnWorkers()));
        parts.addAll(collected.notes());
        return new CollectMetricsOutput(metrics, String.join("; ", parts), null);
    }

    private static String workers(List<WorkerNode> workers) {
        long ready = workers.stream().filter(WorkerNode::ready).count();
        long cordoned = workers.stream().filter(worker -> !worker.schedulable()).count();
        return plural(workers.size(), "worker") + " (" + ready + " ready" + (cordoned > 0 ? ", " + cordoned + " cordoned" : "") + ")";
    }

    private static String unschedulable(ClusterMetrics metrics, Duration pendingUp) {
        int count = metrics.unschedulablePods();
        // PENDING_UP_SEC 0 (the default) counts every unschedulable pod: "for 0 s" would only puzzle a reader.
        String forHowLong = pendingUp.isZero() ? "" : " for " + pendingUp.toSeconds() + " s";
        if (count == 0) {
            return "no pod unschedulable" + forHowLong
                    + (metrics.unschedulablePodsMaxOverIdleWindow() > 0
                    ? " (up to " + metrics.unschedulablePodsMaxOverIdleWindow() + " within the idle window)" : "");
        }
        String line = plural(count, "pod") + " unschedulable" + (forHowLong.isEmpty() ? "" : forHowLong + "+") + " "
                + verb(count, "needs") + " "
                + vcpu(metrics.unschedulableCpuMillis()) + " / " + gib(metrics.unschedulableMemoryBytes());
        PodRequest largest = metrics.unschedulablePodRequests().isEmpty() ? null : metrics.unschedulablePodRequests().getFirst();
        return largest == null ? line : line + " (largest " + largest.qualifiedName() + " " + vcpu(largest.cpuMillis())
                + " / " + gib(largest.memoryBytes()) + ")";
    }
}
