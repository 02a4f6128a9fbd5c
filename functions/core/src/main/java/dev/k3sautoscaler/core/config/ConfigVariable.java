package dev.k3sautoscaler.core.config;

import java.util.List;
import java.util.Set;

/**
 * One scaling setting: its environment variable, default, valid range and meaning. The policy
 * reads through these, and the README / configuration reference are checked against {@link #ALL},
 * so a variable cannot exist in code without being documented.
 */
public record ConfigVariable(String name, Kind kind, String defaultValue, double min, double max,
                             Set<String> choices, String meaning, String form) {

    /** TEXT: a value with its own syntax, checked by its parser; {@code form} says what it looks like. */
    public enum Kind { WHOLE_NUMBER, PERCENT, DECIMAL, CHOICE, TEXT }

    public static final ConfigVariable CPU_UP = percent("CPU_UP", 70,
            "Scale up when workers' CPU stayed above this % for CPU_UP_SUSTAIN_SEC");
    /**
     * Requests, not usage: a node's pods keep their requests wherever they go, so requests say what must
     * fit elsewhere. Above Cluster Autoscaler's 50: whether the pods fit on the workers left is checked
     * on its own (per node here, per pod by the fit simulation), so this only spares well-packed nodes
     * the churn of moving their pods.
     */
    public static final ConfigVariable CPU_DOWN = percent("CPU_DOWN", 65,
            "A worker may be removed only while its pods' CPU requests are below this % of its allocatable CPU (and"
                    + " memory below MEM_DOWN) and fit on the other workers; must be below CPU_UP");
    public static final ConfigVariable MEM_UP = percent("MEM_UP", 75,
            "Scale up when workers' memory use stayed above this % for MEM_UP_SUSTAIN_SEC");
    public static final ConfigVariable MEM_DOWN = percent("MEM_DOWN", 70,
            "A worker may be removed only while its pods' memory requests are below this % of its allocatable memory"
                    + " (and CPU below CPU_DOWN) and fit on the other workers; must be below MEM_UP");
    public static final ConfigVariable CPU_UP_SUSTAIN_SEC = whole("CPU_UP_SUSTAIN_SEC", 180, 30, 3600,
            "How long CPU must stay above CPU_UP before it triggers a scale-up");
    /** Memory ends in OOM kills rather than slowness, so its window is shorter than CPU's; one jittery sample never scales. */
    public static final ConfigVariable MEM_UP_SUSTAIN_SEC = whole("MEM_UP_SUSTAIN_SEC", 120, 30, 3600,
            "How long memory must stay above MEM_UP before it triggers a scale-up");
    /** 0, as Cluster Autoscaler's new-pod delay: a pod bound on the scheduler's next pass was placed by capacity in flight, which Decide counts. */
    public static final ConfigVariable PENDING_UP_SEC = whole("PENDING_UP_SEC", 0, 0, 3600,
            "How long a pod must be unschedulable before it counts (raise it where preemption often makes room within seconds)");
    public static final ConfigVariable IDLE_DOWN_SEC = whole("IDLE_DOWN_SEC", 600, 60, 86400,
            "How long a worker must stay unneeded (underutilized, Ready, schedulable) at every tick before it is removed");
    public static final ConfigVariable MIN_WORKERS = whole("MIN_WORKERS", 2, 0, 300,
            "Fewest workers; below it the autoscaler launches up to it, and never scales down to fewer");
    /**
     * At most 300: the tick carries every worker in its state data (its metrics, its scale-down timer and verdict:
     * about 460 bytes each at worst), and Step Functions ends an execution whose data passes 256 KiB. 300 workers
     * with a report due and 500 pods waiting measure 216 KiB past Decide.
     */
    public static final ConfigVariable MAX_WORKERS = whole("MAX_WORKERS", 10, 1, 300,
            "Most workers, counting launches in flight; must be at least MIN_WORKERS");
    /** The scale-up is bin-packed already; the cap only guards against a runaway, and a 1,000-pod burst needs one or two actuations. */
    public static final ConfigVariable MAX_SCALE_UP_STEP = whole("MAX_SCALE_UP_STEP", 100, 1, 1000,
            "Most workers launched by one scale-up (MAX_WORKERS still bounds the total)");
    public static final ConfigVariable COOLDOWN_UP_SEC = whole("COOLDOWN_UP_SEC", 300, 0, 86400,
            "After a scale-up, utilization (CPU/memory) alone does not scale up again for this long; unschedulable pods still do");
    public static final ConfigVariable COOLDOWN_DOWN_SEC = whole("COOLDOWN_DOWN_SEC", 600, 0, 86400,
            "No scale-down for this long after a scale-up (new workers get time to take pods)");
    public static final ConfigVariable SCALE_DOWN_ENABLED = choice("SCALE_DOWN_ENABLED", "true", Set.of("true", "false"),
            "false keeps every worker (scale-ups still happen); each worker then reports scale-down disabled");
    public static final ConfigVariable SCALE_DOWN_DELAY_AFTER_DELETE_SEC = whole("SCALE_DOWN_DELAY_AFTER_DELETE_SEC", 0, 0,
            86400, "Pause after a scale-down before the next one; 0, as the per-node timers already ran meanwhile");
    public static final ConfigVariable SCALE_DOWN_DELAY_AFTER_FAILURE_SEC = whole("SCALE_DOWN_DELAY_AFTER_FAILURE_SEC",
            180, 0, 86400, "Pause after a scale-down that failed or was aborted (at least; the failure backoff may be longer)");
    public static final ConfigVariable SCALE_DOWN_MAX_EMPTY = whole("SCALE_DOWN_MAX_EMPTY", 10, 0, 1000,
            "Most empty workers (only DaemonSet and mirror pods) removed by one actuation, side by side");
    public static final ConfigVariable SCALE_DOWN_MAX_PARALLEL = whole("SCALE_DOWN_MAX_PARALLEL", 1, 0, 100,
            "Most non-empty workers drained side by side by one actuation");
    public static final ConfigVariable SCALE_DOWN_MAX_DISRUPTED_PERCENT = percent("SCALE_DOWN_MAX_DISRUPTED_PERCENT", 10,
            "Most workers being removed at once (cordoned ones included), as a share of the workers; at least one");
    /**
     * 2 points: the guard spreads the window's highest sample over fewer workers, while a utilization
     * scale-up needs the lowest sample of its sustain window above the threshold — one-sided already, but
     * ten minutes of a jittery workload do not show all its jitter: a removal projected at 74.9 % memory was
     * followed by two minutes at 76–79 % and a scale-up. More than 2 keeps a worker that a quieter
     * workload at 72 % does not need.
     */
    public static final ConfigVariable SCALE_DOWN_UTILIZATION_MARGIN = whole("SCALE_DOWN_UTILIZATION_MARGIN", 2, 0, 50,
            "Points below CPU_UP and MEM_UP that the workers' projected use (the IDLE_DOWN_SEC peak spread over the"
                    + " workers left) must stay after a removal, so it cannot cause a scale-up");
    public static final ConfigVariable SCALE_DOWN_WINDOWS = text("SCALE_DOWN_WINDOWS", "always",
            "always, or windows `<days> <HH:MM>-<HH:MM>` separated by `;` (days: daily, Mon-Fri, Sat,Sun)",
            "When scale-down may start, in SCALE_DOWN_TIMEZONE, e.g. `Mon-Fri 19:00-07:00; Sat,Sun 00:00-24:00`;"
                    + " an end before the start runs past midnight. Scale-ups are never held back");
    public static final ConfigVariable SCALE_DOWN_TIMEZONE = text("SCALE_DOWN_TIMEZONE", "UTC",
            "an IANA time zone id, e.g. Europe/Berlin", "The time zone of SCALE_DOWN_WINDOWS (daylight saving included)");
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
    /**
     * Spare room kept free for pods that have not arrived yet (Cluster Autoscaler users get it from
     * low-priority pause pods): a spike of that size is scheduled at once instead of after a boot. Its
     * price is that capacity's node-hours; above MAX_WORKERS workers' allocatable it could never be held.
     */
    public static final ConfigVariable HEADROOM_CPU_MILLIS = whole("HEADROOM_CPU_MILLIS", 0, 0, 1_000_000_000,
            "CPU in millicores kept free (allocatable less requests, summed over Ready schedulable workers, launches"
                    + " included) for pods to come: scale up when less is free, keep a worker whose removal would leave"
                    + " less; 0 = off; at most MAX_WORKERS × WORKER_CPU_MILLIS");
    public static final ConfigVariable HEADROOM_MEMORY_MIB = whole("HEADROOM_MEMORY_MIB", 0, 0, 1_000_000_000,
            "Memory in MiB kept free the same way; 0 = off; at most MAX_WORKERS × WORKER_MEMORY_MIB");
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

    /**
     * What one worker costs, so every decision, notice and event can say what it adds or saves in the
     * operator's currency. t3.small on-demand in us-east-1 by default, as WORKER_CPU_MILLIS describes;
     * with Spot, the average price paid.
     */
    public static final ConfigVariable WORKER_HOURLY_PRICE_USD = decimal("WORKER_HOURLY_PRICE_USD", "0.0208", 0, 1000,
            "What one worker costs per hour in USD (on-demand list price, or the Spot price paid); decisions, notices"
                    + " and Kubernetes events state the $/hour a scale-up adds or a scale-down saves");

    public static final List<ConfigVariable> ALL = List.of(
            CPU_UP, CPU_DOWN, MEM_UP, MEM_DOWN, CPU_UP_SUSTAIN_SEC, MEM_UP_SUSTAIN_SEC, PENDING_UP_SEC, IDLE_DOWN_SEC,
            MIN_WORKERS, MAX_WORKERS, MAX_SCALE_UP_STEP, COOLDOWN_UP_SEC, COOLDOWN_DOWN_SEC,
            SCALE_DOWN_ENABLED, SCALE_DOWN_DELAY_AFTER_DELETE_SEC, SCALE_DOWN_DELAY_AFTER_FAILURE_SEC, SCALE_DOWN_MAX_EMPTY,
            SCALE_DOWN_MAX_PARALLEL, SCALE_DOWN_MAX_DISRUPTED_PERCENT, SCALE_DOWN_UTILIZATION_MARGIN, SCALE_DOWN_WINDOWS,
            SCALE_DOWN_TIMEZONE,
            JOIN_TIMEOUT_SEC, DRAIN_TIMEOUT_SEC, SPOT_DRAIN_BUDGET_SEC, WORKER_CPU_MILLIS, WORKER_MEMORY_MIB,
            HEADROOM_CPU_MILLIS, HEADROOM_MEMORY_MIB, FAILURE_BACKOFF_SEC, FAILURE_BACKOFF_MAX_SEC, OFFERING_UNAVAILABLE_SEC, LOCK_TTL_SEC,
            REBALANCE_ACTION, WORKER_HOURLY_PRICE_USD);

    private static ConfigVariable percent(String name, int defaultValue, String meaning) {
        return new ConfigVariable(name, Kind.PERCENT, Integer.toString(defaultValue), 0, 100, Set.of(), meaning, null);
    }

    private static ConfigVariable whole(String name, int defaultValue, int min, int max, String meaning) {
        return new ConfigVariable(name, Kind.WHOLE_NUMBER, Integer.toString(defaultValue), min, max, Set.of(), meaning,
                null);
    }

    private static ConfigVariable decimal(String name, String defaultValue, double min, double max, String meaning) {
        return new ConfigVariable(name, Kind.DECIMAL, defaultValue, min, max, Set.of(), meaning, null);
    }

    private static ConfigVariable choice(String name, String defaultValue, Set<String> choices, String meaning) {
        return new ConfigVariable(name, Kind.CHOICE, defaultValue, 0, 0, Set.copyOf(choices), meaning, null);
    }

    private static ConfigVariable text(String name, String defaultValue, String form, String meaning) {
        return new ConfigVariable(name, Kind.TEXT, defaultValue, 0, 0, Set.of(), meaning, form);
    }

    int readWhole(EnvironmentReader reader) {
        return reader.integer(name, Integer.parseInt(defaultValue), (int) min, (int) max);
    }

    /** A PERCENT or DECIMAL: any number within the range. */
    double readPercent(EnvironmentReader reader) {
        return reader.decimal(name, Double.parseDouble(defaultValue), min, max);
    }

    /** The raw text or the default; its own parser checks it. */
    String readText(EnvironmentReader reader) {
        return reader.string(name, defaultValue);
    }

    String readChoice(EnvironmentReader reader) {
        return reader.oneOf(name, defaultValue, choices);
    }

    /** The valid range as a reader would write it: {@code 0 < x <= 100}, {@code 1..1000}, {@code one of drain, ignore}. */
    public String range() {
        return switch (kind) {
            case PERCENT, DECIMAL -> "above " + EnvironmentReader.format(min) + ", at most " + EnvironmentReader.format(max);
            case WHOLE_NUMBER -> EnvironmentReader.format(min) + ".." + EnvironmentReader.format(max);
            case CHOICE -> "one of " + String.join(", ", choices.stream().sorted().toList());
            case TEXT -> form;
        };
    }
}
