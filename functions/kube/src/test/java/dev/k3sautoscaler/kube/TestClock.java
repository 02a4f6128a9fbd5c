package dev.k3sautoscaler.kube;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A clock tests move by hand, so time passes without waiting. */
final class TestClock extends Clock {
    private Instant now = Instant.parse("2026-11-23T12:00:00Z");
    private Duration tick = Duration.ZERO;

    void advance(Duration duration) {
        now = now.plus(duration);
    }

    /** Every later reading moves the clock on by {@code step}: models slow API calls without waiting. */
    void advanceOnEveryReading(Duration step) {
        tick = step;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }

    @Override
    public Instant instant() {
        Instant reading = now;
        now = now.plus(tick);
        return reading;
    }
}
