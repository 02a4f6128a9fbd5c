package dev.k3sautoscaler.simulator.virtual;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The timings of the monitoring cluster-bootstrap deploys, read from its own Prometheus config (in
 * the simulator's jar): the run scrapes and evaluates rules at the intervals a real cluster would.
 *
 * @param scrapeInterval     kube-state-metrics and node-exporter are scraped this often
 * @param evaluationInterval alerting rules are evaluated this often
 */
public record MonitoringTimings(Duration scrapeInterval, Duration evaluationInterval) {
    static final String PROMETHEUS_CONFIG = "monitoring/prometheus.yml";
    private static final Pattern PROMETHEUS_DURATION = Pattern.compile("(\\d+)(ms|s|m|h)");

    public MonitoringTimings {
        if (!scrapeInterval.isPositive() || !evaluationInterval.isPositive()) {
            throw new IllegalArgumentException("intervals must be positive: " + scrapeInterval + ", " + evaluationInterval);
        }
    }

    /** As deployed: the global intervals of cluster-bootstrap's prometheus.yml. */
    public static MonitoringTimings deployed() {
        JsonNode global = yaml(PROMETHEUS_CONFIG).path("global");
        return new MonitoringTimings(duration(global, "scrape_interval"), duration(global, "evaluation_interval"));
    }

    public static JsonNode yaml(String resource) {
        try (InputStream in = MonitoringTimings.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is missing from the simulator's classpath (built from cluster-bootstrap/prometheus)");
            }
            return new ObjectMapper(new YAMLFactory()).readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A Prometheus duration field ({@code 15s}, {@code 1m}, …) of {@code node}. */
    public static Duration duration(JsonNode node, String field) {
        String text = node.path(field).asText("");
        Matcher matcher = PROMETHEUS_DURATION.matcher(text);
        if (!matcher.matches()) {
            throw new IllegalStateException("expected a duration like 15s in '" + field + "', found '" + text + "'");
        }
        long amount = Long.parseLong(matcher.group(1));
        return switch (matcher.group(2)) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            default -> Duration.ofHours(amount);
        };
    }
}
