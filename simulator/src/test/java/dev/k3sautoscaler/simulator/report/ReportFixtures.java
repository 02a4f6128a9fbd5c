package dev.k3sautoscaler.simulator.report;

import dev.k3sautoscaler.simulator.report.RunSummary.Prices;
import dev.k3sautoscaler.simulator.report.RunTimeline.Direction;
import dev.k3sautoscaler.simulator.report.RunTimeline.Execution;
import dev.k3sautoscaler.simulator.report.RunTimeline.Machine;
import dev.k3sautoscaler.simulator.report.RunTimeline.Sample;
import dev.k3sautoscaler.simulator.report.RunTimeline.ScaleEvent;
import dev.k3sautoscaler.simulator.report.RunTimeline.SpotDrain;
import dev.k3sautoscaler.simulator.report.RunTimeline.Wait;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Hand-built timelines shaped like the bundled flash-sale scenario (3 h; web jumps from 8 to 30
 * pods of 250m at 1 h and falls back at 2 h; one Spot warning at 40 min), for the report tests. Not
 * simulation results: the worker counts follow the scale events given, nothing more.
 */
public final class ReportFixtures {
    public static final long WORKER_CPU_MILLIS = 1900;
    public static final Prices T3_SMALL = new Prices(0.0208, 0.0068);
    public static final Duration SPOT_DRAIN_BUDGET = Duration.ofSeconds(90);
    static final long POD_CPU_MILLIS = 250;
    /** The floor for this workload: 2 workers, 4 during the sale hour and its ramp down. */
    static final double ORACLE_NODE_HOURS = 8.4;
    /** RunInstances → Ready in the fixture: boot plus join, rounded to whole minutes. */
    static final int MINUTES_TO_READY = 2;
    static final int LENGTH_MINUTES = 180;

    private ReportFixtures() {
    }

    /** The default policy: one scale-up sized for the waiting pods, then one-at-a-time scale-downs. */
    public static RunTimeline ours() {
        return flashSale(List.of(
                new ScaleEvent(Duration.ofMinutes(61), Direction.UP, 3, "22 pods unschedulable: +3 for their requests"),
                new ScaleEvent(Duration.ofMinutes(142), Direction.DOWN, 1, "idle for 10 min"),
                new ScaleEvent(Duration.ofMinutes(153), Direction.DOWN, 1, "idle for 10 min")));
    }

    /** The source documents' policy: +1 per tick with a 5-minute cooldown, and an early scale-down that flaps. */
    public static RunTimeline baseline() {
        List<ScaleEvent> events = new ArrayList<>();
        events.add(new ScaleEvent(Duration.ofMinutes(20), Direction.DOWN, 1, "CPU below 30%"));
        events.add(new ScaleEvent(Duration.ofMinutes(28), Direction.UP, 1, "CPU above 70%"));
        for (int minute = 62; minute <= 77; minute += 5) {
            events.add(new ScaleEvent(Duration.ofMinutes(minute), Direction.UP, 1, "pending pods"));
        }
        events.add(new ScaleEvent(Duration.ofMinutes(135), Direction.DOWN, 1, "CPU below 30%"));
        events.add(new ScaleEvent(Duration.ofMinutes(150), Direction.DOWN, 1, "CPU below 30%"));
        return flashSale(events);
    }

    public static RunSummary summary(RunTimeline timeline) {
        return RunSummary.of(timeline, T3_SMALL, ORACLE_NODE_HOURS, ORACLE_NODE_HOURS * T3_SMALL.onDemandHourlyUsd(), SPOT_DRAIN_BUDGET);
    }

    static long requestedCpuMillis(int minute) {
        long pods = minute < 60 ? 8 : minute < 62 ? 8 + (minute - 59) * 11 : minute < 120 ? 30 : Math.max(8, 30 - (minute - 120) * 2L);
        return pods * POD_CPU_MILLIS + 3 * 20;
    }

    static RunTimeline flashSale(List<ScaleEvent> events) {
        List<Sample> samples = new ArrayList<>();
        List<Execution> executions = new ArrayList<>();
        for (int minute = 0; minute < LENGTH_MINUTES; minute++) {
            int billed = 2;
            int ready = 2;
            for (ScaleEvent event : events) {
                long at = event.at().toMinutes();
                int sign = event.direction() == Direction.UP ? 1 : -1;
                if (at <= minute) {
                    billed += sign * event.count();
                }
                if (at + (sign > 0 ? MINUTES_TO_READY : 0) <= minute) {
                    ready += sign * event.count();
                }
            }
            long requested = requestedCpuMillis(minute);
            long missing = Math.max(0, requested - ready * WORKER_CPU_MILLIS);
            int unschedulable = (int) ((missing + POD_CPU_MILLIS - 1) / POD_CPU_MILLIS);
            // The Spot worker warned at 40 min is replaced by an on-demand one in the same minute.
            int spot = minute < 42 ? 1 : 0;
            samples.add(new Sample(Duration.ofMinutes(minute), ready, billed - spot, spot, unschedulable, requested,
                    requested / POD_CPU_MILLIS * 256L << 20));
            executions.add(new Execution(Machine.EXPRESS_TICK, Duration.ofMinutes(minute), Duration.ofMillis(1150), 4, 2));
        }
        for (ScaleEvent event : events) {
            executions.add(new Execution(Machine.STANDARD_ACTUATION, event.at(), Duration.ofMinutes(3), 14, 7));
        }
        return new RunTimeline(Duration.ofMinutes(LENGTH_MINUTES), Duration.ofMinutes(1), samples, events,
                List.of(new SpotDrain(Duration.ofMinutes(40), "i-0a1b2c3d4e5f60718", Duration.ofSeconds(48))), executions,
                waitsOf(samples), List.of(), List.of());
    }

    /**
     * Pod waits that match the samples' unschedulable counts: the k-th pod waits through every
     * minute in which more than k pods are unschedulable, bound (to no recorded launch) when the count drops.
     */
    public static List<Wait> waitsOf(List<Sample> samples) {
        List<Wait> waits = new ArrayList<>();
        int most = samples.stream().mapToInt(Sample::unschedulablePods).max().orElse(0);
        for (int k = 0; k < most; k++) {
            Duration since = null;
            for (Sample sample : samples) {
                if (sample.unschedulablePods() > k && since == null) {
                    since = sample.at();
                } else if (sample.unschedulablePods() <= k && since != null) {
                    waits.add(new Wait(since, since, sample.at(), "i-fixture", true));
                    since = null;
                }
            }
            if (since != null) {
                waits.add(new Wait(since, since, null, null, true));
            }
        }
        return waits;
    }
}
