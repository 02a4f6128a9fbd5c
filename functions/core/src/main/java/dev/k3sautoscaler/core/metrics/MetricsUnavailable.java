package dev.k3sautoscaler.core.metrics;

import java.time.Instant;

/**
 * Why CollectMetrics has no numbers to give, as facts with a stable {@link Code};
 * {@link MetricsWording} words it into {@code unavailableReason}.
 */
public sealed interface MetricsUnavailable {

    Code code();

    enum Code {
        PROMETHEUS_UNREACHABLE, PROMETHEUS_TIMEOUT, PROMETHEUS_UNAVAILABLE, PROMETHEUS_REJECTED,
        PROMETHEUS_ANSWER_UNREADABLE, CANNOT_AUTHENTICATE, MISSING_SERIES, NOT_A_NUMBER, OUT_OF_RANGE,
        SAMPLE_AFTER_QUERY, STALE_DATA, NO_NODE_EXPORTER
    }

    /**
     * @param query  the first query that failed (its name, e.g. {@code cpu_percent})
     * @param failed how many of the {@code total} queries failed
     */
    record QueryFailed(QueryFailure failure, String detail, String query, int failed, int total)
            implements MetricsUnavailable {
        public Code code() {
            return switch (failure) {
                case UNREACHABLE -> Code.PROMETHEUS_UNREACHABLE;
                case TIMEOUT -> Code.PROMETHEUS_TIMEOUT;
                case UNAVAILABLE -> Code.PROMETHEUS_UNAVAILABLE;
                case REJECTED -> Code.PROMETHEUS_REJECTED;
                case MALFORMED -> Code.PROMETHEUS_ANSWER_UNREADABLE;
                case SETUP -> Code.CANNOT_AUTHENTICATE;
            };
        }
    }

    /** A required series has no sample. */
    record MissingSeries(String series) implements MetricsUnavailable {
        public Code code() { return Code.MISSING_SERIES; }
    }

    record NotANumber(String series, double value) implements MetricsUnavailable {
        public Code code() { return Code.NOT_A_NUMBER; }
    }

    record OutOfRange(String series, double value, String expected) implements MetricsUnavailable {
        public Code code() { return Code.OUT_OF_RANGE; }
    }

    record SampleAfterQuery(String series, Instant sampled, Instant at) implements MetricsUnavailable {
        public Code code() { return Code.SAMPLE_AFTER_QUERY; }
    }

    /** @param source the exporter, e.g. {@code node-exporter} */
    record StaleData(String source, long ageSeconds, long limitSeconds) implements MetricsUnavailable {
        public Code code() { return Code.STALE_DATA; }
    }

    record NoNodeExporter(int workers) implements MetricsUnavailable {
        public Code code() { return Code.NO_NODE_EXPORTER; }
    }
}
