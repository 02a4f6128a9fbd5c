package dev.k3sautoscaler.core.metrics;

import static dev.k3sautoscaler.core.words.Words.plural;

/** The one place CollectMetrics' data-unavailable reasons become words. */
public final class MetricsWording {
    /** Series whose absence has a known cause worth naming; any other reads "no data for X". */
    public static final String KSM_NEWEST_SAMPLE = "ksm_newest_sample";
    public static final String CONTROL_PLANE_NODES = "control_plane_nodes";
    public static final String UNSCHEDULABLE_HISTORY = "unschedulable_max_over_idle_window";

    private MetricsWording() {
    }

    public static String unavailable(MetricsUnavailable reason) {
        return switch (reason) {
            case MetricsUnavailable.QueryFailed f -> failure(f.failure(), f.detail())
                    + (f.failed() == f.total() ? " (all " + f.total() + " queries)"
                    : " for " + f.query() + " (" + f.failed() + " of " + f.total() + " queries failed)");
            case MetricsUnavailable.MissingSeries m -> switch (m.series()) {
                case KSM_NEWEST_SAMPLE -> "kube-state-metrics has no kube_node_info series: is it deployed and scraped?";
                case CONTROL_PLANE_NODES -> "no node has the control-plane role in kube_node_role (needs"
                        + " kube-state-metrics v2.x): without it the master would be counted as a worker";
                case UNSCHEDULABLE_HISTORY -> "no unschedulable-pod history";
                default -> "no data for " + m.series() + " although workers are measured";
            };
            case MetricsUnavailable.NotANumber n -> n.series() + " is not a number (" + n.value() + ")";
            case MetricsUnavailable.OutOfRange o -> o.series() + " is out of range (" + o.value() + ", expected "
                    + o.expected() + ")";
            case MetricsUnavailable.SampleAfterQuery s -> s.series() + " has a sample time after the query time ("
                    + s.sampled() + " > " + s.at() + ")";
            case MetricsUnavailable.StaleData s -> s.source() + " data is stale: its newest sample is "
                    + s.ageSeconds() + " s old (limit " + s.limitSeconds() + " s)";
            case MetricsUnavailable.NoNodeExporter n -> "node-exporter reports none of the " + plural(n.workers(), "worker")
                    + " (is it running there, and does the scrape set the node label?)";
        };
    }

    /** One query's failure: "Prometheus unavailable (HTTP 503, unavailable: TSDB not ready)". */
    public static String failure(QueryFailure failure, String detail) {
        String meaning = switch (failure) {
            case UNREACHABLE -> "Prometheus unreachable";
            case TIMEOUT -> "Prometheus did not answer in time";
            case UNAVAILABLE -> "Prometheus unavailable";
            case REJECTED -> "Prometheus rejected the query";
            case MALFORMED -> "Prometheus answer unreadable";
            case SETUP -> "cannot authenticate to the cluster";
        };
        return meaning + " (" + detail + ")";
    }
}
