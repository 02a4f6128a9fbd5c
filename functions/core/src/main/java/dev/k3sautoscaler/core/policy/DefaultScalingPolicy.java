package dev.k3sautoscaler.core.policy;

import static dev.k3sautoscaler.core.policy.Quantities.gib;
import static dev.k3sautoscaler.core.policy.Quantities.percent;
import static dev.k3sautoscaler.core.policy.Quantities.plural;
import static dev.k3sautoscaler.core.policy.Quantities.vcpu;

import dev.k3sautoscaler.core.config.AutoscalerConfig;
import dev.k3sautoscaler.core.model.ClusterMetrics;
import dev.k3sautoscaler.core.model.FleetView;
import dev.k3sautoscaler.core.model.Decision;
import dev.k3sautoscaler.core.model.PodRequest;
import dev.k3sautoscaler.core.model.ScaleTrigger;
import dev.k3sautoscaler.core.model.ScalingAction;
import dev.k3sautoscaler.core.model.ScalingState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The autoscaler's rules, in the order they are weighed:
 * <ol>
 *   <li>no metrics, paused, or backing off after failures → do nothing, and say why (failures of
 *       scale-downs alone hold back only scale-downs: a drain's trouble never delays a scale-up);</li>
 *   <li>fewer workers than MIN_WORKERS → launch up to it;</li>
 *   <li>unschedulable pods → enough workers for their requests by first-fit bin packing, after
 *       packing onto workers already launching; no cooldown (as Cluster Autoscaler);</li>
 *   <li>CPU high for the whole sustain window, or memory high → grow in proportion to the
 *       overshoot, unless within COOLDOWN_UP_SEC of the last scale-up or capacity is in flight;</li>
 *   <li>otherwise remove one worker when every scale-down condition holds.</li>
 * </ol>
 * Scale-ups are capped by MAX_SCALE_UP_STEP and MAX_WORKERS; every decision lists what held back
 * the actions it did not take.
 */
public final class DefaultScalingPolicy implements ScalingPolicy {

    @Override
    public Decision decide(ClusterMetrics metrics, FleetView fleet, ScalingState state, AutoscalerConfig config, Instant now) {
        if (!metrics.available()) {
            return noop("no action: metrics unavailable (" + metrics.unavailableReason()
                    + "); never scaling on missing data", 0, List.of());
        }
        WorkerCount workers = WorkerCount.of(metrics, fleet, state, now, config.joinTimeout());
        if (state.paused()) {
            String why = state.pausedReason() == null ? "" : " (" + state.pausedReason() + ")";
            return noop("no action: autoscaling is paused" + why, workers.total(), List.of());
        }
        Instant backoffUntil = backoffUntil(state, config);
        boolean backingOff = backoffUntil != null && now.isBefore(backoffUntil);
        if (backingOff && state.failuresBlockScaleUp()) {
            return noop("no action: backing off after " + plural(state.consecutiveFailures(), "failed actuation")
                    + " until " + backoffUntil, workers.total(), List.of());
        }
        if (workers.live() < config.minWorkers() && workers.total() < config.maxWorkers()) {
            // MAX counts every Node, NotReady ones included: never an overshoot, even if MIN stays short.
            int count = Math.min(Math.min(config.minWorkers() - workers.live(), config.maxScaleUpStep()),
                    config.maxWorkers() - workers.total());
            int notReady = workers.total() - workers.live();
            return new Decision(ScalingAction.SCALE_UP, count, ScaleTrigger.BELOW_MIN,
                    "scale-up +" + count + ": " + plural(workers.live(), "worker") + " Ready or joining, below MIN_WORKERS="
                            + config.minWorkers() + (notReady > 0 ? " (" + plural(notReady, "NotReady node")
                            + " not counted)" : ""),
                    workers.total(), workers.total() + count, List.of(), List.of(), false);
        }

        List<String> blocked = new ArrayList<>();
        PodDemand pods = podDemand(metrics, config, workers);
        UtilizationDemand utilization = utilizationDemand(metrics, state, config, workers, now, blocked);
        int wanted = Math.max(pods.newWorkers(), utilization.newWorkers());
        if (wanted > 0) {
            return scaleUp(wanted, pods, utilization, config, workers, blocked);
        }
        blocked.addAll(pods.notes());

        List<String> downBlockers = scaleDownBlockers(metrics, state, config, workers, now);
        if (backingOff) {
            downBlockers.add("backing off after " + plural(state.consecutiveFailures(), "failed scale-down")
                    + " until " + backoffUntil);
        }
        if (downBlockers.isEmpty()) {
            return new Decision(ScalingAction.SCALE_DOWN, 1, ScaleTrigger.IDLE,
                    "scale-down -1: idle for " + minutes(config.idleDown().toSeconds())
                            + " (CPU at most " + percent(metrics.cpuSustainedLowPercent()) + " < " + percent(config.cpuDownPercent())
                            + ", memory at most " + percent(metrics.memorySustainedLowPercent()) + " < " + percent(config.memoryDownPercent())
                            + ", no unschedulable pods); " + workers.total() + " → " + (workers.total() - 1) + " workers",
                    workers.total(), workers.total() - 1, blocked, pods.tooLarge(), false);
        }
        downBlockers.forEach(blocker -> blocked.add("scale-down: " + blocker));
        return noop(steadyReason(metrics, workers, pods), workers.total(), blocked, pods.tooLarge());
    }

    /** Pods the scheduler cannot place, turned into workers to launch. */
    private record PodDemand(int newWorkers, int pods, long cpuMillis, long memoryBytes,
                             List<PodRequest> tooLarge, List<String> notes) {
    }

    /** Utilization above its threshold, turned into workers to launch. */
    private record UtilizationDemand(int newWorkers, ScaleTrigger trigger, String description) {
        static final UtilizationDemand NONE = new UtilizationDemand(0, ScaleTrigger.NONE, "");
    }

    private static PodDemand podDemand(ClusterMetrics metrics, AutoscalerConfig config, WorkerCount workers) {
        int unschedulable = metrics.unschedulablePods();
        if (unschedulable == 0) {
            return new PodDemand(0, 0, 0, 0, List.of(), List.of());
        }
        List<PodRequest> requests = metrics.unschedulablePodRequests();
        if (requests.isEmpty()) {
            // The count is known but not the requests: one worker is the smallest step that can help.
            int newWorkers = workers.inFlight() > 0 ? 0 : 1;
            List<String> notes = newWorkers == 0
                    ? List.of(plural(unschedulable, "unschedulable pod") + " may fit on the "
                            + plural(workers.inFlight(), "worker") + " already launching")
                    : List.of();
            return new PodDemand(newWorkers, unschedulable, 0, 0, List.of(), notes);
        }
        BinPacker.Packing packing = BinPacker.pack(requests, config.workerCpuMillis(), config.workerMemoryBytes(),
                workers.inFlight());
        List<String> notes = new ArrayList<>();
        if (!packing.tooLarge().isEmpty()) {
            notes.add(plural(packing.tooLarge().size(), "pod") + " request more than one worker's allocatable ("
                    + vcpu(config.workerCpuMillis()) + " / " + gib(config.workerMemoryBytes()) + "), no scale-up helps: "
                    + String.join(", ", packing.tooLarge().stream().limit(5).map(PodRequest::qualifiedName).toList()));
        }
        if (packing.newBins() == 0 && packing.absorbedByOpen() > 0) {
            notes.add(plural(packing.absorbedByOpen(), "unschedulable pod") + " fit on the "
                    + plural(workers.inFlight(), "worker") + " already launching");
        }
        long cpu = requests.stream().mapToLong(PodRequest::cpuMillis).sum();
        long memory = requests.stream().mapToLong(PodRequest::memoryBytes).sum();
        return new PodDemand(packing.newBins(), unschedulable, cpu, memory, packing.tooLarge(), notes);
    }

    private static UtilizationDemand utilizationDemand(ClusterMetrics metrics, ScalingState state,
            AutoscalerConfig config, WorkerCount workers, Instant now, List<String> blocked) {
        double cpuRatio = metrics.cpuSustainedHighPercent() / config.cpuUpPercent();
        double memoryRatio = metrics.memoryPercent() / config.memoryUpPercent();
        boolean highCpu = cpuRatio > 1.0;
        boolean highMemory = memoryRatio > 1.0;
        if (!highCpu && !highMemory) {
            return UtilizationDemand.NONE;
        }
        ScaleTrigger trigger = highCpu && cpuRatio >= memoryRatio ? ScaleTrigger.HIGH_CPU : ScaleTrigger.HIGH_MEMORY;
        String description = trigger == ScaleTrigger.HIGH_CPU
                ? "CPU above " + percent(config.cpuUpPercent()) + " for " + minutes(config.cpuUpSustain().toSeconds())
                        + " (lowest " + percent(metrics.cpuSustainedHighPercent()) + ")"
                : "memory " + percent(metrics.memoryPercent()) + " above " + percent(config.memoryUpPercent());
        if (state.lastScaleUpAt() != null && now.isBefore(state.lastScaleUpAt().plus(config.cooldownUp()))) {
            blocked.add("scale-up for " + description + ": cooldown after the scale-up at " + state.lastScaleUpAt()
                    + " until " + state.lastScaleUpAt().plus(config.cooldownUp()));
            return UtilizationDemand.NONE;
        }
        if (workers.inFlight() > 0) {
            blocked.add("scale-up for " + description + ": " + plural(workers.inFlight(), "worker")
                    + " already launching");
            return UtilizationDemand.NONE;
        }
        // Grow in proportion to the overshoot (as a Horizontal Pod Autoscaler does for replicas).
        int base = Math.max(workers.capacity(), 1);
        int desired = (int) Math.ceil(base * Math.max(cpuRatio, memoryRatio));
        return new UtilizationDemand(Math.max(1, desired - base), trigger, description);
    }

    private static Decision scaleUp(int wanted, PodDemand pods, UtilizationDemand utilization,
            AutoscalerConfig config, WorkerCount workers, List<String> blocked) {
        boolean forPods = pods.newWorkers() >= utilization.newWorkers();
        ScaleTrigger trigger = forPods ? ScaleTrigger.UNSCHEDULABLE_PODS : utilization.trigger();
        String need = forPods ? podNeed(pods) : utilization.description();
        int room = config.maxWorkers() - workers.total();
        if (room <= 0) {
            blocked.addAll(pods.notes());
            return new Decision(ScalingAction.NOOP, 0, trigger,
                    "no action: at MAX_WORKERS=" + config.maxWorkers() + " (" + workers.total() + " workers); " + need,
                    workers.total(), workers.total(), blocked, pods.tooLarge(), true);
        }
        int count = Math.min(Math.min(wanted, config.maxScaleUpStep()), room);
        List<String> limits = new ArrayList<>();
        if (count < wanted) {
            limits.add("wanted +" + wanted + ", capped by "
                    + (count == room ? "MAX_WORKERS=" + config.maxWorkers() : "MAX_SCALE_UP_STEP=" + config.maxScaleUpStep()));
        }
        blocked.addAll(pods.notes());
        blocked.add("scale-down: scaling up");
        String reason = "scale-up +" + count + ": " + need + "; capacity in flight " + workers.inFlight()
                + "; " + workers.total() + " → " + (workers.total() + count) + " workers"
                + (limits.isEmpty() ? "" : " (" + limits.getFirst() + ")");
        return new Decision(ScalingAction.SCALE_UP, count, trigger, reason, workers.total(), workers.total() + count,
                blocked, pods.tooLarge(), count < wanted && count == room);
    }

    private static String podNeed(PodDemand pods) {
        if (pods.cpuMillis() == 0 && pods.memoryBytes() == 0) {
            return plural(pods.pods(), "unschedulable pod") + " (requests unknown)";
        }
        return plural(pods.pods(), "unschedulable pod") + " need " + vcpu(pods.cpuMillis()) + " / " + gib(pods.memoryBytes());
    }

    private static List<String> scaleDownBlockers(ClusterMetrics metrics, ScalingState state, AutoscalerConfig config,
            WorkerCount workers, Instant now) {
        List<String> blockers = new ArrayList<>();
        String window = minutes(config.idleDown().toSeconds());
        if (metrics.unschedulablePods() > 0 || metrics.unschedulablePodsMaxOverIdleWindow() > 0) {
            blockers.add("pods were unschedulable within the last " + window);
        }
        if (metrics.cpuSustainedLowPercent() >= config.cpuDownPercent()) {
            blockers.add("CPU reached " + percent(metrics.cpuSustainedLowPercent()) + " within the last " + window
                    + " (needs < " + percent(config.cpuDownPercent()) + ")");
        }
        if (metrics.memorySustainedLowPercent() >= config.memoryDownPercent()) {
            blockers.add("memory reached " + percent(metrics.memorySustainedLowPercent()) + " within the last " + window
                    + " (needs < " + percent(config.memoryDownPercent()) + ")");
        }
        if (workers.capacity() <= config.minWorkers() || workers.total() <= config.minWorkers()) {
            blockers.add(plural(workers.capacity(), "schedulable worker") + ", MIN_WORKERS=" + config.minWorkers());
        }
        if (workers.inFlight() > 0) {
            blockers.add(plural(workers.inFlight(), "worker") + " still launching");
        }
        if (state.lastScaleUpAt() != null && now.isBefore(state.lastScaleUpAt().plus(config.cooldownDown()))) {
            blockers.add("the scale-up at " + state.lastScaleUpAt() + " postpones scale-down until "
                    + state.lastScaleUpAt().plus(config.cooldownDown()));
        }
        if (state.lastScaleDownAt() != null && now.isBefore(state.lastScaleDownAt().plus(config.cooldownDown()))) {
            blockers.add("cooldown after the scale-down at " + state.lastScaleDownAt() + " until "
                    + state.lastScaleDownAt().plus(config.cooldownDown()));
        }
        long remaining = Math.max(workers.capacity() - 1, 0);
        if (metrics.requestedCpuMillisOnWorkers() > remaining * config.workerCpuMillis()
                || metrics.requestedMemoryBytesOnWorkers() > remaining * config.workerMemoryBytes()) {
            blockers.add("requests (" + vcpu(metrics.requestedCpuMillisOnWorkers()) + " / "
                    + gib(metrics.requestedMemoryBytesOnWorkers()) + ") would not fit on " + plural((int) remaining, "worker"));
        }
        return blockers;
    }

    private static String steadyReason(ClusterMetrics metrics, WorkerCount workers, PodDemand pods) {
        String base = "no action: " + plural(workers.total(), "worker") + ", CPU " + percent(metrics.cpuPercent())
                + ", memory " + percent(metrics.memoryPercent());
        if (pods.pods() == 0) {
            return base + ", no unschedulable pods";
        }
        return base + ", " + plural(pods.pods(), "unschedulable pod") + " that no new worker would help now";
    }

    private static Instant backoffUntil(ScalingState state, AutoscalerConfig config) {
        if (state.consecutiveFailures() == 0 || state.lastFailureAt() == null) {
            return null;
        }
        return state.lastFailureAt().plus(config.backoffAfter(state.consecutiveFailures()));
    }

    private static Decision noop(String reason, int workers, List<String> blocked) {
        return noop(reason, workers, blocked, List.of());
    }

    private static Decision noop(String reason, int workers, List<String> blocked, List<PodRequest> tooLarge) {
        return new Decision(ScalingAction.NOOP, 0, ScaleTrigger.NONE, reason, workers, workers, blocked, tooLarge, false);
    }

    static String minutes(long seconds) {
        return seconds % 60 == 0 ? (seconds / 60) + " min" : seconds + " s";
    }
}
