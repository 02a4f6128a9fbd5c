package dev.k3sautoscaler.core.policy;

import dev.k3sautoscaler.core.config.AutoscalerConfig;
import dev.k3sautoscaler.core.model.ClusterMetrics;
import dev.k3sautoscaler.core.model.FleetView;
import dev.k3sautoscaler.core.model.Decision;
import dev.k3sautoscaler.core.model.DecisionReason;
import dev.k3sautoscaler.core.model.DecisionReason.Need;
import dev.k3sautoscaler.core.model.HoldBack;
import dev.k3sautoscaler.core.model.PodRequest;
import dev.k3sautoscaler.core.model.ScaleTrigger;
import dev.k3sautoscaler.core.model.ScalingAction;
import dev.k3sautoscaler.core.model.ScalingState;
import dev.k3sautoscaler.core.words.Compared;
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
            return noop(new DecisionReason.MetricsUnavailable(metrics.unavailableReason()), 0, List.of());
        }
        WorkerCount workers = WorkerCount.of(metrics, fleet, state, now, config.joinTimeout());
        if (state.paused()) {
            return noop(new DecisionReason.Paused(state.pausedReason()), workers.total(), List.of());
        }
        Instant backoffUntil = backoffUntil(state, config);
        boolean backingOff = backoffUntil != null && now.isBefore(backoffUntil);
        if (backingOff && state.failuresBlockScaleUp()) {
            return noop(new DecisionReason.BackingOff(state.consecutiveFailures(), backoffUntil), workers.total(),
                    List.of());
        }
        if (workers.live() < config.minWorkers() && workers.total() < config.maxWorkers()) {
            // MAX counts every Node, NotReady ones included: never an overshoot, even if MIN stays short.
            int count = Math.min(Math.min(config.minWorkers() - workers.live(), config.maxScaleUpStep()),
                    config.maxWorkers() - workers.total());
            int notReady = workers.total() - workers.live();
            return new Decision(ScalingAction.SCALE_UP, count, ScaleTrigger.BELOW_MIN,
                    new DecisionReason.BelowMin(count, workers.live(), config.minWorkers(), notReady),
                    workers.total(), workers.total() + count, List.of(), List.of(), false);
        }

        List<HoldBack> blocked = new ArrayList<>();
        PodDemand pods = podDemand(metrics, config, workers);
        UtilizationDemand utilization = utilizationDemand(metrics, state, config, workers, now, blocked);
        int wanted = Math.max(pods.newWorkers(), utilization.newWorkers());
        if (wanted > 0) {
            return scaleUp(wanted, pods, utilization, config, workers, blocked);
        }
        blocked.addAll(pods.notes());

        List<HoldBack> downBlockers = scaleDownBlockers(metrics, state, config, workers, now, pods.tooLarge().size());
        if (backingOff) {
            downBlockers.add(new HoldBack.ScaleDownBackingOff(state.consecutiveFailures(), backoffUntil));
        }
        if (downBlockers.isEmpty()) {
            return new Decision(ScalingAction.SCALE_DOWN, 1, ScaleTrigger.IDLE,
                    new DecisionReason.Idle(config.idleDown(),
                            new Compared(metrics.cpuSustainedLowPercent(), config.cpuDownPercent()),
                            new Compared(metrics.memorySustainedLowPercent(), config.memoryDownPercent()),
                            workers.total()),
                    workers.total(), workers.total() - 1, blocked, pods.tooLarge(), false);
        }
        blocked.addAll(downBlockers);
        return noop(new DecisionReason.Steady(workers.total(), metrics.cpuPercent(), metrics.memoryPercent(),
                pods.pods()), workers.total(), blocked, pods.tooLarge());
    }

    /** Pods the scheduler cannot place, turned into workers to launch. */
    private record PodDemand(int newWorkers, int pods, long cpuMillis, long memoryBytes,
                             List<PodRequest> tooLarge, List<HoldBack> notes) {
        Need need() {
            return new Need.Pods(pods, cpuMillis, memoryBytes);
        }
    }

    /** Utilization above its threshold, turned into workers to launch. */
    private record UtilizationDemand(int newWorkers, ScaleTrigger trigger, Need need) {
        static final UtilizationDemand NONE = new UtilizationDemand(0, ScaleTrigger.NONE, null);
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
            List<HoldBack> notes = newWorkers == 0
                    ? List.of(new HoldBack.PodsMayFitLaunching(unschedulable, workers.inFlight()))
                    : List.of();
            return new PodDemand(newWorkers, unschedulable, 0, 0, List.of(), notes);
        }
        BinPacker.Packing packing = BinPacker.pack(requests, config.workerCpuMillis(), config.workerMemoryBytes(),
                workers.inFlight());
        List<HoldBack> notes = new ArrayList<>();
        if (!packing.tooLarge().isEmpty()) {
            notes.add(new HoldBack.PodsTooLarge(packing.tooLarge().stream().map(PodRequest::qualifiedName).toList(),
                    config.workerCpuMillis(), config.workerMemoryBytes()));
        }
        if (packing.newBins() == 0 && packing.absorbedByOpen() > 0) {
            notes.add(new HoldBack.PodsFitLaunching(packing.absorbedByOpen(), workers.inFlight()));
        }
        long cpu = requests.stream().mapToLong(PodRequest::cpuMillis).sum();
        long memory = requests.stream().mapToLong(PodRequest::memoryBytes).sum();
        return new PodDemand(packing.newBins(), unschedulable, cpu, memory, packing.tooLarge(), notes);
    }

    private static UtilizationDemand utilizationDemand(ClusterMetrics metrics, ScalingState state,
            AutoscalerConfig config, WorkerCount workers, Instant now, List<HoldBack> blocked) {
        double cpuRatio = metrics.cpuSustainedHighPercent() / config.cpuUpPercent();
        // Memory must stay high for MEM_UP_SUSTAIN_SEC too: one jittery sample never adds a worker.
        double memoryRatio = metrics.memorySustainedHighPercent() / config.memoryUpPercent();
        boolean highCpu = cpuRatio > 1.0;
        boolean highMemory = memoryRatio > 1.0;
        if (!highCpu && !highMemory) {
            return UtilizationDemand.NONE;
        }
        ScaleTrigger trigger = highCpu && cpuRatio >= memoryRatio ? ScaleTrigger.HIGH_CPU : ScaleTrigger.HIGH_MEMORY;
        Need need = trigger == ScaleTrigger.HIGH_CPU
                ? new Need.Cpu(new Compared(metrics.cpuSustainedHighPercent(), config.cpuUpPercent()), config.cpuUpSustain())
                : new Need.Memory(new Compared(metrics.memorySustainedHighPercent(), config.memoryUpPercent()),
                        config.memoryUpSustain());
        if (state.lastScaleUpAt() != null && now.isBefore(state.lastScaleUpAt().plus(config.cooldownUp()))) {
            blocked.add(new HoldBack.ScaleUpCooldown(need, state.lastScaleUpAt(),
                    state.lastScaleUpAt().plus(config.cooldownUp())));
            return UtilizationDemand.NONE;
        }
        if (workers.inFlight() > 0) {
            blocked.add(new HoldBack.ScaleUpLaunching(need, workers.inFlight()));
            return UtilizationDemand.NONE;
        }
        // Grow in proportion to the overshoot (as a Horizontal Pod Autoscaler does for replicas).
        int base = Math.max(workers.capacity(), 1);
        int desired = (int) Math.ceil(base * Math.max(cpuRatio, memoryRatio));
        return new UtilizationDemand(Math.max(1, desired - base), trigger, need);
    }

    private static Decision scaleUp(int wanted, PodDemand pods, UtilizationDemand utilization,
            AutoscalerConfig config, WorkerCount workers, List<HoldBack> blocked) {
        boolean forPods = pods.newWorkers() >= utilization.newWorkers();
        ScaleTrigger trigger = forPods ? ScaleTrigger.UNSCHEDULABLE_PODS : utilization.trigger();
        Need need = forPods ? pods.need() : utilization.need();
        int room = config.maxWorkers() - workers.total();
        if (room <= 0) {
            blocked.addAll(pods.notes());
            return new Decision(ScalingAction.NOOP, 0, trigger,
                    new DecisionReason.AtMaxWorkers(config.maxWorkers(), workers.total(), need),
                    workers.total(), workers.total(), blocked, pods.tooLarge(), true);
        }
        int count = Math.min(Math.min(wanted, config.maxScaleUpStep()), room);
        DecisionReason.Cap cap = count >= wanted ? null : count == room
                ? new DecisionReason.Cap(wanted, "MAX_WORKERS", config.maxWorkers())
                : new DecisionReason.Cap(wanted, "MAX_SCALE_UP_STEP", config.maxScaleUpStep());
        blocked.addAll(pods.notes());
        blocked.add(new HoldBack.ScalingUp());
        return new Decision(ScalingAction.SCALE_UP, count, trigger,
                new DecisionReason.ScaleUp(count, need, workers.inFlight(), workers.total(), cap),
                workers.total(), workers.total() + count, blocked, pods.tooLarge(), count < wanted && count == room);
    }

    /**
     * @param tooLarge unschedulable pods no worker could hold: reported with the decision, but no sign the
     *                 cluster is tight, so they never hold a scale-down back. The window's count is taken to
     *                 include them (they wait for good); the idle CPU/memory window and the requests check
     *                 still guard a removal
     */
    private static List<HoldBack> scaleDownBlockers(ClusterMetrics metrics, ScalingState state, AutoscalerConfig config,
            WorkerCount workers, Instant now, int tooLarge) {
        List<HoldBack> blockers = new ArrayList<>();
        if (metrics.unschedulablePods() - tooLarge > 0 || metrics.unschedulablePodsMaxOverIdleWindow() - tooLarge > 0) {
            blockers.add(new HoldBack.RecentlyUnschedulable(config.idleDown()));
        }
        Compared cpu = new Compared(metrics.cpuSustainedLowPercent(), config.cpuDownPercent());
        if (cpu.relation() != Compared.Relation.BELOW) {
            blockers.add(new HoldBack.CpuNotIdle(cpu, config.idleDown()));
        }
        Compared memory = new Compared(metrics.memorySustainedLowPercent(), config.memoryDownPercent());
        if (memory.relation() != Compared.Relation.BELOW) {
            blockers.add(new HoldBack.MemoryNotIdle(memory, config.idleDown()));
        }
        if (workers.capacity() <= config.minWorkers() || workers.total() <= config.minWorkers()) {
            blockers.add(new HoldBack.AtMinWorkers(workers.capacity(), config.minWorkers()));
        }
        if (workers.inFlight() > 0) {
            blockers.add(new HoldBack.WorkersLaunching(workers.inFlight()));
        }
        if (state.lastScaleUpAt() != null && now.isBefore(state.lastScaleUpAt().plus(config.cooldownDown()))) {
            blockers.add(new HoldBack.AfterScaleUp(state.lastScaleUpAt(), state.lastScaleUpAt().plus(config.cooldownDown())));
        }
        if (state.lastScaleDownAt() != null && now.isBefore(state.lastScaleDownAt().plus(config.cooldownDown()))) {
            blockers.add(new HoldBack.ScaleDownCooldown(state.lastScaleDownAt(),
                    state.lastScaleDownAt().plus(config.cooldownDown())));
        }
        long remaining = Math.max(workers.capacity() - 1, 0);
        if (metrics.requestedCpuMillisOnWorkers() > remaining * config.workerCpuMillis()
                || metrics.requestedMemoryBytesOnWorkers() > remaining * config.workerMemoryBytes()) {
            blockers.add(new HoldBack.RequestsWouldNotFit(metrics.requestedCpuMillisOnWorkers(),
                    metrics.requestedMemoryBytesOnWorkers(), (int) remaining));
        }
        return blockers;
    }

    private static Instant backoffUntil(ScalingState state, AutoscalerConfig config) {
        if (state.consecutiveFailures() == 0 || state.lastFailureAt() == null) {
            return null;
        }
        return state.lastFailureAt().plus(config.backoffAfter(state.consecutiveFailures()));
    }

    private static Decision noop(DecisionReason reason, int workers, List<HoldBack> blocked) {
        return noop(reason, workers, blocked, List.of());
    }

    private static Decision noop(DecisionReason reason, int workers, List<HoldBack> blocked, List<PodRequest> tooLarge) {
        return new Decision(ScalingAction.NOOP, 0, ScaleTrigger.NONE, reason, workers, workers, blocked, tooLarge, false);
    }
}
