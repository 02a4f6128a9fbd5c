package dev.k3sautoscaler.simulator.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReplayRangeTest {
    private static final Instant NOW = Instant.parse("2026-03-09T12:00:00.734Z");

    @Test
    void aWeekAtOneMinute_isTwoRequestsUnderPrometheusLimit_coveringEveryPointOnce() {
        // GIVEN --range 7d --step 1m: 10,081 points, above the 10,000 asked at once
        ReplayRange week = ReplayRange.ending(NOW, Duration.ofDays(7), Duration.ofMinutes(1));

        // WHEN
        List<ReplayRange.Chunk> chunks = week.chunks(PrometheusHistory.MAX_POINTS_PER_REQUEST);

        // THEN
        assertEquals(10_081, week.points());
        Instant end = Instant.parse("2026-03-09T12:00:00Z");
        Instant start = end.minus(Duration.ofDays(7));
        assertEquals(List.of(
                new ReplayRange.Chunk(0, start, start.plus(Duration.ofMinutes(9_999))),
                new ReplayRange.Chunk(10_000, start.plus(Duration.ofMinutes(10_000)), end)), chunks);
    }

    @Test
    void anyRangeAndStep_piecesTileThePointsWithinTheLimit() {
        for (Duration step : List.of(Duration.ofSeconds(1), Duration.ofSeconds(15), Duration.ofSeconds(61))) {
            // GIVEN
            ReplayRange range = ReplayRange.ending(NOW, Duration.ofDays(2), step);

            // WHEN
            List<ReplayRange.Chunk> chunks = range.chunks(PrometheusHistory.MAX_POINTS_PER_REQUEST);

            // THEN each piece starts where the last ended, on the grid, and the last reaches the range's last point
            int next = 0;
            for (ReplayRange.Chunk chunk : chunks) {
                assertEquals(next, chunk.firstIndex(), step.toString());
                assertEquals(range.at(next), chunk.start(), step.toString());
                int points = range.indexOf(chunk.end()) - chunk.firstIndex() + 1;
                assertEquals(Math.min(PrometheusHistory.MAX_POINTS_PER_REQUEST, range.points() - next), points, step.toString());
                next += points;
            }
            assertEquals(range.points(), next, step.toString());
        }
    }

    @Test
    void lastPoint_holdsOnlyToTheEnd() {
        // GIVEN 10 minutes at 4-minute steps: points at 0, 4 and 8 minutes
        ReplayRange range = new ReplayRange(Instant.parse("2026-03-02T12:00:00Z"), Instant.parse("2026-03-02T12:10:00Z"),
                Duration.ofMinutes(4));

        // THEN
        assertEquals(3, range.points());
        assertEquals(List.of(Duration.ofMinutes(4), Duration.ofMinutes(4), Duration.ofMinutes(2)),
                List.of(range.held(0), range.held(1), range.held(2)));
    }

    @Test
    void rangesTheScenarioCannotHold_areRefused() {
        Instant start = Instant.parse("2026-03-02T12:00:00Z");
        // WHEN / THEN shorter than a tick, a step under a second, a step longer than the range, sub-second times
        assertEquals("the range must be at least 60s long (got 2026-03-02T12:00:00Z to 2026-03-02T12:00:30Z)",
                assertThrows(IllegalArgumentException.class,
                        () -> new ReplayRange(start, start.plusSeconds(30), Duration.ofSeconds(1))).getMessage());
        assertThrows(IllegalArgumentException.class, () -> new ReplayRange(start, start.plusSeconds(600), Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> new ReplayRange(start, start.plusSeconds(600), Duration.ofHours(1)));
        assertThrows(IllegalArgumentException.class, () -> new ReplayRange(start.plusMillis(1), start.plusSeconds(600),
                Duration.ofMinutes(1)));
    }
}
