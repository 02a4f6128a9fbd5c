package dev.k3sautoscaler.simulator.replay;

import dev.k3sautoscaler.simulator.scenario.Scenario;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * The history to replay: Prometheus evaluates every query at {@code start}, {@code start + step},
 * … up to {@code end}. Whole seconds only, as scenario times are.
 */
public record ReplayRange(Instant start, Instant end, Duration step) {

    public ReplayRange {
        if (!start.equals(start.truncatedTo(ChronoUnit.SECONDS)) || !end.equals(end.truncatedTo(ChronoUnit.SECONDS))
                || step.toMillisPart() != 0) {
            throw new IllegalArgumentException("the range and step are whole seconds (got " + start + " to " + end
                    + " at " + step + ")");
        }
        if (step.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("the step must be at least 1s (got " + step + ")");
        }
        // The scenario's duration must hold at least one tick of the autoscaler.
        Duration length = Duration.between(start, end);
        if (length.compareTo(Scenario.DEFAULT_TICK) < 0) {
            throw new IllegalArgumentException("the range must be at least " + Scenario.DEFAULT_TICK.toSeconds()
                    + "s long (got " + start + " to " + end + ")");
        }
        if (step.compareTo(length) > 0) {
            throw new IllegalArgumentException("the step (" + step + ") is longer than the range (" + length + ")");
        }
    }

    /** The {@code length} before {@code end} (the command line's {@code --range}), cut to whole seconds. */
    public static ReplayRange ending(Instant end, Duration length, Duration step) {
        Instant last = end.truncatedTo(ChronoUnit.SECONDS);
        return new ReplayRange(last.minus(length), last, step);
    }

    public Duration length() {
        return Duration.between(start, end);
    }

    /** How many points each query has: the step grid from start, end included when on it. */
    public int points() {
        return Math.toIntExact(length().toSeconds() / step.toSeconds() + 1);
    }

    /** The {@code index}th point. */
    public Instant at(int index) {
        return start.plus(step.multipliedBy(index));
    }

    /** How long the {@code index}th point's value holds: to the next point, the last one to {@code end}. */
    public Duration held(int index) {
        Instant next = index + 1 < points() ? at(index + 1) : end;
        return Duration.between(at(index), next);
    }

    /** The index of the point at {@code time}, which must lie on the grid. */
    int indexOf(Instant time) {
        Duration offset = Duration.between(start, time);
        if (offset.isNegative() || offset.toMillis() % step.toMillis() != 0 || time.isAfter(end)) {
            throw new IllegalArgumentException(time + " is not a point of " + this);
        }
        return Math.toIntExact(offset.toMillis() / step.toMillis());
    }

    /**
     * The range cut into consecutive pieces of at most {@code maxPoints} points each, on the same grid:
     * Prometheus refuses a range query of more than 11,000 points per series.
     */
    List<ReplayRange.Chunk> chunks(int maxPoints) {
        List<Chunk> chunks = new ArrayList<>();
        for (int first = 0; first < points(); first += maxPoints) {
            int last = Math.min(points(), first + maxPoints) - 1;
            chunks.add(new Chunk(first, at(first), at(last)));
        }
        return chunks;
    }

    /** Points {@code firstIndex} … of the range, from {@code start} to {@code end} inclusive. */
    record Chunk(int firstIndex, Instant start, Instant end) {
    }
}
