package dev.k3sautoscaler.metrics;

import java.util.List;
import java.util.Map;

/** What one instant query came back with: samples, or why there are none. Never an exception. */
public sealed interface QueryResult {

    /** The query ran; {@code samples} may be empty (no series matched). */
    record Samples(List<Sample> samples) implements QueryResult {
        public Samples {
            samples = List.copyOf(samples);
        }
    }

    /** The query did not run or its answer could not be read. */
    record Failed(Failure failure, String detail) implements QueryResult {
        public String describe() {
            return failure.meaning + " (" + detail + ")";
        }
    }

    /** The ways a query fails; each maps to one operator-readable phrase. */
    enum Failure {
        /** No connection: refused, DNS, TLS handshake, reset. */
        UNREACHABLE("Prometheus unreachable"),
        /** Connected, but no answer within the request timeout. */
        TIMEOUT("Prometheus did not answer in time"),
        /** A non-2xx answer that is not a Prometheus error (proxy 401/403/404/503, a crashed server). */
        HTTP_STATUS("Prometheus answered with an HTTP error"),
        /** Prometheus answered {@code "status":"error"} (bad query, query timeout, overload). */
        QUERY_ERROR("Prometheus rejected the query"),
        /** The answer is not the JSON of an instant query. */
        MALFORMED("Prometheus answer unreadable"),
        /** The request could not be prepared: the token or CA could not be read. */
        SETUP("cannot authenticate to the cluster");

        private final String meaning;

        Failure(String meaning) {
            this.meaning = meaning;
        }

        public String meaning() {
            return meaning;
        }
    }

    /** One element of an instant vector (a scalar result is one sample without labels). */
    record Sample(Map<String, String> labels, double value) {
        public Sample {
            labels = Map.copyOf(labels);
        }

        public String label(String name) {
            return labels.get(name);
        }
    }
}
