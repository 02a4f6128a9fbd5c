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
        SCALING_UP, PODS_UNSCHEDULABLE, NO_WORKER_UNNEEDED, AT_MIN_WORKERS, WORKERS_LAUNCHING,
        AFTER_SCALE_UP, SCALE_DOWN_COOLDOWN, REQUESTS_WOULD_NOT_FIT, SCALE_DOWN_BACKING_OFF, SCALE_DOWN_DISABLED,
        OUTSIDE_DISRUPTION_WINDOW, DISRUPTION_BUDGET, WOULD_OVERLOAD
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

    /** Pods wait for room now (those too large for any worker not counted): the cluster is not oversized. */
    record PodsUnschedulable(int pods) implements HoldBack {
        public Code code() { return Code.PODS_UNSCHEDULABLE; }
    }

    /**
     * No worker has been unneeded for IDLE_DOWN_SEC yet.
     *
     * @param underutilized workers under CPU_DOWN / MEM_DOWN now
     * @param firstAt       when the earliest of them will have waited IDLE_DOWN_SEC (null when none)
     */
    record NoWorkerUnneeded(int underutilized, Instant firstAt) implements HoldBack {
        public Code code() { return Code.NO_WORKER_UNNEEDED; }
    }

    record ScaleDownDisabled() implements HoldBack {
        public Code code() { return Code.SCALE_DOWN_DISABLED; }
    }

    /** @param opensAt when the next SCALE_DOWN_WINDOWS window opens */
    record OutsideDisruptionWindow(String windows, Instant opensAt) implements HoldBack {
        public Code code() { return Code.OUTSIDE_DISRUPTION_WINDOW; }
    }

    /** @param disrupted workers already on their way out (cordoned); {@code allowed} the most at once */
    record DisruptionBudget(int disrupted, int allowed) implements HoldBack {
        public Code code() { return Code.DISRUPTION_BUDGET; }
    }

    /**
     * Removing one more worker would spread the IDLE_DOWN_SEC peak use over too few workers.
     *
     * @param cpu    projected CPU against CPU_UP minus the margin
     * @param memory projected memory against MEM_UP minus the margin
     */
    record WouldOverload(Compared cpu, Compared memory, int remainingWorkers) implements HoldBack {
        public Code code() { return Code.WOULD_OVERLOAD; }
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
