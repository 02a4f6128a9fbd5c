package dev.k3sautoscaler.core.model;

import dev.k3sautoscaler.core.model.DecisionReason.Need;
import dev.k3sautoscaler.core.words.Compared;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * What held back an action a decision did not take, as facts with a stable {@link Code};
 * {@link DecisionWording} words it ("scale-down: 1 worker still launching").
 */
public sealed interface HoldBack {

    Code code();

    enum Code {
        SCALE_UP_COOLDOWN, SCALE_UP_LAUNCHING, PODS_MAY_FIT_LAUNCHING, PODS_FIT_LAUNCHING, PODS_TOO_LARGE,
        SCALING_UP, RECENTLY_UNSCHEDULABLE, CPU_NOT_IDLE, MEMORY_NOT_IDLE, AT_MIN_WORKERS, WORKERS_LAUNCHING,
        AFTER_SCALE_UP, SCALE_DOWN_COOLDOWN, REQUESTS_WOULD_NOT_FIT, SCALE_DOWN_BACKING_OFF
    }

    // ---- scale-up ----

    record ScaleUpCooldown(Need need, Instant lastScaleUp, Instant until) implements HoldBack {
        public Code code() { return Code.SCALE_UP_COOLDOWN; }
    }

    record ScaleUpLaunching(Need need, int inFlight) implements HoldBack {
        public Code code() { return Code.SCALE_UP_LAUNCHING; }
    }

    /** Requests unknown: the pods may fit on what is launching. */
    record PodsMayFitLaunching(int pods, int inFlight) implements HoldBack {
        public Code code() { return Code.PODS_MAY_FIT_LAUNCHING; }
    }

    record PodsFitLaunching(int pods, int inFlight) implements HoldBack {
        public Code code() { return Code.PODS_FIT_LAUNCHING; }
    }

    /** @param pods the qualified names of the pods no worker could ever hold */
    record PodsTooLarge(List<String> pods, long workerCpuMillis, long workerMemoryBytes) implements HoldBack {
        public PodsTooLarge {
            pods = List.copyOf(pods);
        }

        public Code code() { return Code.PODS_TOO_LARGE; }
    }

    // ---- scale-down ----

    record ScalingUp() implements HoldBack {
        public Code code() { return Code.SCALING_UP; }
    }

    record RecentlyUnschedulable(Duration window) implements HoldBack {
        public Code code() { return Code.RECENTLY_UNSCHEDULABLE; }
    }

    /** @param cpu the highest CPU over the idle window against CPU_DOWN */
    record CpuNotIdle(Compared cpu, Duration window) implements HoldBack {
        public Code code() { return Code.CPU_NOT_IDLE; }
    }

    record MemoryNotIdle(Compared memory, Duration window) implements HoldBack {
        public Code code() { return Code.MEMORY_NOT_IDLE; }
    }

    record AtMinWorkers(int schedulable, int minWorkers) implements HoldBack {
        public Code code() { return Code.AT_MIN_WORKERS; }
    }

    record WorkersLaunching(int inFlight) implements HoldBack {
        public Code code() { return Code.WORKERS_LAUNCHING; }
    }

    record AfterScaleUp(Instant scaleUpAt, Instant until) implements HoldBack {
        public Code code() { return Code.AFTER_SCALE_UP; }
    }

    record ScaleDownCooldown(Instant scaleDownAt, Instant until) implements HoldBack {
        public Code code() { return Code.SCALE_DOWN_COOLDOWN; }
    }

    record RequestsWouldNotFit(long cpuMillis, long memoryBytes, int remainingWorkers) implements HoldBack {
        public Code code() { return Code.REQUESTS_WOULD_NOT_FIT; }
    }

    record ScaleDownBackingOff(int failures, Instant until) implements HoldBack {
        public Code code() { return Code.SCALE_DOWN_BACKING_OFF; }
    }
}
