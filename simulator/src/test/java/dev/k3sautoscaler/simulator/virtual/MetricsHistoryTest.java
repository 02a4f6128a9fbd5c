package dev.k3sautoscaler.simulator.virtual;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.k3sautoscaler.simulator.virtual.MetricsHistory.Scrape;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class MetricsHistoryTest {
    private static final Duration THREE_MINUTES = Duration.ofMinutes(3);
    private final MetricsHistory history = new MetricsHistory();

    private void scrapeEvery30s(int fromSecond, int toSecond, Double cpu, Double memory, int pending) {
        for (int t = fromSecond; t <= toSecond; t += 30) {
            history.record(Duration.ofSeconds(t), new Scrape(cpu, memory, pending));
        }
    }

    @Test
    void sustainedHigh_isTheLowestPointOfTheWindow() {
        // GIVEN 90 % for ten minutes except one 40 % scrape two minutes ago
        scrapeEvery30s(0, 600, 90.0, 50.0, 0);
        history.record(Duration.ofSeconds(480), new Scrape(40.0, 50.0, 0));

        // WHEN / THEN the 3-minute window still holds the dip; a window ending before it does not
        assertEquals(40.0, history.cpuSustainedHigh(Duration.ofSeconds(600), THREE_MINUTES));
        assertEquals(90.0, history.cpuSustainedHigh(Duration.ofSeconds(450), THREE_MINUTES));
    }

    @Test
    void aGapInTheScrapes_readsAsZeroForHigh_andAsHundredForLow() {
        // GIVEN scrapes until 300 s, then Prometheus was down until 600 s
        scrapeEvery30s(0, 300, 90.0, 20.0, 0);

        // WHEN / THEN a gap can neither fake a sustained high nor allow a scale-down
        Duration now = Duration.ofSeconds(420);
        assertEquals(0.0, history.cpuSustainedHigh(now, THREE_MINUTES));
        assertEquals(100.0, history.cpuSustainedLow(now, Duration.ofMinutes(10)));
        assertEquals(100.0, history.memorySustainedLow(now, Duration.ofMinutes(10)));
    }

    @Test
    void sustainedLow_isTheHighestPointOfTheWindow() {
        // GIVEN 10 % CPU and 30 % memory, with one 35 % CPU scrape five minutes ago
        scrapeEvery30s(0, 1200, 10.0, 30.0, 0);
        history.record(Duration.ofSeconds(900), new Scrape(35.0, 30.0, 0));

        // WHEN / THEN
        assertEquals(35.0, history.cpuSustainedLow(Duration.ofSeconds(1200), Duration.ofMinutes(10)));
        assertEquals(10.0, history.cpuSustainedLow(Duration.ofSeconds(1200), Duration.ofMinutes(4)));
        assertEquals(30.0, history.memorySustainedLow(Duration.ofSeconds(1200), Duration.ofMinutes(10)));
    }

    @Test
    void noReadyWorker_hasNoSeries_soTheQueryDefaultsApply() {
        // GIVEN scrapes without any Ready worker (null percentages)
        scrapeEvery30s(0, 600, null, null, 3);

        // WHEN / THEN
        assertEquals(0.0, history.cpuSustainedHigh(Duration.ofSeconds(600), THREE_MINUTES));
        assertEquals(100.0, history.cpuSustainedLow(Duration.ofSeconds(600), THREE_MINUTES));
        assertEquals(3, history.unschedulableMax(Duration.ofSeconds(600), THREE_MINUTES));
    }

    @Test
    void unschedulableMax_isTheMostPodsPendingAtOnceInTheWindow() {
        // GIVEN a burst of 7 pending pods four minutes ago, none since
        scrapeEvery30s(0, 900, 50.0, 50.0, 0);
        history.record(Duration.ofSeconds(660), new Scrape(50.0, 50.0, 7));

        // WHEN / THEN
        assertEquals(7, history.unschedulableMax(Duration.ofSeconds(900), Duration.ofMinutes(10)));
        assertEquals(0, history.unschedulableMax(Duration.ofSeconds(900), THREE_MINUTES));
    }
}
