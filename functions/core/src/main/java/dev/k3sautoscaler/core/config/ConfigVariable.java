package dev.k3sautoscaler.core.config;

import java.util.List;
import java.util.Set;

/**
 * One scaling setting: its environment variable, default, valid range and meaning. The policy
 * reads through these, and the README / configuration reference are checked against {@link #ALL},
 * so a variable cannot exist in code without being documented.
 */
public record ConfigVariable(String name, Kind kind, String defaultValue, double min, double max,
                             Set<String> choices, String meaning) {

    public enum Kind { WHOLE_NUMBER, PERCENT, CHOICE }

    public static final ConfigVariable CPU_UP = percent("CPU_UP", 70,
            "Scale up when workers' CPU stayed above this % for CPU_UP_SUSTAIN_SEC");
    public static final ConfigVariable CPU_DOWN = percent("CPU_DOWN", 30,
            "Scale down only when workers' CPU stayed below this % for IDLE_DOWN_SEC; must be below CPU_UP");
    public static final ConfigVariable MEM_UP = percent("MEM_UP", 75,
            "Scale up when workers' memory use stayed above this % for MEM_UP_SUSTAIN_SEC");
    public static final ConfigVariable MEM_DOWN = percent("MEM_DOWN", 50,
            "Scale down only when workers' memory stayed below this % for IDLE_DOWN_SEC; must be below MEM_UP");
    public static final ConfigVariable CPU_UP_SUSTAIN_SEC = whole("CPU_UP_SUSTAIN_SEC", 180, 30, 3600,
            "How long CPU must stay above CPU_UP before it triggers a scale-up");
    /** Memory ends in OOM kills rather than slowness, so its window is shorter than CPU's; one jittery sample never scales. */
    public static final ConfigVariable MEM_UP_SUSTAIN_SEC = whole("MEM_UP_SUSTAIN_SEC", 120, 30, 3600,
            "How long memory must stay above MEM_UP before it triggers a scale-up");
    public static final ConfigVariable PENDING_UP_SEC = whole("PENDING_UP_SEC", 30, 0, 3600,
            "How long a pod must be unschedulable before it counts (filters pods the scheduler places on its next pass)");
    public static final ConfigVariable IDLE_DOWN_SEC = whole("IDLE_DOWN_SEC", 600, 60, 86400,
            "How long the cluster must be idle (all scale-down conditions true) before a scale-down");
    public static final ConfigVariable MIN_WORKERS = whole("MIN_WORKERS", 2, 0, 1000,
            "Fewest workers; below it the autoscaler launches up to it, and never scales down to fewer");
    public static final ConfigVariable MAX_WORKERS = whole("MAX_WORKERS", 10, 1, 1000,
            "Most workers, counting launches in flight; must be at least MIN_WORKERS");
    public static final ConfigVariable MAX_SCALE_UP_STEP = whole("MAX_SCALE_UP_STEP", 5, 1, 100,
            "Most workers launched by one scale-up");
    public static final ConfigVariable COOLDOWN_UP_SEC = whole("COOLDOWN_UP_SEC", 300, 0, 86400,
            "After a scale-up, utilization (CPU/memory) alone does not scale up again for this long; unschedulable pods still do");
    public static final ConfigVariable COOLDOWN_DOWN_SEC = whole("COOLDOWN_DOWN_SEC", 600, 0, 86400,
            "No scale-down for this long after any scale-up or scale-down");
    public static final ConfigVariable JOIN_TIMEOUT_SEC = whole("JOIN_TIMEOUT_SEC", 600, 60, 3600,
            "A launched worker that is not Ready by then is terminated (boot + K3s join takes 1-3 min)");
    public static final ConfigVariable DRAIN_TIMEOUT_SEC = whole("DRAIN_TIMEOUT_SEC", 300, 30, 3600,
            "A scale-down whose drain is not done by then is aborted and the node uncordoned");
    public static final ConfigVariable SPOT_DRAIN_BUDGET_SEC = whole("SPOT_DRAIN_BUDGET_SEC", 90, 10, 110,
            "Time a Spot interruption drain may take (EC2 gives a 2-minute warning)");
    public static final ConfigVariable WORKER_CPU_MILLIS = whole("WORKER_CPU_MILLIS", 1900, 100, 1_000_000,
            "Allocatable CPU of one worker in millicores, after DaemonSets (t3.small: 2000m less node-exporter's request)");
    public static final ConfigVariable WORKER_MEMORY_MIB = whole("WORKER_MEMORY_MIB", 1600, 128, 10_000_000,
            "Allocatable memory of one worker in MiB, after the kubelet's eviction reserve and DaemonSets (t3.small: 2 GiB)");
    public static final ConfigVariable FAILURE_BACKOFF_SEC = whole("FAILURE_BACKOFF_SEC", 60, 0, 3600,
            "First pause after a failed actuation; doubles with each further failure");
    public static final ConfigVariable FAILURE_BACKOFF_MAX_SEC = whole("FAILURE_BACKOFF_MAX_SEC", 900, 0, 86400,
            "Longest pause after repeated failures; must be at least FAILURE_BACKOFF_SEC");
    public static final ConfigVariable OFFERING_UNAVAILABLE_SEC = whole("OFFERING_UNAVAILABLE_SEC", 180, 0, 3600,
            "How long an instance type x AZ x capacity type that reported insufficient capacity is skipped");
    public static final ConfigVariable LOCK_TTL_SEC = whole("LOCK_TTL_SEC", 300, 60, 3600,
            "Scaling lock lease; a crashed execution's lock expires after this. Every step that acts under the lock"
                    + " renews it first, so it must outlast the longest such step's attempt (LaunchWorkers: 120 s + 5 s)");
    public static final ConfigVariable REBALANCE_ACTION = choice("REBALANCE_ACTION", "launch-replacement",
            Set.of("drain", "launch-replacement", "ignore"),
            "On an EC2 rebalance recommendation for one of our workers: launch a replacement, then retire the node by"
                    + " scale-down once it is Ready; or retire it by scale-down now (drain); or ignore it");

    public static final List<ConfigVariable> ALL = List.of(
            CPU_UP, CPU_DOWN, MEM_UP, MEM_DOWN, CPU_UP_SUSTAIN_SEC, MEM_UP_SUSTAIN_SEC, PENDING_UP_SEC, IDLE_DOWN_SEC,
            MIN_WORKERS, MAX_WORKERS, MAX_SCALE_UP_STEP, COOLDOWN_UP_SEC, COOLDOWN_DOWN_SEC,
            JOIN_TIMEOUT_SEC, DRAIN_TIMEOUT_SEC, SPOT_DRAIN_BUDGET_SEC, WORKER_CPU_MILLIS, WORKER_MEMORY_MIB,
            FAILURE_BACKOFF_SEC, FAILURE_BACKOFF_MAX_SEC, OFFERING_UNAVAILABLE_SEC, LOCK_TTL_SEC,
            REBALANCE_ACTION);

    private static ConfigVariable percent(String name, int defaultValue, String meaning) {
        return new ConfigVariable(name, Kind.PERCENT, Integer.toString(defaultValue), 0, 100, Set.of(), meaning);
    }

    private static ConfigVariable whole(String name, int defaultValue, int min, int max, String meaning) {
        return new ConfigVariable(name, Kind.WHOLE_NUMBER, Integer.toString(defaultValue), min, max, Set.of(), meaning);
    }

    private static ConfigVariable choice(String name, String defaultValue, Set<String> choices, String meaning) {
        return new ConfigVariable(name, Kind.CHOICE, defaultValue, 0, 0, Set.copyOf(choices), meaning);
    }

    int readWhole(EnvironmentReader reader) {
        return reader.integer(name, Integer.parseInt(defaultValue), (int) min, (int) max);
    }

    double readPercent(EnvironmentReader reader) {
        return reader.decimal(name, Double.parseDouble(defaultValue), min, max);
    }

    String readChoice(EnvironmentReader reader) {
        return reader.oneOf(name, defaultValue, choices);
    }

    /** The valid range as a reader would write it: {@code 0 < x <= 100}, {@code 1..1000}, {@code one of drain, ignore}. */
    public String range() {
        return switch (kind) {
            case PERCENT -> "above " + EnvironmentReader.format(min) + ", at most " + EnvironmentReader.format(max);
            case WHOLE_NUMBER -> EnvironmentReader.format(min) + ".." + EnvironmentReader.format(max);
            case CHOICE -> "one of " + String.join(", ", choices.stream().sorted().toList());
        };
    }
}
