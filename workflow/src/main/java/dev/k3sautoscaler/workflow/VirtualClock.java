package dev.k3sautoscaler.workflow;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock that moves only when told to. Wait states and retry intervals advance it, so a
 * 10-minute drain loop runs in milliseconds, and the simulator can interleave many executions
 * on one timeline. Handlers receive it as their {@link Clock}.
 */
public final class VirtualClock extends Clock {
    private Instant now;

    public VirtualClock(Instant start) {
        this.now = start;
    }

    @Override
    public synchronized Instant instant() {
        return now;
    }

    /** Moves forward to {@code target}; never backwards (an earlier target is ignored). */
    public synchronized void advanceTo(Instant target) {
        if (target.isAfter(now)) {
            now = target;
        }
    }

    public synchronized void advance(Duration duration) {
        if (duration.isNegative()) {
            throw new IllegalArgumentException("time does not run backwards: " + duration);
        }
        now = now.plus(duration);
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("the virtual clock is UTC only");
    }
}
