package dev.k3sautoscaler.core.policy;

import static dev.k3sautoscaler.core.policy.Fixtures.MIB;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k3sautoscaler.core.config.AutoscalerConfig;
import dev.k3sautoscaler.core.model.ClusterMetrics;
import dev.k3sautoscaler.core.model.DecisionReason;
import dev.k3sautoscaler.core.model.DecisionReason.Need;
import dev.k3sautoscaler.core.model.Decision;
import dev.k3sautoscaler.core.model.PendingLaunch;
import dev.k3sautoscaler.core.model.PodRequest;
import dev.k3sautoscaler.core.model.ScalingAction;
import dev.k3sautoscaler.core.model.ScalingState;
import dev.k3sautoscaler.core.model.Unremovable;
import dev.k3sautoscaler.core.model.WorkerNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.statistics.StatisticsReport;

/**
 * No flap with a headroom: a steady workload on a generated cluster, ticked every minute for three
 * hours through the real policy — launches join two ticks later, removed workers' pods are placed
 * first-fit on the others (a removal whose pods would not fit is refused, as SelectScaleDownTarget
 * refuses it) — never sees a scale-up after a scale-down, never removes a worker after one was added
 * for the headroom, and ends with the headroom free and every pod placed.
 */
class HeadroomProperties {
    private static final Duration TICK = Duration.ofMinutes(1);
    private static final int TICKS = 180;
    private static final Duration JOIN = Duration.ofMinutes(2);

    record Pod(long cpuMillis, long memoryMib) {
    }

    record Case(List<Pod> pods, int initialWorkers, long headroomCpu, long headroomMib, AutoscalerConfig config) {
    }

    @Property(tries = 300)
    @StatisticsReport(onFailureOnly = true)
    void aSteadyWorkload_withHeadroom_neverFlaps_andEndsWithTheHeadroomFree(@ForAll("cases") Case c) {
        World world = new World(c);
        List<String> actions = new ArrayList<>();
        boolean scaledDown = false;
        boolean addedForHeadroom = false;
        boolean keptForHeadroom = false;
        for (int tick = 0; tick < TICKS; tick++) {
            Decision decision = world.tick();
            keptForHeadroom |= decision.scaleDown().workers().stream()
                    .anyMatch(w -> w.unremovable() instanceof Unremovable.KeepsHeadroom);
            if (decision.action() == ScalingAction.SCALE_UP) {
                actions.add(tick + ": " + decision.reason());
                assertFalse(scaledDown, () -> "a scale-up after a scale-down:\n" + String.join("\n", actions));
                addedForHeadroom |= decision.why() instanceof DecisionReason.ScaleUp up
                        && (up.need() instanceof Need.Headroom || up.need() instanceof Need.PodsAndHeadroom);
            } else if (decision.action() == ScalingAction.SCALE_DOWN && world.removed(decision)) {
                actions.add(tick + ": " + decision.reason());
                assertFalse(addedForHeadroom, () -> "a worker removed after one was added for the headroom:\n"
                        + String.join("\n", actions));
                scaledDown = true;
            }
        }
        FreeRoom free = world.free();
        assertTrue(world.pending.isEmpty(), () -> "pods still wait: " + world.pending + "\n" + String.join("\n", actions));
        assertTrue(free.cpuMillis() >= c.headroomCpu() && free.memoryBytes() >= c.headroomMib() * MIB,
                () -> "headroom not held at the end: " + free + "\n" + String.join("\n", actions));
        Statistics.label("added for headroom").collect(addedForHeadroom);
        Statistics.label("kept for headroom").collect(keptForHeadroom);
        Statistics.label("scaled down").collect(scaledDown);
        Statistics.label("added for headroom").coverage(check -> check.check(true).percentage(p -> p > 20));
        Statistics.label("kept for headroom").coverage(check -> check.check(true).percentage(p -> p > 20));
        Statistics.label("scaled down").coverage(check -> check.check(true).percentage(p -> p > 20));
    }

    /** The cluster the policy acts on: Ready workers with their pods, launches joining, pods waiting. */
    private static final class World {
        private final AutoscalerConfig config;
        private final DefaultScalingPolicy policy = new DefaultScalingPolicy();
        private final Map<String, List<Pod>> workers = new LinkedHashMap<>();
        private final Map<String, Instant> joining = new LinkedHashMap<>();
        private final List<Pod> pending = new ArrayList<>();
        private ScalingState state = ScalingState.initial();
        private Instant now = Fixtures.NOW;
        private int launched;

        World(Case c) {
            this.config = c.config();
            for (int i = 0; i < c.initialWorkers(); i++) {
                workers.put("w" + i, new ArrayList<>());
            }
            // Largest first by dominant share, as the policy's bin packing counts them.
            pending.addAll(c.pods().stream().sorted(Comparator.comparingDouble((Pod p) -> Math.max(
                    (double) p.cpuMillis() / config.workerCpuMillis(),
                    (double) p.memoryMib() * MIB / config.workerMemoryBytes())).reversed()).toList());
        }

        Decision tick() {
            now = now.plus(TICK);
            joining.entrySet().removeIf(launch -> {
                if (now.isBefore(launch.getValue())) {
                    return false;
                }
                workers.put(launch.getKey(), new ArrayList<>());
                return true;
            });
            state = state.withPendingLaunches(state.pendingLaunches().stream()
                    .filter(l -> joining.containsKey(l.instanceId().substring(2))).toList());
            pending.removeIf(pod -> place(pod, Set.of()));
            Decision decision = policy.decide(metrics(), state, config, now);
            state = state.withUnneededNodes(decision.scaleDown().unneeded());
            if (decision.action() == ScalingAction.SCALE_UP) {
                List<PendingLaunch> launches = new ArrayList<>(state.pendingLaunches());
                for (int i = 0; i < decision.count(); i++) {
                    String name = "n" + launched++;
                    joining.put(name, now.plus(JOIN));
                    launches.add(new PendingLaunch("i-" + name, "t3.small", "a", now));
                }
                state = state.withPendingLaunches(launches).withLastScaleUpAt(now);
            }
            return decision;
        }

        /** Removes the decision's workers if their pods fit on the others; false when refused. */
        boolean removed(Decision decision) {
            Set<String> leaving = new HashSet<>();
            decision.scaleDown().removed().forEach(w -> leaving.add(w.node()));
            Map<String, List<Pod>> before = new LinkedHashMap<>();
            workers.forEach((name, pods) -> before.put(name, new ArrayList<>(pods)));
            for (String name : leaving) {
                for (Pod pod : workers.get(name)) {
                    if (!place(pod, leaving)) {
                        workers.clear();
                        workers.putAll(before);
                        return false;
                    }
                }
            }
            leaving.forEach(workers::remove);
            state = state.withLastScaleDownAt(now);
            return true;
        }

        /** First fit onto a worker with room, none of {@code excluded}. */
        private boolean place(Pod pod, Set<String> excluded) {
            for (Map.Entry<String, List<Pod>> worker : workers.entrySet()) {
                if (excluded.contains(worker.getKey())) {
                    continue;
                }
                long cpu = worker.getValue().stream().mapToLong(Pod::cpuMillis).sum() + pod.cpuMillis();
                long mib = worker.getValue().stream().mapToLong(Pod::memoryMib).sum() + pod.memoryMib();
                if (cpu <= config.workerCpuMillis() && mib * MIB <= config.workerMemoryBytes()) {
                    worker.getValue().add(pod);
                    return true;
                }
            }
            return false;
        }

        private List<WorkerNode> nodes() {
            return workers.entrySet().stream().map(w -> new WorkerNode(w.getKey(), "i-" + w.getKey(), true, true,
                    w.getValue().stream().mapToLong(Pod::cpuMillis).sum(),
                    w.getValue().stream().mapToLong(Pod::memoryMib).sum() * MIB)).toList();
        }

        FreeRoom free() {
            return FreeRoom.of(nodes(), config);
        }

        private ClusterMetrics metrics() {
            List<WorkerNode> nodes = nodes();
            long cpu = nodes.stream().mapToLong(WorkerNode::requestedCpuMillis).sum();
            long memory = nodes.stream().mapToLong(WorkerNode::requestedMemoryBytes).sum();
            // Pods use half their requests: far from CPU_UP / MEM_UP, so only pods and the headroom scale.
            double cpuUse = nodes.isEmpty() ? 0 : 50.0 * cpu / (nodes.size() * config.workerCpuMillis());
            double memoryUse = nodes.isEmpty() ? 0 : 50.0 * memory / (nodes.size() * config.workerMemoryBytes());
            List<PodRequest> waiting = new ArrayList<>();
            for (int i = 0; i < pending.size(); i++) {
                waiting.add(new PodRequest("shop", "p" + i, pending.get(i).cpuMillis(), pending.get(i).memoryMib() * MIB));
            }
            return new ClusterMetrics(true, null, now, cpuUse, cpuUse, cpuUse, memoryUse, memoryUse, memoryUse,
                    waiting.size(), waiting, waiting.size(), cpu, memory, nodes);
        }
    }

    @Provide
    Arbitrary<Case> cases() {
        Arbitrary<Pod> pod = Combinators.combine(Arbitraries.of(100L, 250L, 500L, 1000L),
                Arbitraries.of(128L, 256L, 512L, 1024L)).as(Pod::new);
        Arbitrary<long[]> headroom = Combinators.combine(Arbitraries.of(0L, 500L, 1900L, 3000L, 4000L),
                Arbitraries.of(0L, 800L, 1600L, 3200L)).as((cpu, mib) -> new long[] {cpu, mib})
                .filter(h -> h[0] > 0 || h[1] > 0);
        return Combinators.combine(pod.list().ofMaxSize(30), Arbitraries.integers().between(0, 10), headroom,
                        Arbitraries.integers().between(0, 2), Arbitraries.integers().between(1, 5))
                .as((pods, initial, h, min, step) -> new Case(pods, initial, h[0], h[1],
                        AutoscalerConfig.fromEnvironment(Map.of("HEADROOM_CPU_MILLIS", Long.toString(h[0]),
                                "HEADROOM_MEMORY_MIB", Long.toString(h[1]), "MIN_WORKERS", min.toString(),
                                "MAX_WORKERS", "40", "MAX_SCALE_UP_STEP", step.toString()))));
    }
}
