package dev.k3sautoscaler.simulator.replay;

import dev.k3sautoscaler.testkit.prometheus.PrometheusServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * A saved history, for replays without a live Prometheus: OpenMetrics text with a timestamp on every
 * sample (what {@code ./autoscaler simulate --export-metrics} writes, and what Prometheus' own
 * tooling backfills). It is served by a local Prometheus built from it, so a file and a URL go
 * through the same queries.
 *
 * @param first    the earliest sample's time
 * @param last     the latest sample's time
 * @param interval the shortest spacing of one series' samples: how long a sample stands for
 */
public record ExportFile(Path path, Instant first, Instant last, Duration interval) {

    /** Reads the file's time span and sample spacing; a file with no timestamped sample is refused. */
    public static ExportFile scan(Path path) {
        if (!Files.isRegularFile(path)) {
            throw new UnusableHistoryException(UnusableHistoryException.Problem.UNREADABLE_EXPORT,
                    "no export file at " + path);
        }
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        long spacing = Long.MAX_VALUE;
        Map<String, Long> lastOfSeries = new HashMap<>();
        try (BufferedReader lines = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                int stampAt = line.lastIndexOf(' ');
                int valueAt = line.lastIndexOf(' ', stampAt - 1);
                if (stampAt < 0 || valueAt < 0) {
                    continue; // a sample without a timestamp: nothing to replay in time
                }
                long millis = new BigDecimal(line.substring(stampAt + 1)).movePointRight(3).longValue();
                first = Math.min(first, millis);
                last = Math.max(last, millis);
                Long previous = lastOfSeries.put(line.substring(0, valueAt), millis);
                if (previous != null && millis > previous) {
                    spacing = Math.min(spacing, millis - previous);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the export file " + path, e);
        } catch (NumberFormatException e) {
            throw new UnusableHistoryException(UnusableHistoryException.Problem.UNREADABLE_EXPORT,
                    path + " is not OpenMetrics text with a timestamp on each sample: " + e.getMessage());
        }
        if (first == Long.MAX_VALUE) {
            throw new UnusableHistoryException(UnusableHistoryException.Problem.NO_SAMPLES,
                    "no timestamped sample in " + path + ": an export is OpenMetrics text with a time on each sample");
        }
        Duration interval = spacing == Long.MAX_VALUE ? Duration.ofMinutes(1) : Duration.ofMillis(spacing);
        return new ExportFile(path, Instant.ofEpochMilli(first), Instant.ofEpochMilli(last), interval);
    }

    /**
     * A Prometheus serving the file. Its lookback is just under one sample spacing: a live server
     * marks a series stale at the first scrape that misses it, a backfill has no such marker and would
     * otherwise keep a deleted pod visible for five minutes.
     */
    public PrometheusServer serve() {
        Duration lookback = interval.compareTo(Duration.ofSeconds(2)) > 0 ? interval.minusSeconds(1) : interval;
        try {
            return PrometheusServer.backfilledFrom(path.toAbsolutePath(), lookback);
        } catch (IllegalStateException e) {
            // The backfill's own words say which line it refused; a stack trace would say nothing more.
            throw new UnusableHistoryException(UnusableHistoryException.Problem.UNREADABLE_EXPORT,
                    "cannot backfill " + path + " into a local Prometheus: " + e.getMessage());
        }
    }
}
