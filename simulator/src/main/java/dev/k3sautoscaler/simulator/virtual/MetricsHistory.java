package dev.k3sautoscaler.simulator.virtual;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;

/**
 * What Prometheus would have stored: one scrape of the cluster every {@link #STEP}, and the
 * windowed answers our sustained-condition subqueries compute from it
 * ({@code min_over_time((expr or on() vector(default))[window:30s])}). A step without a scrape —
 * Prometheus was down — takes the query's default, exactly as the {@code or on() vector(…)} in
 * ClusterQueries does: 0 for "sustained high" (a gap cannot fake a high), 100 for "sustained low"
 * (a gap blocks a scale-down), 0 for the unschedulable count.
 */
public final class MetricsHistory {
    /** The subqueries' resolution (ClusterQueries.SUBQUERY_STEP). */
    public static final Duration STEP = Duration.ofSeconds(30);

    /** One scrape: null percentages when no worker was Ready (no series, not zero). */
    public record Scrape(Double cpuPercent, Double memoryPercent, int unschedulablePods) {
    }

    private final TreeMap<Duration, Scrape> scrapes = new TreeMap<>();

    /** Records the scrape at {@code at}; scrapes arrive in time order. */
    public void record(Duration at, Scrape scrape) {
        scrapes.put(at, scrape);
        // Nothing looks back further than an hour (the longest window is IDLE_DOWN_SEC ≤ 3600 s).
        scrapes.headMap(at.minusHours(2)).clear();
    }

    /** Lowest CPU % at every step of the window ending at {@code now}; missing points count 0. */
    public double cpuSustainedHigh(Duration now, Duration window) {
        return fold(now, window, scrape -> scrape.cpuPercent() == null ? 0 : scrape.cpuPercent(), 0, true);
    }

    /** Highest CPU % over the window; missing points count 100. */
    public double cpuSustainedLow(Duration now, Duration window) {
        return fold(now, window, scrape -> scrape.cpuPercent() == null ? 100 : scrape.cpuPercent(), 100, false);
    }

    /** Lowest memory % at every step of the window; missing points count 0. */
    public double memorySustainedHigh(Duration now, Duration window) {
        return fold(now, window, scrape -> scrape.memoryPercent() == null ? 0 : scrape.memoryPercent(), 0, true);
    }

    /** Highest memory % over the window; missing points count 100. */
    public double memorySustainedLow(Duration now, Duration window) {
        return fold(now, window, scrape -> scrape.memoryPercent() == null ? 100 : scrape.memoryPercent(), 100, false);
    }

    /** Most pods unschedulable at once over the window; missing points count 0. */
    public int unschedulableMax(Duration now, Duration window) {
        return (int) fold(now, window, Scrape::unschedulablePods, 0, false);
    }

    /**
     * The subquery's evaluation points are the multiples of STEP inside (now - window, now]; each
     * takes the latest scrape at or before it no older than one step (Prometheus' lookback for a
     * 30 s scrape), else the default.
     */
    private double fold(Duration now, Duration window, ToDoubleFunction<Scrape> value, double missing, boolean min) {
        long stepSeconds = STEP.toSeconds();
        long last = Math.floorDiv(now.toSeconds(), stepSeconds) * stepSeconds;
        long first = now.minus(window).toSeconds();
        double result = min ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
        boolean any = false;
        for (long t = last; t > first; t -= stepSeconds) {
            Map.Entry<Duration, Scrape> at = scrapes.floorEntry(Duration.ofSeconds(t));
            double point = at != null && Duration.ofSeconds(t).minus(at.getKey()).compareTo(STEP) < 0
                    ? value.applyAsDouble(at.getValue()) : missing;
            result = min ? Math.min(result, point) : Math.max(result, point);
            any = true;
        }
        return any ? result : missing;
    }
}
