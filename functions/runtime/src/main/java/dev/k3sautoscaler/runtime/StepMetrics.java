package dev.k3sautoscaler.runtime;

import dev.k3sautoscaler.contract.PowertoolsEnvironment;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.lambda.powertools.metrics.Metrics;
import software.amazon.lambda.powertools.metrics.MetricsFactory;
import software.amazon.lambda.powertools.metrics.model.DimensionSet;
import software.amazon.lambda.powertools.metrics.model.MetricUnit;

/**
 * CloudWatch metrics of the steps, as Embedded Metric Format lines on stdout (Powertools metrics,
 * functional API: no AspectJ). Each metric is flushed as its own EMF document so it carries exactly
 * its own dimensions: {@code ClusterId} always, plus e.g. {@code Trigger} or {@code ErrorType}.
 * Every name, unit and meaning is listed in docs/metrics-reference.md.
 *
 * <p>Only the steps that emit (Decide, RecordOutcome) put Powertools metrics on their classpath;
 * this class is the one place that talks to it, so the handlers stay thin.
 */
public final class StepMetrics {
    public static final String NAMESPACE = PowertoolsEnvironment.METRICS_NAMESPACE;
    public static final String CLUSTER_ID = "ClusterId";

    // Names (docs/metrics-reference.md).
    public static final String SCALE_UP_EVENTS = "ScaleUpEvents";
    public static final String SCALE_DOWN_EVENTS = "ScaleDownEvents";
    public static final String SCALING_DECISIONS = "ScalingDecisions";
    public static final String SCALING_FAILURES = "ScalingFailures";
    public static final String NODE_JOIN_LATENCY = "NodeJoinLatency";
    public static final String JOIN_TIMEOUTS = "JoinTimeouts";
    public static final String DRAINS_ABORTED = "DrainsAborted";
    public static final String SPOT_DRAINS = "SpotDrains";
    public static final String WORKER_COUNT = "WorkerCount";
    public static final String UNSCHEDULABLE_PODS = "UnschedulablePods";
    public static final String AT_MAX_CAPACITY = "AtMaxCapacity";
    public static final String UNNEEDED_WORKERS = "UnneededWorkers";
    public static final String UNNEEDED_WORKERS_KEPT = "UnneededWorkersKept";
    public static final String LOCK_BUSY = "LockBusy";
    public static final String LOCK_HOLD_TIME = "LockHoldTime";
    public static final String DRAIN_DURATION = "DrainDuration";

    /** The units the steps use, without exposing Powertools to the handlers. */
    public enum Unit {
        COUNT(MetricUnit.COUNT), MILLISECONDS(MetricUnit.MILLISECONDS);

        private final MetricUnit powertools;

        Unit(MetricUnit powertools) {
            this.powertools = powertools;
        }
    }

    private final String clusterId;
    private final Metrics metrics;

    private StepMetrics(String clusterId, Metrics metrics) {
        this.clusterId = clusterId;
        this.metrics = metrics;
    }

    /** Built in INIT; the Powertools instance is a process-wide singleton. */
    public static StepMetrics forCluster(String clusterId) {
        return new StepMetrics(clusterId, MetricsFactory.getMetricsInstance());
    }

    public void count(String name, double value) {
        emit(name, value, Unit.COUNT, Map.of());
    }

    /** One metric with one extra dimension (e.g. Trigger=UNSCHEDULABLE_PODS). */
    public void count(String name, double value, String dimension, String dimensionValue) {
        emit(name, value, Unit.COUNT, Map.of(dimension, dimensionValue));
    }

    public void milliseconds(String name, long value) {
        emit(name, value, Unit.MILLISECONDS, Map.of());
    }

    public void emit(String name, double value, Unit unit, Map<String, String> dimensions) {
        Map<String, String> all = new LinkedHashMap<>();
        all.put(CLUSTER_ID, clusterId);
        all.putAll(dimensions);
        metrics.flushSingleMetric(name, value, unit.powertools, NAMESPACE, DimensionSet.of(all));
    }
}
