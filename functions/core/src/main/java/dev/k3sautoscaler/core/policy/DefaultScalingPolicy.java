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
import dev.k3sautoscaler.core.model.ScaleDownPlan;
import dev.k3sautoscaler.core.model.ScalingState;
import dev.k3sautoscaler.core.model.Unremovable;
import dev.k3sautoscaler.core.model.WorkerVerdict;
import dev.k3sautoscaler.core.words.Compared;
import java.time.Duration;
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
 *   <li>less free room than HEADROOM_CPU_MILLIS / HEADROOM_MEMORY_MIB once those pods are placed, launches
 *       counted → the fewest workers that restore it, on top of the pods' ({@link HeadroomRule});</li>
 *   <li>CPU high for the whole sustain window, or memory high → grow in proportion to the
 *       overshoot, unless within COOLDOWN_UP_SEC of the last scale-up or capacity is in flight;</li>
 *   <li>otherwise judge every worker for removal ({@link Consolidation}): those unneeded for IDLE_DOWN_SEC
 *       go, empty ones in bulk, within the limits and the no-flap guard; each other worker says why it stays.</li>
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
        HeadroomRule.Demand headroom = HeadroomRule.demand(config, FreeRoom.of(WorkerCount.present(metrics, fleet), config),
                workers.inFlight(), pods.newWorkers(), pods.requests());
        int demanded = Math.max(pods.newWorkers(), utilization.newWorkers());
        int wanted = Math.max(pods.newWorkers() + headroom.newWorkers(), utilization.newWorkers());
        // Only the headroom asks and MAX_WORKERS leaves no room: nothing waits, so scale-down is judged as ever
        // (its headroom guard keeps every worker) and the reason says what is short.
        boolean headroomAtMax = demanded == 0 && workers.total() >= config.maxWorkers();
        if (wanted > 0 && !headroomAtMax) {
            Decision up = scaleUp(wanted, demanded, pods, utilization, headroom, config, workers, blocked);
            // At MAX_WORKERS nothing is launched: the workers stay because pods wait, not for a scale-up.
            HoldBack why = up.action() == ScalingAction.SCALE_UP ? new HoldBack.ScalingUp()
                    : new HoldBack.PodsUnschedulable(Math.max(pods.pods() - pods.tooLarge().size(), 0));
            return up.withScaleDown(Consolidation.plan(metrics, fleet, state, config, now, workers, List.of(why)));
        }
        blocked.addAll(pods.notes());

        List<HoldBack> gates = scaleDownGates(metrics, state, config, workers, now, pods.tooLarge().size());
        ScaleDownPlan plan = Consolidation.plan(metrics, fleet, state, config, now, workers, gates);
        List<WorkerVerdict> removed = plan.removed();
        if (!removed.isEmpty()) {
            List<String> nodes = removed.stream().map(WorkerVerdict::node).toList();
            int empty = (int) removed.stream().filter(WorkerVerdict::empty).count();
            return new Decision(ScalingAction.SCALE_DOWN, removed.size(), ScaleTrigger.IDLE,
                    new DecisionReason.UnneededWorkers(nodes, empty, config.idleDown(), workers.total()),
                    workers.total(), workers.total() - removed.size(), blocked, pods.tooLarge(), false, plan);
        }
        blocked.addAll(gates.isEmpty() ? whyNoneRemoved(plan) : gates);
        DecisionReason why = headroom.newWorkers() > 0
                ? new DecisionReason.AtMaxWorkers(config.maxWorkers(), workers.total(), headroom.need())
                : new DecisionReason.Steady(workers.total(), metrics.cpuPercent(), metrics.memoryPercent(), pods.pods());
        return noop(why, workers.total(), blocked, pods.tooLarge()).withScaleDown(plan);
    }

    /** Pods the scheduler cannot place, turned into workers to launch. */
    private record PodDemand(int newWorkers, int pods, long cpuMillis, long memoryBytes,
                             List<PodRequest> tooLarge, List<HoldBack> notes) {
        Need.Pods need() {
            return new Need.Pods(pods, cpuMillis, memoryBytes);
        }

        /**
         * What the pods a worker can hold request, which they take from the launches; null when unknown
         * (no requests at all, as {@link Need.Pods} reads it).
         */
        FreeRoom requests() {
            if (pods > 0 && cpuMillis == 0 && memoryBytes == 0) {
                return null;
            }
            long cpu = cpuMillis - tooLarge.stream().mapToLong(PodRequest::cpuMillis).sum();
            long memory = memoryBytes - tooLarge.stream().mapToLong(PodRequest::memoryBytes).sum();
            return new FreeRoom(cpu, memory);
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

    /**
     * @param wanted   workers for the pods and the headroom, or for utilization, whichever is more
     * @param demanded the same without the headroom: only a shortfall of these raises atMaxCapacity
     */
    private static Decision scaleUp(int wanted, int demanded, PodDemand pods, UtilizationDemand utilization,
            HeadroomRule.Demand headroom, AutoscalerConfig config, WorkerCount workers, List<HoldBack> blocked) {
        ScaleTrigger trigger;
        Need need;
        if (utilization.newWorkers() > pods.newWorkers() + headroom.newWorkers()) {
            trigger = utilization.trigger();
            need = utilization.need();
        } else if (pods.newWorkers() > 0) {
            trigger = ScaleTrigger.UNSCHEDULABLE_PODS;
            need = headroom.newWorkers() > 0 ? new Need.PodsAndHeadroom(pods.need(), headroom.need()) : pods.need();
        } else {
            trigger = ScaleTrigger.HEADROOM;
            need = headroom.need();
        }
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
                workers.total(), workers.total() + count, blocked, pods.tooLarge(), count < demanded && count == room);
    }

    /**
     * What holds back every scale-down now, most fundamental first; per-node limits (MIN_WORKERS, the
     * disruption share, the guard) are {@link Consolidation}'s.
     *
     * @param tooLarge unschedulable pods no worker could hold: reported with the decision, but no sign the
     *                 cluster is tight, so they never hold a scale-down back
     */
    private static List<HoldBack> scaleDownGates(ClusterMetrics metrics, ScalingState state, AutoscalerConfig config,
            WorkerCount workers, Instant now, int tooLarge) {
        List<HoldBack> gates = new ArrayList<>();
        if (!config.scaleDown().enabled()) {
            gates.add(new HoldBack.ScaleDownDisabled());
        }
        if (metrics.unschedulablePods() - tooLarge > 0) {
            gates.add(new HoldBack.PodsUnschedulable(metrics.unschedulablePods() - tooLarge));
        }
        if (workers.inFlight() > 0) {
            gates.add(new HoldBack.WorkersLaunching(workers.inFlight()));
        }
        if (state.lastScaleUpAt() != null && now.isBefore(state.lastScaleUpAt().plus(config.cooldownDown()))) {
            gates.add(new HoldBack.AfterScaleUp(state.lastScaleUpAt(), state.lastScaleUpAt().plus(config.cooldownDown())));
        }
        Duration afterDelete = config.scaleDown().delayAfterDelete();
        if (state.lastScaleDownAt() != null && now.isBefore(state.lastScaleDownAt().plus(afterDelete))) {
            gates.add(new HoldBack.ScaleDownCooldown(state.lastScaleDownAt(), state.lastScaleDownAt().plus(afterDelete)));
        }
        DisruptionWindows windows = config.scaleDown().windows();
        if (!windows.isOpen(now)) {
            gates.add(new HoldBack.OutsideDisruptionWindow(windows.spec() + " " + windows.zone().getId(),
                    windows.nextOpening(now).orElse(null)));
        }
        Instant failurePause = scaleDownFailurePause(state, config);
        if (failurePause != null && now.isBefore(failurePause)) {
            gates.add(new HoldBack.ScaleDownBackingOff(state.consecutiveFailures(), failurePause));
        }
        return gates;
    }

    /**
     * After failures, scale-down waits the failure backoff, and at least SCALE_DOWN_DELAY_AFTER_FAILURE_SEC
     * (a drain a PodDisruptionBudget refused should not restart a minute later).
     */
    private static Instant scaleDownFailurePause(ScalingState state, AutoscalerConfig config) {
        Instant backoff = backoffUntil(state, config);
        if (backoff == null) {
            return null;
        }
        if (state.failedAction() != ScalingAction.SCALE_DOWN) {
            return backoff;
        }
        Instant delay = state.lastFailureAt().plus(config.scaleDown().delayAfterFailure());
        return delay.isAfter(backoff) ? delay : backoff;
    }

    /** Why no worker goes although nothing holds back scale-down as a whole: the first candidate's reason, or none is unneeded long enough. */
    private static List<HoldBack> whyNoneRemoved(ScaleDownPlan plan) {
        for (WorkerVerdict worker : plan.workers()) {
            if (worker.unremovable() instanceof Unremovable.HeldBack held) {
                return List.of(held.holdBack());
            }
        }
        long underutilized = plan.unneeded().size();
        Instant first = plan.workers().stream()
                .map(WorkerVerdict::unremovable)
                .filter(Unremovable.NotUnneededLongEnough.class::isInstance)
                .map(r -> ((Unremovable.NotUnneededLongEnough) r).until())
                .min(Instant::compareTo).orElse(null);
        // A worker kept by a limit or by the headroom says so on its own line: "none unneeded long enough" would be false.
        boolean limited = plan.workers().stream().anyMatch(w -> w.unremovable() instanceof Unremovable.LimitReached
                || w.unremovable() instanceof Unremovable.KeepsHeadroom);
        return limited ? List.of() : List.of(new HoldBack.NoWorkerUnneeded((int) underutilized, first));
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
