package dev.k3sautoscaler.core.policy;

import dev.k3sautoscaler.core.config.AutoscalerConfig;
import dev.k3sautoscaler.core.model.BlockedNode;
import dev.k3sautoscaler.core.model.ClusterMetrics;
import dev.k3sautoscaler.core.model.FleetView;
import dev.k3sautoscaler.core.model.HoldBack;
import dev.k3sautoscaler.core.model.ScaleDownPlan;
import dev.k3sautoscaler.core.model.ScalingState;
import dev.k3sautoscaler.core.model.UnneededNode;
import dev.k3sautoscaler.core.model.Unremovable;
import dev.k3sautoscaler.core.model.WorkerNode;
import dev.k3sautoscaler.core.model.WorkerVerdict;
import dev.k3sautoscaler.core.words.Compared;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Judges every worker for scale-down, one by one, as Cluster Autoscaler does: a worker is
 * <em>unneeded</em> while it is Ready, schedulable, its pods' requests stay below CPU_DOWN and
 * MEM_DOWN of its allocatable, and they fit in what the other workers have free; it may go once it has been unneeded at every tick for IDLE_DOWN_SEC
 * (timers kept in the state item). Then, if nothing holds back scale-down for every node, the
 * unneeded workers are taken — empty ones first, then the least requested — within the limits:
 * SCALE_DOWN_MAX_EMPTY empty and SCALE_DOWN_MAX_PARALLEL non-empty ones per actuation, the share of
 * workers disrupted at once, MIN_WORKERS, the headroom ({@link HeadroomRule}: at least HEADROOM_CPU_MILLIS /
 * HEADROOM_MEMORY_MIB stays free once the removed workers' pods sit elsewhere), the requests of the workers
 * left, and the no-flap guard:
 * the IDLE_DOWN_SEC peak of CPU and memory use, spread over the workers left, must stay
 * SCALE_DOWN_UTILIZATION_MARGIN points below CPU_UP and MEM_UP. Whether each one's pods find a place
 * is then simulated by SelectScaleDownTarget on the live pods, which drops any that do not.
 */
final class Consolidation {
    private static final double PERCENT = 100.0;

    private Consolidation() {
    }

    /**
     * @param gates what holds back every scale-down now, most fundamental first (empty: nothing does)
     */
    static ScaleDownPlan plan(ClusterMetrics metrics, FleetView fleet, ScalingState state, AutoscalerConfig config,
                              Instant now, WorkerCount count, List<HoldBack> gates) {
        Map<String, UnneededNode> timers = state.unneededNodes().stream()
                .collect(Collectors.toMap(UnneededNode::node, Function.identity(), (a, b) -> a));
        List<UnneededNode> unneeded = new ArrayList<>();
        List<WorkerVerdict> judged = new ArrayList<>();
        List<WorkerVerdict> candidates = new ArrayList<>();
        List<WorkerNode> present = WorkerCount.present(metrics, fleet).stream()
                .sorted(Comparator.comparing(WorkerNode::name)).toList();
        FreeRoom room = FreeRoom.of(present, config);
        for (WorkerNode worker : present) {
            double cpu = worker.requestsKnown() ? PERCENT * worker.requestedCpuMillis() / config.workerCpuMillis() : 0;
            double memory = worker.requestsKnown() ? PERCENT * worker.requestedMemoryBytes() / config.workerMemoryBytes() : 0;
            Unremovable own = ownReason(worker, cpu, memory, config, room);
            if (own != null) {
                judged.add(verdict(worker, cpu, memory, null, own));
                continue;
            }
            UnneededNode timer = timers.get(worker.name());
            Instant since = timer != null && worker.instanceId().equals(timer.instanceId()) ? timer.since() : now;
            unneeded.add(new UnneededNode(worker.name(), worker.instanceId(), since));
            Optional<BlockedNode> blocked = state.blocked(worker.instanceId(), now);
            Instant until = since.plus(config.idleDown());
            if (blocked.isPresent()) {
                judged.add(verdict(worker, cpu, memory, since,
                        new Unremovable.PassedOver(blocked.get().reason(), blocked.get().until())));
            } else if (now.isBefore(until)) {
                judged.add(verdict(worker, cpu, memory, since, new Unremovable.NotUnneededLongEnough(since, until)));
            } else {
                candidates.add(verdict(worker, cpu, memory, since, null));
            }
        }
        candidates.sort(Comparator.comparing((WorkerVerdict w) -> !w.empty())
                .thenComparingDouble(w -> Math.max(w.cpuRequestsPercent(), w.memoryRequestsPercent()))
                .thenComparing(WorkerVerdict::unneededSince)
                .thenComparing(WorkerVerdict::node));
        if (!gates.isEmpty()) {
            Unremovable held = new Unremovable.HeldBack(gates.getFirst());
            candidates.forEach(c -> judged.add(with(c, held)));
        } else {
            judged.addAll(new Selection(metrics, config, count, present, room).take(candidates));
        }
        judged.sort(Comparator.comparing(WorkerVerdict::node));
        return new ScaleDownPlan(judged, unneeded, !sameTimers(state.unneededNodes(), unneeded));
    }

    /** The node's own reason to stay, before any timer: null when it is unneeded now. */
    private static Unremovable ownReason(WorkerNode worker, double cpu, double memory, AutoscalerConfig config,
                                         FreeRoom room) {
        if (worker.instanceId() == null) {
            return new Unremovable.NoInstanceId();
        }
        if (!worker.ready()) {
            return new Unremovable.NotReady();
        }
        if (!worker.schedulable()) {
            return new Unremovable.Cordoned();
        }
        if (!worker.requestsKnown()) {
            return new Unremovable.RequestsUnknown();
        }
        if (cpu >= config.cpuDownPercent() || memory >= config.memoryDownPercent()) {
            return new Unremovable.NotUnderutilized(cpu, memory, config.cpuDownPercent(), config.memoryDownPercent());
        }
        return room.lacking(worker, config);
    }

    /** Takes candidates in order while every limit and the guard allow one more. */
    private static final class Selection {
        private final ClusterMetrics metrics;
        private final AutoscalerConfig config;
        private final int capacity;
        private final int disrupted;
        private final int allowedAtOnce;
        private final Map<String, WorkerNode> byName;
        private final FreeRoom free;
        private FreeRoom takenRoom = FreeRoom.NONE;
        private int empty;
        private int busy;

        Selection(ClusterMetrics metrics, AutoscalerConfig config, WorkerCount count, List<WorkerNode> present,
                  FreeRoom free) {
            this.metrics = metrics;
            this.config = config;
            this.capacity = count.capacity();
            this.byName = present.stream().collect(Collectors.toMap(WorkerNode::name, Function.identity(), (a, b) -> a));
            this.free = free;
            this.disrupted = (int) metrics.workers().stream().filter(w -> w.ready() && !w.schedulable()).count();
            // The share's floor, but never below one: a small cluster can still shed a node at a time.
            this.allowedAtOnce = Math.max(1,
                    (int) Math.floor(config.scaleDown().maxDisruptedPercent() / PERCENT * metrics.workers().size()));
        }

        List<WorkerVerdict> take(List<WorkerVerdict> candidates) {
            List<WorkerVerdict> out = new ArrayList<>();
            for (WorkerVerdict candidate : candidates) {
                Unremovable why = reasonToKeep(candidate);
                if (why == null) {
                    takenRoom = takenRoom.plus(FreeRoom.takenBy(byName.get(candidate.node()), config));
                    if (candidate.empty()) {
                        empty++;
                    } else {
                        busy++;
                    }
                }
                out.add(why == null ? candidate : with(candidate, why));
            }
            return out;
        }

        private Unremovable reasonToKeep(WorkerVerdict candidate) {
            int taken = empty + busy;
            int remaining = capacity - taken - 1;
            if (remaining < config.minWorkers()) {
                return new Unremovable.HeldBack(new HoldBack.AtMinWorkers(capacity, config.minWorkers()));
            }
            // Before the per-actuation limits: a worker the headroom keeps is not next in line.
            Unremovable headroom = HeadroomRule.keeps(config, free,
                    takenRoom.plus(FreeRoom.takenBy(byName.get(candidate.node()), config)));
            if (headroom != null) {
                return headroom;
            }
            if (disrupted + taken >= allowedAtOnce) {
                return new Unremovable.HeldBack(new HoldBack.DisruptionBudget(disrupted + taken, allowedAtOnce));
            }
            if (candidate.empty() && empty >= config.scaleDown().maxEmpty()) {
                return new Unremovable.LimitReached("SCALE_DOWN_MAX_EMPTY", config.scaleDown().maxEmpty());
            }
            if (!candidate.empty() && busy >= config.scaleDown().maxParallel()) {
                return new Unremovable.LimitReached("SCALE_DOWN_MAX_PARALLEL", config.scaleDown().maxParallel());
            }
            long cpuRequests = metrics.requestedCpuMillisOnWorkers();
            long memoryRequests = metrics.requestedMemoryBytesOnWorkers();
            if (cpuRequests > (long) remaining * config.workerCpuMillis()
                    || memoryRequests > (long) remaining * config.workerMemoryBytes()) {
                return new Unremovable.HeldBack(new HoldBack.RequestsWouldNotFit(cpuRequests, memoryRequests, remaining));
            }
            Compared cpu = projected(metrics.cpuSustainedLowPercent(), remaining, config.cpuUpPercent());
            Compared memory = projected(metrics.memorySustainedLowPercent(), remaining, config.memoryUpPercent());
            if (cpu.relation() != Compared.Relation.BELOW || memory.relation() != Compared.Relation.BELOW) {
                return new Unremovable.HeldBack(new HoldBack.WouldOverload(cpu, memory, remaining));
            }
            return null;
        }

        /** The window's peak use of {@code capacity} workers carried by {@code remaining}, against the limit less the margin. */
        private Compared projected(double peakPercent, int remaining, double upPercent) {
            double limit = upPercent - config.scaleDown().utilizationMarginPoints();
            // No worker left: any use at all would have nowhere to run, which reads as saturated.
            double spread = remaining == 0 ? (peakPercent == 0 ? 0 : PERCENT) : peakPercent * capacity / remaining;
            return new Compared(spread, limit);
        }
    }

    private static WorkerVerdict verdict(WorkerNode worker, double cpu, double memory, Instant since, Unremovable why) {
        return new WorkerVerdict(worker.name(), worker.instanceId(), cpu, memory, worker.empty(), since, why);
    }

    private static WorkerVerdict with(WorkerVerdict worker, Unremovable why) {
        return new WorkerVerdict(worker.node(), worker.instanceId(), worker.cpuRequestsPercent(),
                worker.memoryRequestsPercent(), worker.empty(), worker.unneededSince(), why);
    }

    private static boolean sameTimers(List<UnneededNode> before, List<UnneededNode> after) {
        return new HashSet<>(before).equals(new HashSet<>(after));
    }
}
