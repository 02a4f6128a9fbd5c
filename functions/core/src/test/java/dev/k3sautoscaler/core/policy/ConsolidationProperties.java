package dev.k3sautoscaler.core.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k3sautoscaler.core.config.AutoscalerConfig;
import dev.k3sautoscaler.core.model.ClusterMetrics;
import dev.k3sautoscaler.core.model.Decision;
import dev.k3sautoscaler.core.model.ScalingAction;
import dev.k3sautoscaler.core.model.ScalingState;
import dev.k3sautoscaler.core.model.UnneededNode;
import dev.k3sautoscaler.core.model.WorkerNode;
import dev.k3sautoscaler.core.model.WorkerVerdict;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.statistics.StatisticsReport;

/**
 * What every scale-down must respect, over generated clusters, timers and limits: never below
 * MIN_WORKERS, never more than the limits allow, only workers unneeded for IDLE_DOWN_SEC, the requests
 * of all workers fit on those left, the projected peak stays under the thresholds less the margin,
 * never inside a closed window, and every worker kept says why.
 */
class ConsolidationProperties {
    private static final Instant NOW = Fixtures.NOW;

    record Case(List<WorkerNode> workers, Map<String, Long> unneededSecondsAgo, double cpuPeak, double memoryPeak,
                AutoscalerConfig config) {
        ClusterMetrics metrics() {
            Fixtures.Metrics metrics = Fixtures.metrics().cpu(cpuPeak, cpuPeak, cpuPeak).memory(memoryPeak, memoryPeak)
                    .nodes(workers);
            return metrics.build();
        }

        ScalingState state() {
            return ScalingState.initial().withUnneededNodes(unneededSecondsAgo.entrySet().stream()
                    .map(e -> new UnneededNode(e.getKey(), "i-" + e.getKey(), NOW.minusSeconds(e.getValue()))).toList());
        }
    }

    @Property(tries = 3000)
    void aScaleDown_respectsEveryLimit_andEveryKeptWorkerSaysWhy(@ForAll("cases") Case c) {
        Decision decision = new DefaultScalingPolicy().decide(c.metrics(), c.state(), c.config(), NOW);
        AutoscalerConfig config = c.config();
        List<WorkerVerdict> removed = decision.scaleDown().removed();

        decision.scaleDown().workers().stream().filter(w -> !w.removed())
                .forEach(w -> assertNotNull(w.unremovable(), w.node()));
        if (decision.action() != ScalingAction.SCALE_DOWN) {
            assertTrue(removed.isEmpty(), decision::toString);
            return;
        }
        assertEquals(removed.size(), decision.count());
        int capacity = (int) c.workers().stream().filter(WorkerNode::isCapacity).count();
        int remaining = capacity - removed.size();
        assertTrue(remaining >= config.minWorkers(), () -> "below MIN: " + decision.reason());
        assertTrue(config.scaleDown().windows().isOpen(NOW), "scaled down inside a closed window");
        long empty = removed.stream().filter(WorkerVerdict::empty).count();
        assertTrue(empty <= config.scaleDown().maxEmpty(), "too many empty: " + empty);
        assertTrue(removed.size() - empty <= config.scaleDown().maxParallel(), "too many drains");
        int disrupted = (int) c.workers().stream().filter(w -> w.ready() && !w.schedulable()).count();
        int allowed = Math.max(1, (int) Math.floor(config.scaleDown().maxDisruptedPercent() / 100 * c.workers().size()));
        assertTrue(disrupted + removed.size() <= allowed, "disruption share exceeded");
        Set<String> names = removed.stream().map(WorkerVerdict::node).collect(Collectors.toSet());
        for (WorkerNode worker : c.workers()) {
            if (names.contains(worker.name())) {
                assertTrue(worker.isCapacity(), worker.name() + " not Ready and schedulable");
                assertTrue(100.0 * worker.requestedCpuMillis() / config.workerCpuMillis() < config.cpuDownPercent());
                assertTrue(100.0 * worker.requestedMemoryBytes() / config.workerMemoryBytes() < config.memoryDownPercent());
                Long ago = c.unneededSecondsAgo().get(worker.name());
                assertTrue(ago != null && ago >= config.idleDown().toSeconds(), worker.name() + " not unneeded long enough");
            }
        }
        long cpuRequests = c.workers().stream().mapToLong(WorkerNode::requestedCpuMillis).sum();
        long memoryRequests = c.workers().stream().mapToLong(WorkerNode::requestedMemoryBytes).sum();
        assertTrue(cpuRequests <= (long) remaining * config.workerCpuMillis(), "CPU requests would not fit");
        assertTrue(memoryRequests <= (long) remaining * config.workerMemoryBytes(), "memory requests would not fit");
        // What the workers left have free once the removed workers' pods sit on them stays at least the headroom.
        long freeCpu = 0;
        long freeMemory = 0;
        for (WorkerNode worker : c.workers()) {
            if (worker.isCapacity()) {
                freeCpu += config.workerCpuMillis() - worker.requestedCpuMillis();
                freeMemory += config.workerMemoryBytes() - worker.requestedMemoryBytes();
            }
        }
        for (WorkerNode worker : c.workers()) {
            if (names.contains(worker.name())) {
                freeCpu -= config.workerCpuMillis();
                freeMemory -= config.workerMemoryBytes();
            }
        }
        AutoscalerConfig.Headroom headroom = config.headroom();
        assertTrue(headroom.cpuMillis() == 0 || freeCpu >= headroom.cpuMillis(), "CPU headroom not kept: " + freeCpu);
        assertTrue(headroom.memoryBytes() == 0 || freeMemory >= headroom.memoryBytes(), "memory headroom not kept");
        double margin = config.scaleDown().utilizationMarginPoints();
        assertTrue(c.cpuPeak() * capacity / remaining < config.cpuUpPercent() - margin, "CPU would flap up");
        assertTrue(c.memoryPeak() * capacity / remaining < config.memoryUpPercent() - margin, "memory would flap up");
        assertFalse(removed.isEmpty());
    }

    /** The property must not hold only because nothing is ever removed. */
    @Property(tries = 1000)
    @StatisticsReport(onFailureOnly = true)
    void theGeneratedCases_removeWorkersOften_severalAtOnceToo(@ForAll("cases") Case c) {
        Decision decision = new DefaultScalingPolicy().decide(c.metrics(), c.state(), c.config(), NOW);
        Statistics.label("action").collect(decision.action());
        Statistics.label("several").collect(decision.count() > 1 && decision.action() == ScalingAction.SCALE_DOWN);
        Statistics.label("action").coverage(check -> check.check(ScalingAction.SCALE_DOWN).percentage(p -> p > 2));
        Statistics.label("several").coverage(check -> check.check(true).percentage(p -> p > 0.3));
    }

    @Provide
    Arbitrary<Case> cases() {
        Arbitrary<WorkerNode> worker = Combinators.combine(
                Arbitraries.of(0L, 0L, 100L, 400L, 900L, 1500L), Arbitraries.of(0L, 0L, 64L, 300L, 800L, 1400L),
                Arbitraries.of(true, true, true, false), Arbitraries.of(true, true, true, true, false))
                .as((cpu, memory, ready, schedulable) -> new WorkerNode("w", "i-w", ready, schedulable, cpu,
                        memory * Fixtures.MIB));
        Arbitrary<List<WorkerNode>> workers = worker.list().ofMinSize(0).ofMaxSize(30).map(list -> {
            List<WorkerNode> named = new ArrayList<>();
            for (int i = 0; i < list.size(); i++) {
                WorkerNode w = list.get(i);
                named.add(new WorkerNode("w" + i, "i-w" + i, w.ready(), w.schedulable(), w.requestedCpuMillis(),
                        w.requestedMemoryBytes()));
            }
            return named;
        });
        Arbitrary<AutoscalerConfig> configs = Combinators.combine(
                Arbitraries.integers().between(0, 5), Arbitraries.integers().between(0, 12),
                Arbitraries.integers().between(0, 3), Arbitraries.of("5", "10", "50", "100"),
                Arbitraries.of("always", "always", "Sat,Sun 00:00-24:00", "daily 11:00-13:00"),
                Arbitraries.of("0:0", "0:0", "0:0", "1900:0", "0:1600", "3800:3200"))
                .as((min, maxEmpty, maxParallel, share, windows, headroom) -> AutoscalerConfig.fromEnvironment(Map.of(
                        "MIN_WORKERS", min.toString(), "MAX_WORKERS", "40",
                        "SCALE_DOWN_MAX_EMPTY", maxEmpty.toString(), "SCALE_DOWN_MAX_PARALLEL", maxParallel.toString(),
                        "SCALE_DOWN_MAX_DISRUPTED_PERCENT", share, "SCALE_DOWN_WINDOWS", windows,
                        "HEADROOM_CPU_MILLIS", headroom.split(":")[0], "HEADROOM_MEMORY_MIB", headroom.split(":")[1])));
        return workers.flatMap(list -> {
            Arbitrary<Map<String, Long>> timers = Arbitraries.maps(
                    Arbitraries.of(list.isEmpty() ? List.of("none") : list.stream().map(WorkerNode::name).toList()),
                    Arbitraries.of(0L, 300L, 599L, 600L, 3600L)).ofMaxSize(list.size());
            return Combinators.combine(timers, Arbitraries.of(0.0, 10.0, 30.0, 45.0, 70.0),
                    Arbitraries.of(0.0, 20.0, 40.0, 60.0), configs)
                    .as((t, cpu, memory, config) -> new Case(list, t, cpu, memory, config));
        });
    }
}
