package dev.k3sautoscaler.metrics;

import dev.k3sautoscaler.core.metrics.MetricsWording;
import dev.k3sautoscaler.core.metrics.QueryFailure;
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
    record Failed(QueryFailure failure, String detail) implements QueryResult {
        public String describe() {
            return MetricsWording.failure(failure, detail);
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
