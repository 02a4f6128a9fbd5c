package dev.k3sautoscaler.simulator.replay;

import java.util.List;

/** Prometheus answered, but its history cannot describe the cluster over the range asked for. */
public final class UnusableHistoryException extends ReplayException {

    public enum Problem {
        /** Series the derivation needs were never stored (an exporter is not installed or not scraped). */
        MISSING_SERIES,
        /** The series exist, but have no samples in the range. */
        NO_SAMPLES,
        /** No node without the control-plane role in the range. */
        NO_WORKERS,
        /** Pods, but none owned by a Deployment, StatefulSet or DaemonSet outside the control plane. */
        NO_WORKLOADS,
        /** An export file that is missing, or that Prometheus cannot backfill (not OpenMetrics with timestamps). */
        UNREADABLE_EXPORT
    }

    private final Problem problem;
    private final List<String> missingSeries;

    UnusableHistoryException(Problem problem, String message) {
        this(problem, message, List.of());
    }

    UnusableHistoryException(Problem problem, String message, List<String> missingSeries) {
        super(message, null);
        this.problem = problem;
        this.missingSeries = List.copyOf(missingSeries);
    }

    public Problem problem() {
        return problem;
    }

    /** The metric names with no series at all, for {@link Problem#MISSING_SERIES}; empty otherwise. */
    public List<String> missingSeries() {
        return missingSeries;
    }
}
