package dev.k3sautoscaler.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.k3sautoscaler.core.config.AutoscalerConfig;
import dev.k3sautoscaler.metrics.ClusterFixture.Load;
import dev.k3sautoscaler.testkit.prometheus.PrometheusServer;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The sustained-CPU subqueries over the default windows (CPU_UP_SUSTAIN_SEC = 180, IDLE_DOWN_SEC =
 * 600), evaluated by the real Prometheus on one worker's load history:
 * <pre>
 *   10 %  ......  95 % for 1 min (SPIKE)  ... 10 % ...  90 % from 6 min before SUSTAINED on
 *                                                        node-exporter silent 2 min, then GAP
 * </pre>
 */
class SustainedCpuIT {
    private static final Instant SPIKE = Instant.parse("2026-03-02T12:00:00Z");
    private static final Instant QUIET = SPIKE.minus(Duration.ofMinutes(2));
    private static final Instant SUSTAINED = SPIKE.plus(Duration.ofMinutes(15));
    private static final Instant GAP = SUSTAINED.plus(Duration.ofMinutes(4));
    private static final ClusterQueries QUERIES = ClusterQueries.forConfig(AutoscalerConfig.defaults());
    private static PrometheusServer prometheus;
    private static Promql promql;

    @BeforeAll
    static void startPrometheus() {
        Load load = Load.constant(0.10)
                .between(SPIKE.minus(Duration.ofSeconds(60)), SPIKE.plusSeconds(1), 0.95)
                .from(SUSTAINED.minus(Duration.ofMinutes(6)), 0.90);
        ClusterFixture cluster = ClusterFixture.between(SPIKE.minus(Duration.ofMinutes(20)), GAP);
        cluster.master("server-1");
        cluster.worker("w1").cpus(2).cpuBusy(load)
                .exporterSilentBetween(SUSTAINED.plus(Duration.ofMinutes(1)), SUSTAINED.plus(Duration.ofMinutes(3)));
        prometheus = PrometheusServer.backfilledWith(cluster.openMetrics());
        promql = new Promql(prometheus);
    }

    @AfterAll
    static void stopPrometheus() {
        prometheus.close();
    }

    @Test
    void oneMinuteSpike_isHighNow_butNotSustained() {
        // WHEN
        double now = promql.scalar(ClusterQueries.CPU_PERCENT, SPIKE);
        double lowestOverSustainWindow = promql.scalar(QUERIES.cpuSustainedHigh(), SPIKE);

        // THEN 95 % now, but the 3-minute window also saw 10 %: no scale-up for CPU_UP = 70
        assertEquals(95.0, now, 0.5);
        assertEquals(10.0, lowestOverSustainWindow, 0.5);
    }

    @Test
    void loadHighForSixMinutes_isSustained() {
        // WHEN
        double lowestOverSustainWindow = promql.scalar(QUERIES.cpuSustainedHigh(), SUSTAINED);

        // THEN every point of the 3-minute window is at 90 %
        assertEquals(90.0, lowestOverSustainWindow, 0.5);
    }

    @Test
    void quietTenMinutes_isSustainedLow() {
        // WHEN
        double highestOverIdleWindow = promql.scalar(QUERIES.cpuSustainedLow(), QUIET);

        // THEN
        assertEquals(10.0, highestOverIdleWindow, 0.5);
    }

    @Test
    void spikeWithinTheIdleWindow_blocksSustainedLow() {
        // WHEN
        double highestOverIdleWindow = promql.scalar(QUERIES.cpuSustainedLow(), SPIKE.plus(Duration.ofMinutes(5)));

        // THEN the spike five minutes ago is still the window's highest point
        assertEquals(95.0, highestOverIdleWindow, 0.5);
    }

    @Test
    void gapInHistory_countsAgainstBothSustainedConditions() {
        // WHEN node-exporter was silent for 2 of the last 3 minutes
        double now = promql.scalar(ClusterQueries.CPU_PERCENT, GAP);
        double lowestOverSustainWindow = promql.scalar(QUERIES.cpuSustainedHigh(), GAP);
        double highestOverIdleWindow = promql.scalar(QUERIES.cpuSustainedLow(), GAP);

        // THEN the current value is back, but the gap is neither "high all along" nor "low all along"
        assertEquals(90.0, now, 0.5);
        assertEquals(0.0, lowestOverSustainWindow);
        assertEquals(100.0, highestOverIdleWindow);
    }
}
