package dev.k3sautoscaler.core.model;

import dev.k3sautoscaler.core.words.Compared;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Why a decision is what it is, as facts: a stable {@link Code} and the numbers and names behind it.
 * {@link DecisionWording} turns it into the line an operator reads; nothing else words it.
 */
public sealed interface DecisionReason {

    Code code();

    /** The stable names of the reasons, for machines (metrics dimensions, alerts, tests). */
    enum Code {
        METRICS_UNAVAILABLE, PAUSED, BACKING_OFF, BELOW_MIN, SCALE_UP, AT_MAX_WORKERS, UNNEEDED_WORKERS, STEADY,
        COOLDOWN, BASELINE_SCALE_UP, BASELINE_SCALE_DOWN, BASELINE_STEADY,
        MANUAL_METRICS_UNAVAILABLE, MANUAL_AT_MAX_WORKERS, MANUAL_AT_MIN_WORKERS, MANUAL_SCALE_UP, MANUAL_SCALE_DOWN,
        REBALANCE_EC2_UNKNOWN, REBALANCE_NOT_OURS, REBALANCE_METRICS_UNAVAILABLE, REBALANCE_PAUSED,
        REBALANCE_BACKING_OFF, REBALANCE_AT_MAX_WORKERS, REBALANCE_COOLDOWN, REBALANCE_DRAIN, REBALANCE_REPLACE
    }

    /** What capacity a scale-up is for: pods that wait, CPU or memory over its threshold, or the headroom. */
    sealed interface Need {
        /** @param cpuMillis summed requests; 0 with {@code memoryBytes} 0 when the requests are unknown */
        record Pods(int pods, long cpuMillis, long memoryBytes) implements Need {
        }

        /** @param lowest the lowest CPU over the sustain window against CPU_UP */
        record Cpu(Compared lowest, Duration sustain) implements Need {
        }

        /** @param lowest the lowest memory over MEM_UP_SUSTAIN_SEC against MEM_UP */
        record Memory(Compared lowest, Duration sustain) implements Need {
        }

        /**
         * Less free than HEADROOM_CPU_MILLIS / HEADROOM_MEMORY_MIB ask for.
         *
         * @param freeCpuMillis   what the Ready, schedulable workers have free, plus what the launches joining
         *                        bring, less what the waiting pods will take of it
         * @param freeMemoryBytes the same for memory
         * @param cpuMillis       the headroom; {@code memoryBytes} likewise (0: not asked for)
         */
        record Headroom(long freeCpuMillis, long freeMemoryBytes, long cpuMillis, long memoryBytes) implements Need {
            public long shortCpuMillis() {
                return Math.max(0, cpuMillis - freeCpuMillis);
            }

            public long shortMemoryBytes() {
                return Math.max(0, memoryBytes - freeMemoryBytes);
            }
        }

        /** Pods that wait, and the headroom short once they are placed: the scale-up covers both. */
        record PodsAndHeadroom(Pods pods, Headroom headroom) implements Need {
        }
    }

    /** A scale-up smaller than wanted, and the bound that made it so. */
    record Cap(int wanted, String bound, int limit) {
    }

    // ---- the default policy ----

    record MetricsUnavailable(String why) implements DecisionReason {
        public Code code() { return Code.METRICS_UNAVAILABLE; }
    }

    /** @param why the operator's reason for the pause, or null */
    record Paused(String why) implements DecisionReason {
        public Code code() { return Code.PAUSED; }
    }

    record BackingOff(int failures, Instant until) implements DecisionReason {
        public Code code() { return Code.BACKING_OFF; }
    }

    /** @param notReady Nodes that exist but are not counted on (NotReady, no launch explains them) */
    record BelowMin(int count, int live, int minWorkers, int notReady) implements DecisionReason {
        public Code code() { return Code.BELOW_MIN; }
    }

    /** @param cap null when the whole wish fits */
    record ScaleUp(int count, Need need, int inFlight, int workers, Cap cap) implements DecisionReason {
        public Code code() { return Code.SCALE_UP; }
    }

    record AtMaxWorkers(int maxWorkers, int workers, Need need) implements DecisionReason {
        public Code code() { return Code.AT_MAX_WORKERS; }
    }

    /**
     * Workers unneeded for IDLE_DOWN_SEC are removed.
     *
     * @param nodes the workers removed, empty ones first
     * @param empty how many of them hold nothing but DaemonSet pods
     */
    record UnneededWorkers(List<String> nodes, int empty, Duration idleDown, int workers) implements DecisionReason {
        public UnneededWorkers {
            nodes = List.copyOf(nodes);
        }

        public Code code() { return Code.UNNEEDED_WORKERS; }
    }

    /** @param unschedulablePods pods waiting that no new worker would help now (0 when none waits) */
    record Steady(int workers, double cpuPercent, double memoryPercent, int unschedulablePods) implements DecisionReason {
        public Code code() { return Code.STEADY; }
    }

    // ---- the seed baseline policy ----

    record Cooldown(Instant until) implements DecisionReason {
        public Code code() { return Code.COOLDOWN; }
    }

    /** @param pending unschedulable pods; when 0 the scale-up is for {@code cpuPercent} */
    record BaselineScaleUp(int pending, double cpuPercent) implements DecisionReason {
        public Code code() { return Code.BASELINE_SCALE_UP; }
    }

    record BaselineScaleDown(double cpuPercent) implements DecisionReason {
        public Code code() { return Code.BASELINE_SCALE_DOWN; }
    }

    record BaselineSteady(int nodes, double cpuPercent, int pending) implements DecisionReason {
        public Code code() { return Code.BASELINE_STEADY; }
    }

    // ---- an operator's force-scale-up / force-scale-down ----

    /** @param request the request's summary, e.g. "force-scale-up +2 requested by alice" */
    record ManualMetricsUnavailable(String request, String why) implements DecisionReason {
        public Code code() { return Code.MANUAL_METRICS_UNAVAILABLE; }
    }

    record ManualAtMaxWorkers(String request, int maxWorkers, int workers) implements DecisionReason {
        public Code code() { return Code.MANUAL_AT_MAX_WORKERS; }
    }

    record ManualAtMinWorkers(String request, int readyWorkers, int minWorkers) implements DecisionReason {
        public Code code() { return Code.MANUAL_AT_MIN_WORKERS; }
    }

    record ManualScaleUp(int count, String request, int workers, int asked, int maxWorkers) implements DecisionReason {
        public Code code() { return Code.MANUAL_SCALE_UP; }
    }

    record ManualScaleDown(String request, int workers) implements DecisionReason {
        public Code code() { return Code.MANUAL_SCALE_DOWN; }
    }

    // ---- an EC2 rebalance recommendation ----

    record RebalanceEc2Unknown(String instance, String why) implements DecisionReason {
        public Code code() { return Code.REBALANCE_EC2_UNKNOWN; }
    }

    record RebalanceNotOurs(String instance) implements DecisionReason {
        public Code code() { return Code.REBALANCE_NOT_OURS; }
    }

    record RebalanceMetricsUnavailable(String instance, String why) implements DecisionReason {
        public Code code() { return Code.REBALANCE_METRICS_UNAVAILABLE; }
    }

    record RebalancePaused(String instance, String why) implements DecisionReason {
        public Code code() { return Code.REBALANCE_PAUSED; }
    }

    record RebalanceBackingOff(String instance, Instant until) implements DecisionReason {
        public Code code() { return Code.REBALANCE_BACKING_OFF; }
    }

    record RebalanceAtMaxWorkers(String instance, int maxWorkers, int workers) implements DecisionReason {
        public Code code() { return Code.REBALANCE_AT_MAX_WORKERS; }
    }

    record RebalanceCooldown(String instance, Instant until) implements DecisionReason {
        public Code code() { return Code.REBALANCE_COOLDOWN; }
    }

    record RebalanceDrain(String instance, int workers) implements DecisionReason {
        public Code code() { return Code.REBALANCE_DRAIN; }
    }

    record RebalanceReplace(String instance, int workers) implements DecisionReason {
        public Code code() { return Code.REBALANCE_REPLACE; }
    }
}
