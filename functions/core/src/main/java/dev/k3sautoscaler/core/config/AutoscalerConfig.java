package dev.k3sautoscaler.core.config;

import static dev.k3sautoscaler.core.config.ConfigVariable.*;

import dev.k3sautoscaler.core.policy.DisruptionWindows;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The scaling policy's settings. Built from environment variables at init; every problem is
 * reported at once by {@link InvalidConfigurationException}.
 */
public record AutoscalerConfig(
        double cpuUpPercent,
        double cpuDownPercent,
        double memoryUpPercent,
        double memoryDownPercent,
        Duration cpuUpSustain,
        Duration memoryUpSustain,
        Duration pendingUp,
        Duration idleDown,
        int minWorkers,
        int maxWorkers,
        int maxScaleUpStep,
        Duration cooldownUp,
        Duration cooldownDown,
        ScaleDown scaleDown,
        Duration joinTimeout,
        Duration drainTimeout,
        Duration spotDrainBudget,
        long workerCpuMillis,
        long workerMemoryBytes,
        Headroom headroom,
        Duration failureBackoff,
        Duration failureBackoffMax,
        Duration offeringUnavailable,
        Duration lockTtl,
        RebalanceAction rebalanceAction,
        double workerHourlyPriceUsd) {

    public enum RebalanceAction {
        DRAIN, LAUNCH_REPLACEMENT, IGNORE;

        static RebalanceAction parse(String value) {
            return valueOf(value.toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
        }
    }

    /**
     * How scale-down removes workers: whether at all, the pauses after a removal and after a failure,
     * how many at once, and the margin that keeps a removal from causing a scale-up.
     *
     * @param utilizationMarginPoints percentage points below CPU_UP / MEM_UP the projected use must stay
     * @param windows                 when a scale-down may start
     */
    public record ScaleDown(boolean enabled, Duration delayAfterDelete, Duration delayAfterFailure, int maxEmpty,
                            int maxParallel, double maxDisruptedPercent, int utilizationMarginPoints,
                            DisruptionWindows windows) {
    }

    /**
     * Room kept free for pods that have not arrived yet: what the Ready, schedulable workers (and the
     * launches joining) have free, allocatable less requests, must stay at least this. 0 for a resource
     * leaves it unchecked; both 0 is off.
     */
    public record Headroom(long cpuMillis, long memoryBytes) {
        public static final Headroom OFF = new Headroom(0, 0);

        public boolean on() {
            return cpuMillis > 0 || memoryBytes > 0;
        }
    }

    private static final long MIB = 1024L * 1024L;

    public static AutoscalerConfig defaults() {
        return fromEnvironment(Map.of());
    }

    public static AutoscalerConfig fromEnvironment(Map<String, String> environment) {
        EnvironmentReader reader = new EnvironmentReader(environment);
        AutoscalerConfig config = new AutoscalerConfig(
                CPU_UP.readPercent(reader),
                CPU_DOWN.readPercent(reader),
                MEM_UP.readPercent(reader),
                MEM_DOWN.readPercent(reader),
                seconds(CPU_UP_SUSTAIN_SEC.readWhole(reader)),
                seconds(MEM_UP_SUSTAIN_SEC.readWhole(reader)),
                seconds(PENDING_UP_SEC.readWhole(reader)),
                seconds(IDLE_DOWN_SEC.readWhole(reader)),
                MIN_WORKERS.readWhole(reader),
                MAX_WORKERS.readWhole(reader),
                MAX_SCALE_UP_STEP.readWhole(reader),
                seconds(COOLDOWN_UP_SEC.readWhole(reader)),
                seconds(COOLDOWN_DOWN_SEC.readWhole(reader)),
                new ScaleDown(Boolean.parseBoolean(SCALE_DOWN_ENABLED.readChoice(reader)),
                        seconds(SCALE_DOWN_DELAY_AFTER_DELETE_SEC.readWhole(reader)),
                        seconds(SCALE_DOWN_DELAY_AFTER_FAILURE_SEC.readWhole(reader)),
                        SCALE_DOWN_MAX_EMPTY.readWhole(reader), SCALE_DOWN_MAX_PARALLEL.readWhole(reader),
                        SCALE_DOWN_MAX_DISRUPTED_PERCENT.readPercent(reader),
                        SCALE_DOWN_UTILIZATION_MARGIN.readWhole(reader),
                        windows(reader)),
                seconds(JOIN_TIMEOUT_SEC.readWhole(reader)),
                seconds(DRAIN_TIMEOUT_SEC.readWhole(reader)),
                seconds(SPOT_DRAIN_BUDGET_SEC.readWhole(reader)),
                WORKER_CPU_MILLIS.readWhole(reader),
                WORKER_MEMORY_MIB.readWhole(reader) * MIB,
                new Headroom(HEADROOM_CPU_MILLIS.readWhole(reader), HEADROOM_MEMORY_MIB.readWhole(reader) * MIB),
                seconds(FAILURE_BACKOFF_SEC.readWhole(reader)),
                seconds(FAILURE_BACKOFF_MAX_SEC.readWhole(reader)),
                seconds(OFFERING_UNAVAILABLE_SEC.readWhole(reader)),
                seconds(LOCK_TTL_SEC.readWhole(reader)),
                RebalanceAction.parse(REBALANCE_ACTION.readChoice(reader)),
                WORKER_HOURLY_PRICE_USD.readPercent(reader));
        checkRelations(reader, environment);
        reader.throwIfInvalid();
        return config;
    }

    /** SCALE_DOWN_WINDOWS in SCALE_DOWN_TIMEZONE; every problem of either is listed, and "always" stands in meanwhile. */
    private static DisruptionWindows windows(EnvironmentReader reader) {
        String spec = SCALE_DOWN_WINDOWS.readText(reader);
        String zone = SCALE_DOWN_TIMEZONE.readText(reader);
        List<String> problems = DisruptionWindows.problems(spec, zone);
        problems.forEach(reader::problem);
        return problems.isEmpty() ? DisruptionWindows.parse(spec, zone) : DisruptionWindows.always();
    }

    /** Cross-field rules, checked on the raw values so a bad pair is named as the user wrote it. */
    private static void checkRelations(EnvironmentReader reader, Map<String, String> environment) {
        below(reader, environment, CPU_DOWN, CPU_UP);
        below(reader, environment, MEM_DOWN, MEM_UP);
        below(reader, environment, SCALE_DOWN_UTILIZATION_MARGIN, CPU_UP);
        below(reader, environment, SCALE_DOWN_UTILIZATION_MARGIN, MEM_UP);
        notAbove(reader, environment, MIN_WORKERS, MAX_WORKERS);
        notAbove(reader, environment, FAILURE_BACKOFF_SEC, FAILURE_BACKOFF_MAX_SEC);
        notAboveWorkers(reader, environment, HEADROOM_CPU_MILLIS, WORKER_CPU_MILLIS);
        notAboveWorkers(reader, environment, HEADROOM_MEMORY_MIB, WORKER_MEMORY_MIB);
        Double lockTtl = numberOrDefault(environment, LOCK_TTL_SEC);
        if (lockTtl != null) {
            LeaseBudget.problem(Duration.ofSeconds(lockTtl.longValue())).ifPresent(reader::problem);
        }
    }

    private static void below(EnvironmentReader reader, Map<String, String> env, ConfigVariable low, ConfigVariable high) {
        Double lowValue = numberOrDefault(env, low);
        Double highValue = numberOrDefault(env, high);
        if (lowValue != null && highValue != null && lowValue >= highValue) {
            reader.problem(low.name() + "=" + display(env, low) + " must be below " + high.name() + "=" + display(env, high));
        }
    }

    private static void notAbove(EnvironmentReader reader, Map<String, String> env, ConfigVariable low, ConfigVariable high) {
        Double lowValue = numberOrDefault(env, low);
        Double highValue = numberOrDefault(env, high);
        if (lowValue != null && highValue != null && lowValue > highValue) {
            reader.problem(low.name() + "=" + display(env, low) + " must not be above " + high.name() + "=" + display(env, high));
        }
    }

    /** A headroom no cluster within MAX_WORKERS could hold, even with every worker empty. */
    private static void notAboveWorkers(EnvironmentReader reader, Map<String, String> env, ConfigVariable headroom,
                                        ConfigVariable perWorker) {
        Double value = numberOrDefault(env, headroom);
        Double workers = numberOrDefault(env, MAX_WORKERS);
        Double each = numberOrDefault(env, perWorker);
        if (value != null && workers != null && each != null && value > workers * each) {
            reader.problem(headroom.name() + "=" + display(env, headroom) + " must not be above MAX_WORKERS="
                    + display(env, MAX_WORKERS) + " × " + perWorker.name() + "=" + display(env, perWorker) + " = "
                    + EnvironmentReader.format(workers * each) + " (what MAX_WORKERS empty workers hold)");
        }
    }

    private static Double numberOrDefault(Map<String, String> env, ConfigVariable variable) {
        try {
            return Double.parseDouble(display(env, variable));
        } catch (NumberFormatException e) {
            return null; // already reported as unparsable
        }
    }

    private static String display(Map<String, String> env, ConfigVariable variable) {
        String raw = env.get(variable.name());
        return raw == null || raw.isBlank() ? variable.defaultValue() : raw.trim();
    }

    private static Duration seconds(int value) {
        return Duration.ofSeconds(value);
    }

    /** The environment that reproduces this configuration (for CDK, the simulator and round-trip tests). */
    public Map<String, String> toEnvironment() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put(CPU_UP.name(), EnvironmentReader.format(cpuUpPercent));
        env.put(CPU_DOWN.name(), EnvironmentReader.format(cpuDownPercent));
        env.put(MEM_UP.name(), EnvironmentReader.format(memoryUpPercent));
        env.put(MEM_DOWN.name(), EnvironmentReader.format(memoryDownPercent));
        env.put(CPU_UP_SUSTAIN_SEC.name(), Long.toString(cpuUpSustain.toSeconds()));
        env.put(MEM_UP_SUSTAIN_SEC.name(), Long.toString(memoryUpSustain.toSeconds()));
        env.put(PENDING_UP_SEC.name(), Long.toString(pendingUp.toSeconds()));
        env.put(IDLE_DOWN_SEC.name(), Long.toString(idleDown.toSeconds()));
        env.put(MIN_WORKERS.name(), Integer.toString(minWorkers));
        env.put(MAX_WORKERS.name(), Integer.toString(maxWorkers));
        env.put(MAX_SCALE_UP_STEP.name(), Integer.toString(maxScaleUpStep));
        env.put(COOLDOWN_UP_SEC.name(), Long.toString(cooldownUp.toSeconds()));
        env.put(COOLDOWN_DOWN_SEC.name(), Long.toString(cooldownDown.toSeconds()));
        env.put(SCALE_DOWN_ENABLED.name(), Boolean.toString(scaleDown.enabled()));
        env.put(SCALE_DOWN_DELAY_AFTER_DELETE_SEC.name(), Long.toString(scaleDown.delayAfterDelete().toSeconds()));
        env.put(SCALE_DOWN_DELAY_AFTER_FAILURE_SEC.name(), Long.toString(scaleDown.delayAfterFailure().toSeconds()));
        env.put(SCALE_DOWN_MAX_EMPTY.name(), Integer.toString(scaleDown.maxEmpty()));
        env.put(SCALE_DOWN_MAX_PARALLEL.name(), Integer.toString(scaleDown.maxParallel()));
        env.put(SCALE_DOWN_MAX_DISRUPTED_PERCENT.name(), EnvironmentReader.format(scaleDown.maxDisruptedPercent()));
        env.put(SCALE_DOWN_UTILIZATION_MARGIN.name(), Integer.toString(scaleDown.utilizationMarginPoints()));
        env.put(SCALE_DOWN_WINDOWS.name(), scaleDown.windows().spec());
        env.put(SCALE_DOWN_TIMEZONE.name(), scaleDown.windows().zone().getId());
        env.put(JOIN_TIMEOUT_SEC.name(), Long.toString(joinTimeout.toSeconds()));
        env.put(DRAIN_TIMEOUT_SEC.name(), Long.toString(drainTimeout.toSeconds()));
        env.put(SPOT_DRAIN_BUDGET_SEC.name(), Long.toString(spotDrainBudget.toSeconds()));
        env.put(WORKER_CPU_MILLIS.name(), Long.toString(workerCpuMillis));
        env.put(WORKER_MEMORY_MIB.name(), Long.toString(workerMemoryBytes / MIB));
        env.put(HEADROOM_CPU_MILLIS.name(), Long.toString(headroom.cpuMillis()));
        env.put(HEADROOM_MEMORY_MIB.name(), Long.toString(headroom.memoryBytes() / MIB));
        env.put(FAILURE_BACKOFF_SEC.name(), Long.toString(failureBackoff.toSeconds()));
        env.put(FAILURE_BACKOFF_MAX_SEC.name(), Long.toString(failureBackoffMax.toSeconds()));
        env.put(OFFERING_UNAVAILABLE_SEC.name(), Long.toString(offeringUnavailable.toSeconds()));
        env.put(LOCK_TTL_SEC.name(), Long.toString(lockTtl.toSeconds()));
        env.put(REBALANCE_ACTION.name(), rebalanceAction.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
        env.put(WORKER_HOURLY_PRICE_USD.name(), EnvironmentReader.format(workerHourlyPriceUsd));
        return env;
    }

    /** Pause after {@code consecutiveFailures} failures: FAILURE_BACKOFF_SEC doubling, capped at the max. */
    public Duration backoffAfter(int consecutiveFailures) {
        if (consecutiveFailures <= 0) {
            return Duration.ZERO;
        }
        int doublings = Math.min(consecutiveFailures - 1, 20);
        Duration backoff = failureBackoff.multipliedBy(1L << doublings);
        return backoff.compareTo(failureBackoffMax) > 0 ? failureBackoffMax : backoff;
    }
}
