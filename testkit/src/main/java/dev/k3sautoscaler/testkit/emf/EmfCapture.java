package dev.k3sautoscaler.testkit.emf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Captures the CloudWatch Embedded Metric Format documents a step prints to stdout (what the Lambda
 * log agent turns into metrics), while still passing stdout through. Start it before the code under
 * test runs, close it after; then read the metrics by name.
 */
public final class EmfCapture implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One metric value with the namespace and dimensions it was published under. */
    public record Metric(String namespace, String name, String unit, double value, Map<String, String> dimensions) {
    }

    private final PrintStream original;
    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();

    private EmfCapture() {
        this.original = System.out;
        OutputStream tee = new OutputStream() {
            @Override
            public void write(int b) {
                original.write(b);
                synchronized (captured) {
                    captured.write(b);
                }
            }

            @Override
            public void write(byte[] bytes, int offset, int length) {
                original.write(bytes, offset, length);
                synchronized (captured) {
                    captured.write(bytes, offset, length);
                }
            }
        };
        System.setOut(new PrintStream(tee, true, StandardCharsets.UTF_8));
    }

    public static EmfCapture start() {
        return new EmfCapture();
    }

    @Override
    public void close() {
        System.setOut(original);
    }

    /** Every metric of every EMF document printed so far, in order. */
    public List<Metric> metrics() {
        String text;
        synchronized (captured) {
            text = captured.toString(StandardCharsets.UTF_8);
        }
        List<Metric> metrics = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (!line.startsWith("{") || !line.contains("\"_aws\"")) {
                continue;
            }
            JsonNode document = parse(line);
            for (JsonNode directive : document.path("_aws").path("CloudWatchMetrics")) {
                Map<String, String> dimensions = new LinkedHashMap<>();
                for (JsonNode set : directive.path("Dimensions")) {
                    set.forEach(key -> dimensions.put(key.asText(), document.path(key.asText()).asText()));
                }
                for (JsonNode definition : directive.path("Metrics")) {
                    String name = definition.path("Name").asText();
                    metrics.add(new Metric(directive.path("Namespace").asText(), name,
                            definition.path("Unit").asText(), document.path(name).asDouble(), dimensions));
                }
            }
        }
        return metrics;
    }

    public List<Metric> named(String name) {
        return metrics().stream().filter(metric -> metric.name().equals(name)).toList();
    }

    private static JsonNode parse(String line) {
        try {
            return JSON.readTree(line);
        } catch (IOException e) {
            throw new IllegalStateException("an EMF line that is not JSON: " + line, e);
        }
    }
}
