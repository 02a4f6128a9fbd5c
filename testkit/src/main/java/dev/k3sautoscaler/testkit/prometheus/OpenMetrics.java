package dev.k3sautoscaler.testkit.prometheus;

import java.io.StringWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes synthetic metric history in the OpenMetrics text format that
 * {@code promtool tsdb create-blocks-from openmetrics} backfills. It takes care of the format's
 * traps: each metric family is written in one block, every series' samples are in time order (the
 * backfill silently drops out-of-order samples), timestamps are in seconds, counters carry the
 * {@code _total} suffix under a {@code # TYPE} without it, and the text ends with {@code # EOF}.
 * It keeps the whole history in memory, for fixtures; {@link OpenMetricsWriter}, which writes the
 * text, streams a larger one.
 *
 * <pre>{@code
 * OpenMetrics metrics = new OpenMetrics();
 * metrics.gauge("kube_node_info").sample(Labels.of("node", "w1"), t, 1);
 * String text = metrics.text();
 * }</pre>
 */
public final class OpenMetrics {
    private final Map<String, Family> families = new LinkedHashMap<>();

    /** A gauge family; samples are written under {@code name}. */
    public Family gauge(String name) {
        return family(name, "gauge");
    }

    /** A counter family; {@code name} is given without {@code _total}, samples are written as {@code name_total}. */
    public Family counter(String name) {
        OpenMetricsWriter.counterSamples(name);
        return family(name, "counter");
    }

    private Family family(String name, String type) {
        Family family = families.computeIfAbsent(name, n -> new Family(n, type));
        if (!family.type.equals(type)) {
            throw new IllegalArgumentException(name + " is already a " + family.type);
        }
        return family;
    }

    /** The whole history, ready for {@code promtool tsdb create-blocks-from openmetrics}. */
    public String text() {
        StringWriter text = new StringWriter();
        OpenMetricsWriter out = new OpenMetricsWriter(text);
        for (Family family : families.values()) {
            if (family.series.isEmpty()) {
                continue;
            }
            if (family.type.equals("counter")) {
                out.counter(family.name);
            } else {
                out.gauge(family.name);
            }
            for (Map.Entry<String, TreeMap<Long, Double>> series : family.series.entrySet()) {
                out.series(series.getKey());
                series.getValue().forEach(out::sample);
            }
        }
        out.end();
        return text.toString();
    }

    /** Number of samples written so far (fixtures use it to show their size). */
    public int sampleCount() {
        return families.values().stream()
                .mapToInt(family -> family.series.values().stream().mapToInt(Map::size).sum())
                .sum();
    }

    /** One metric family: series keyed by their rendered label set, samples by epoch milliseconds. */
    public static final class Family {
        private final String name;
        private final String type;
        private final Map<String, TreeMap<Long, Double>> series = new LinkedHashMap<>();

        private Family(String name, String type) {
            this.name = name;
            this.type = type;
        }

        /** Adds (or replaces) the sample of the series {@code labels} at {@code time}. */
        public Family sample(Labels labels, Instant time, double value) {
            series.computeIfAbsent(labels.render(), key -> new TreeMap<>()).put(time.toEpochMilli(), value);
            return this;
        }
    }

    /** An ordered label set; {@code Labels.of("node", "w1", "cpu", "0")}. */
    public record Labels(Map<String, String> values) {
        public Labels {
            values = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(values));
        }

        public static Labels of(String... namesAndValues) {
            if (namesAndValues.length % 2 != 0) {
                throw new IllegalArgumentException("labels come in name/value pairs");
            }
            Map<String, String> values = new LinkedHashMap<>();
            for (int i = 0; i < namesAndValues.length; i += 2) {
                values.put(namesAndValues[i], namesAndValues[i + 1]);
            }
            return new Labels(values);
        }

        /** These labels plus more (later names win). */
        public Labels and(String... namesAndValues) {
            Map<String, String> merged = new LinkedHashMap<>(values);
            merged.putAll(of(namesAndValues).values);
            return new Labels(merged);
        }

        String render() {
            if (values.isEmpty()) {
                return "";
            }
            List<String> pairs = new ArrayList<>();
            values.forEach((name, value) -> pairs.add(name + "=\"" + escape(value) + "\""));
            return "{" + String.join(",", pairs) + "}";
        }

        private static String escape(String value) {
            return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
        }
    }
}
