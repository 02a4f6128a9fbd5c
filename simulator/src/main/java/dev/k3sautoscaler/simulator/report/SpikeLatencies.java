package dev.k3sautoscaler.simulator.report;

import dev.k3sautoscaler.simulator.report.RunSummary.Latency;
import dev.k3sautoscaler.simulator.report.RunSummary.Spike;
import dev.k3sautoscaler.simulator.report.RunTimeline.Launch;
import dev.k3sautoscaler.simulator.report.RunTimeline.Wait;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Spikes from the pods' waits, and where each spike's wait went. A spike is a maximal period in
 * which at least one pod that some worker could hold was waiting; its latency follows the chain
 * behind its last-bound pod: metrics show the spike, a tick starts, the actuation starts,
 * RunInstances answers, the Node registers, turns Ready, the pod is bound.
 */
final class SpikeLatencies {
    private SpikeLatencies() {
    }

    static List<Spike> spikes(List<Wait> waits, List<Launch> launches, Duration runEnd) {
        Map<String, Launch> byInstance = launches.stream()
                .collect(Collectors.toMap(Launch::instanceId, Function.identity(), (first, second) -> first));
        List<Wait> helpable = waits.stream()
                .filter(wait -> wait.fitsAWorker() && (wait.end() == null || wait.end().compareTo(wait.since()) > 0))
                .sorted(Comparator.comparing(Wait::since)).toList();
        List<Spike> spikes = new ArrayList<>();
        List<Wait> current = new ArrayList<>();
        Duration currentEnd = null; // null while one of the current spike's pods waits until the run's end
        for (Wait wait : helpable) {
            if (!current.isEmpty() && currentEnd != null && wait.since().compareTo(currentEnd) >= 0) {
                spikes.add(spike(current, byInstance, runEnd));
                current.clear();
            }
            if (current.isEmpty()) {
                currentEnd = wait.end();
            } else if (currentEnd != null) {
                currentEnd = wait.end() == null ? null : max(currentEnd, wait.end());
            }
            current.add(wait);
        }
        if (!current.isEmpty()) {
            spikes.add(spike(current, byInstance, runEnd));
        }
        return List.copyOf(spikes);
    }

    private static Spike spike(List<Wait> waits, Map<String, Launch> byInstance, Duration runEnd) {
        Duration start = waits.getFirst().since();
        boolean resolved = waits.stream().allMatch(wait -> wait.end() != null);
        Duration end = resolved ? waits.stream().map(Wait::end).max(Comparator.naturalOrder()).orElseThrow() : null;
        double podMinutes = waits.stream().mapToDouble(wait -> RunSummary.minutes(wait, runEnd)).sum();
        Latency latency = waits.stream().filter(wait -> wait.instanceId() != null && wait.end() != null)
                .max(Comparator.comparing(Wait::end))
                .map(last -> latency(start, last, byInstance.get(last.instanceId())))
                .orElse(null);
        Duration longest = waits.stream().map(wait -> (wait.end() == null ? runEnd : wait.end()).minus(wait.since()))
                .max(Comparator.naturalOrder()).orElse(Duration.ZERO);
        return new Spike(start, resolved ? end.minus(start) : null, peak(waits), podMinutes, longest, latency);
    }

    /** The chain behind {@code last}; its times clamped into order between the spike's start and the pod's binding. */
    private static Latency latency(Duration start, Wait last, Launch launch) {
        Duration bound = last.end();
        Duration visible = last.visibleAt() == null ? bound : last.visibleAt();
        boolean launchedForIt = launch != null && launch.launchedAt() != null && launch.launchedAt().compareTo(last.since()) >= 0;
        Duration[] chain = {last.since(), visible,
                launchedForIt ? launch.tickStartedAt() : null,
                launchedForIt ? launch.actuationStartedAt() : null,
                launchedForIt ? launch.launchedAt() : null,
                launchedForIt ? launch.registeredAt() : null,
                launchedForIt ? launch.readyAt() : null,
                bound};
        Duration[] parts = new Duration[chain.length];
        Duration previous = start;
        for (int i = 0; i < chain.length; i++) {
            Duration at = chain[i] == null ? previous : max(previous, min(chain[i], bound));
            parts[i] = at.minus(previous);
            previous = at;
        }
        return new Latency(launchedForIt ? launch.trigger() : null, parts[0], parts[1], parts[2], parts[3], parts[4],
                parts[5], parts[6], parts[7]);
    }

    /**
     * For each pod that waited and was bound, the time from its first failed try to the first
     * RunInstances at or after it (before its binding): how fast the autoscaler reacted to it.
     */
    static List<Duration> detections(List<Wait> waits, List<Launch> launches) {
        List<Duration> launchTimes = launches.stream().map(Launch::launchedAt).filter(Objects::nonNull).sorted().toList();
        List<Duration> detections = new ArrayList<>();
        for (Wait wait : waits) {
            if (!wait.fitsAWorker() || wait.end() == null || wait.instanceId() == null) {
                continue;
            }
            launchTimes.stream().filter(at -> at.compareTo(wait.since()) >= 0 && at.compareTo(wait.end()) <= 0).findFirst()
                    .ifPresent(at -> detections.add(at.minus(wait.since())));
        }
        return detections;
    }

    /** Most waits open at once: +1 at each start, -1 at each end (an end before a start at the same instant). */
    private static int peak(List<Wait> waits) {
        List<long[]> changes = new ArrayList<>();
        for (Wait wait : waits) {
            changes.add(new long[] {wait.since().toMillis(), 1});
            if (wait.end() != null) {
                changes.add(new long[] {wait.end().toMillis(), -1});
            }
        }
        changes.sort(Comparator.<long[]>comparingLong(change -> change[0]).thenComparingLong(change -> change[1]));
        int open = 0;
        int peak = 0;
        for (long[] change : changes) {
            open += (int) change[1];
            peak = Math.max(peak, open);
        }
        return peak;
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
