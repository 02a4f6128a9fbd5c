package dev.k3sautoscaler.core.policy;

import static dev.k3sautoscaler.core.policy.Fixtures.MIB;
import static dev.k3sautoscaler.core.policy.Fixtures.NOW;
import static dev.k3sautoscaler.core.policy.Fixtures.launch;
import static dev.k3sautoscaler.core.policy.Fixtures.metrics;
import static dev.k3sautoscaler.core.policy.Fixtures.pods;
import static dev.k3sautoscaler.core.policy.Fixtures.worker;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k3sautoscaler.core.config.AutoscalerConfig;
import dev.k3sautoscaler.core.model.Decision;
import dev.k3sautoscaler.core.model.DecisionReason;
import dev.k3sautoscaler.core.model.DecisionReason.Need;
import dev.k3sautoscaler.core.model.HoldBack;
import dev.k3sautoscaler.core.model.ScaleTrigger;
import dev.k3sautoscaler.core.model.ScalingAction;
import dev.k3sautoscaler.core.model.ScalingState;
import dev.k3sautoscaler.core.model.UnneededNode;
import dev.k3sautoscaler.core.model.Unremovable;
import dev.k3sautoscaler.core.model.WorkerNode;
import dev.k3sautoscaler.core.model.WorkerVerdict;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * HEADROOM_CPU_MILLIS / HEADROOM_MEMORY_MIB through the policy: the scale-up that restores it, and the
 * scale-down guard that keeps it. One worker holds 1900m / 1600 MiB (the defaults).
 */
class HeadroomTest {
    private final DefaultScalingPolicy policy = new DefaultScalingPolicy();

    private static AutoscalerConfig config(String... pairs) {
        Map<String, String> env = new HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return AutoscalerConfig.fromEnvironment(env);
    }

    private static AutoscalerConfig headroom(long cpuMillis, long memoryMib, String... more) {
        List<String> pairs = new ArrayList<>(List.of("HEADROOM_CPU_MILLIS", Long.toString(cpuMillis),
                "HEADROOM_MEMORY_MIB", Long.toString(memoryMib)));
        pairs.addAll(List.of(more));
        return config(pairs.toArray(String[]::new));
    }

    /** {@code count} Ready workers whose pods request this much each. */
    private static List<WorkerNode> workers(int count, long cpuMillis, long memoryMib) {
        return IntStream.range(0, count).mapToObj(i -> worker("w" + i, cpuMillis, memoryMib)).toList();
    }

    private Decision decide(Fixtures.Metrics metrics, ScalingState state, AutoscalerConfig config) {
        return policy.decide(metrics.build(), state, config, NOW);
    }

    @Nested
    class ScaleUp {
        @ParameterizedTest(name = "headroom {0}m / {1} MiB, 3 workers requesting {2}m / {3} MiB each → +{4} ({5})")
        @CsvSource({
                // off: full workers and nothing waits is today's steady state
                "0,    0,    1900, 1600, 0, NONE",
                // CPU only: 3 × 400m free = 1200m, 700m short → one worker
                "1900, 0,    1500, 400,  1, HEADROOM",
                // CPU only, several workers' worth: nothing free, ceil(5000 / 1900) = 3
                "5000, 0,    1900, 0,    3, HEADROOM",
                // memory only: 3 × 400 MiB free = 1200 MiB, 400 MiB short → one worker; CPU is not asked for
                "0,    1600, 100,  1200, 1, HEADROOM",
                // both: 1800m free is 100m short (1 worker), no memory free is 3200 MiB short (2): the larger
                "1900, 3200, 1300, 1600, 2, HEADROOM",
                // held: 2100m / 1800 MiB free
                "1900, 1600, 1200, 1000, 0, NONE",
                // held exactly: 3 × 100m free, 3 × 0 MiB asked
                "300,  0,    1800, 1600, 0, NONE"})
        void restoresTheHeadroom_withTheFewestWorkers(long cpu, long mib, long requestedCpu, long requestedMib,
                                                      int expected, ScaleTrigger trigger) {
            Decision decision = decide(metrics().nodes(workers(3, requestedCpu, requestedMib)), ScalingState.initial(),
                    headroom(cpu, mib));

            assertEquals(expected, decision.count(), decision.reason());
            assertEquals(trigger, decision.trigger(), decision.reason());
            if (expected > 0) {
                long freeCpu = 3 * (1900 - requestedCpu);
                long freeMemory = 3 * (1600 - requestedMib) * MIB;
                assertEquals(new DecisionReason.ScaleUp(expected, new Need.Headroom(freeCpu, freeMemory, cpu, mib * MIB),
                        0, 3, null), decision.why());
                assertFalse(decision.atMaxCapacity(), "nothing waits: not an at-max alarm");
                assertEquals(List.of(HoldBack.Code.SCALING_UP), decision.blockedCodes());
            } else {
                assertEquals(DecisionReason.Code.STEADY, decision.reasonCode(), decision.reason());
            }
        }

        @ParameterizedTest(name = "headroom {0}m, one launch joining → +{1}")
        @CsvSource({"1900, 0", "3800, 1"})
        void aLaunchJoining_countsAsTheRoomItBrings_neverLaunchedTwice(long cpu, int expected) {
            // GIVEN three full workers, and the worker launched for the headroom registered but not Ready yet
            List<WorkerNode> nodes = new ArrayList<>(workers(3, 1900, 1600));
            nodes.add(new WorkerNode("booting", "i-booting", false, true, 0L, 0L));
            ScalingState launching = ScalingState.initial()
                    .withPendingLaunches(List.of(launch("i-booting", NOW.minusSeconds(60))));

            Decision decision = decide(metrics().nodes(nodes), launching, headroom(cpu, 0));

            // THEN only what it does not bring is launched
            assertEquals(expected, decision.count(), decision.reason());
            if (expected > 0) {
                assertEquals(new DecisionReason.ScaleUp(1, new Need.Headroom(1900, 1600 * MIB, cpu, 0), 1, 4, null),
                        decision.why());
            }
        }

        @Test
        void isCappedByMaxScaleUpStep() {
            Decision decision = decide(metrics().nodes(workers(3, 1900, 1600)), ScalingState.initial(),
                    headroom(4 * 1900, 0, "MAX_SCALE_UP_STEP", "2"));

            assertEquals(2, decision.count());
            assertEquals(new DecisionReason.Cap(4, "MAX_SCALE_UP_STEP", 2), ((DecisionReason.ScaleUp) decision.why()).cap());
            assertFalse(decision.atMaxCapacity());
        }

        @Test
        void isCappedByMaxWorkers_withoutTheAtMaxAlarm_forNothingWaits() {
            Decision decision = decide(metrics().nodes(workers(3, 1900, 1600)), ScalingState.initial(),
                    headroom(3 * 1900, 0, "MAX_WORKERS", "4"));

            assertEquals(1, decision.count());
            assertEquals(new DecisionReason.Cap(3, "MAX_WORKERS", 4), ((DecisionReason.ScaleUp) decision.why()).cap());
            assertFalse(decision.atMaxCapacity());
        }

        @Test
        void atMaxWorkers_saysTheHeadroomIsShort_andStillJudgesEveryWorker() {
            // GIVEN MAX 3 reached, an empty worker unneeded for long: the headroom keeps it
            List<WorkerNode> nodes = List.of(worker("a", 1900, 1600), worker("b", 1900, 1600), worker("c", 0, 0));
            ScalingState state = ScalingState.initial().withUnneededNodes(List.of(
                    new UnneededNode("c", "i-c", NOW.minusSeconds(3600))));

            Decision decision = decide(metrics().idle().nodes(nodes), state, headroom(3800, 0, "MAX_WORKERS", "3"));

            assertEquals(ScalingAction.NOOP, decision.action());
            assertEquals(new DecisionReason.AtMaxWorkers(3, 3, new Need.Headroom(1900, 1600 * MIB, 3800, 0)),
                    decision.why());
            assertFalse(decision.atMaxCapacity());
            assertEquals("KEEPS_HEADROOM", byNode(decision).get("c").code());
        }

        @Test
        void belowMinWorkers_isRestoredFirst_theHeadroomNextTick() {
            Decision decision = decide(metrics().nodes(workers(1, 1900, 1600)), ScalingState.initial(),
                    headroom(3 * 1900, 0, "MIN_WORKERS", "2"));

            assertEquals(ScaleTrigger.BELOW_MIN, decision.trigger());
            assertEquals(1, decision.count());
        }

        @Test
        void withUnschedulablePods_theCountCoversThePodsAndTheHeadroom() {
            // GIVEN two full workers, three pods of 500m / 256 MiB waiting, a headroom of one worker
            Decision decision = decide(metrics().nodes(workers(2, 1900, 1600)).unschedulable(pods(3, 500, 256)),
                    ScalingState.initial(), headroom(1900, 1600));

            // THEN one worker for the pods (1500m / 768 MiB of it taken), one more for the headroom
            assertEquals(2, decision.count(), decision.reason());
            assertEquals(ScaleTrigger.UNSCHEDULABLE_PODS, decision.trigger());
            assertEquals(new DecisionReason.ScaleUp(2, new Need.PodsAndHeadroom(new Need.Pods(3, 1500, 768 * MIB),
                    new Need.Headroom(400, 832 * MIB, 1900, 1600 * MIB)), 0, 2, null), decision.why());
        }

        @Test
        void withUnschedulablePods_thatLeaveTheHeadroom_onlyThePodsCount() {
            // GIVEN one 100m pod waits (it does not fit the full workers), a headroom of 1000m
            Decision decision = decide(metrics().nodes(workers(2, 1900, 1600)).unschedulable(pods(1, 100, 100)),
                    ScalingState.initial(), headroom(1000, 0));

            // THEN its worker keeps 1800m free: one worker in all
            assertEquals(1, decision.count());
            assertEquals(new Need.Pods(1, 100, 100 * MIB), ((DecisionReason.ScaleUp) decision.why()).need());
        }

        @Test
        void podsWithUnknownRequests_countTheirWorkerAsFull() {
            // GIVEN four pods wait whose requests are unknown: one worker for them, taken as full
            Fixtures.Metrics metrics = metrics().nodes(workers(2, 1900, 1600));
            metrics.unschedulable = 4;

            Decision decision = decide(metrics, ScalingState.initial(), headroom(1900, 0));

            assertEquals(2, decision.count(), decision.reason());
        }

        @Test
        void workersWithUnknownRequests_haveNoFreeRoom() {
            // GIVEN three Ready workers whose requests are unknown (never guessed empty)
            Decision decision = decide(metrics().workers(Fixtures.readyWorkers(3)), ScalingState.initial(),
                    headroom(1900, 0));

            assertEquals(ScalingAction.SCALE_UP, decision.action());
            assertEquals(new Need.Headroom(0, 0, 1900, 0), ((DecisionReason.ScaleUp) decision.why()).need());
        }

        @Test
        void aCordonedOrNotReadyWorker_hasNoFreeRoom() {
            List<WorkerNode> nodes = List.of(worker("a", 1900, 1600),
                    new WorkerNode("cordoned", "i-c", true, false, 0L, 0L),
                    new WorkerNode("dead", "i-d", false, true, 0L, 0L));

            Decision decision = decide(metrics().nodes(nodes), ScalingState.initial(), headroom(1900, 0));

            assertEquals(1, decision.count(), decision.reason());
        }

        @Test
        void utilizationAskingForMore_wins() {
            // GIVEN CPU at 1.4 × CPU_UP for its window on 4 workers (+2), the headroom short by one worker
            Decision decision = decide(metrics().cpu(98, 98, 98).nodes(workers(4, 1900, 1600)),
                    ScalingState.initial(), headroom(1900, 0));

            assertEquals(ScaleTrigger.HIGH_CPU, decision.trigger());
            assertEquals(2, decision.count());
        }
    }

    @Nested
    class ScaleDown {
        private static ScalingState unneededForAnHour(String... nodes) {
            return ScalingState.initial().withUnneededNodes(Stream.of(nodes)
                    .map(n -> new UnneededNode(n, "i-" + n, NOW.minusSeconds(3600))).toList());
        }

        /** Two busy workers (400m / 400 MiB free each), a light one (1700m free) and an empty one. */
        private static final List<WorkerNode> MIXED = List.of(worker("a", 1500, 1200), worker("b", 1500, 1200),
                worker("c", 200, 100), worker("d", 0, 0));

        @Test
        void off_removesAsToday() {
            Decision decision = decide(metrics().idle().nodes(MIXED), unneededForAnHour("c", "d"), config(
                    "SCALE_DOWN_MAX_DISRUPTED_PERCENT", "50"));

            assertEquals(List.of("c", "d"), ((DecisionReason.UnneededWorkers) decision.why()).nodes());
        }

        @Test
        void aRemoval_leavesAtLeastTheHeadroomFree_theWorkerItNeedsSaysSo() {
            // GIVEN 4400m free; removing d takes its 1900m, removing c too would take 1700m + its 200m of pods
            Decision decision = decide(metrics().idle().nodes(MIXED), unneededForAnHour("c", "d"), headroom(1900, 0,
                    "SCALE_DOWN_MAX_DISRUPTED_PERCENT", "50"));

            // THEN d goes (2500m left), c stays: only 600m would be left
            assertEquals(List.of("d"), ((DecisionReason.UnneededWorkers) decision.why()).nodes());
            WorkerVerdict c = byNode(decision).get("c");
            assertEquals(new Unremovable.KeepsHeadroom(600, 700 * MIB, 1900, 0), c.unremovable());
            assertEquals("KEEPS_HEADROOM", c.code());
            assertTrue(c.keptWhileUnneeded(), "counted in UnneededWorkersKept{Reason=KEEPS_HEADROOM}");
        }

        @Test
        void aWorkerAddedForTheHeadroom_isKept_andNoFalseLineSaysNoneIsUnneeded() {
            // GIVEN three full workers and the empty one launched for a one-worker headroom, unneeded for long
            List<WorkerNode> nodes = new ArrayList<>(workers(3, 1900, 1600));
            nodes.add(worker("fresh", 0, 0));

            Decision decision = decide(metrics().idle().nodes(nodes), unneededForAnHour("fresh"), headroom(1900, 1600));

            assertEquals(ScalingAction.NOOP, decision.action(), decision.reason());
            assertEquals(DecisionReason.Code.STEADY, decision.reasonCode());
            assertEquals(new Unremovable.KeepsHeadroom(0, 0, 1900, 1600 * MIB), byNode(decision).get("fresh").unremovable());
            assertFalse(decision.blockedCodes().contains(HoldBack.Code.NO_WORKER_UNNEEDED), decision.blocked().toString());
        }

        @Test
        void memoryHeadroom_keepsAWorker_whoseCpuIsNotAskedFor() {
            List<WorkerNode> nodes = List.of(worker("a", 100, 1500), worker("b", 100, 1500), worker("e", 0, 0));

            Decision decision = decide(metrics().idle().nodes(nodes), unneededForAnHour("e"), headroom(0, 1000));

            assertEquals(ScalingAction.NOOP, decision.action(), decision.reason());
            assertEquals(new Unremovable.KeepsHeadroom(3600, 200 * MIB, 0, 1000 * MIB), byNode(decision).get("e").unremovable());
        }

        @Test
        void aWorkerWithUnknownRequests_countsNoFreeRoom_forTheGuard() {
            // GIVEN a worker with unknown requests (never guessed empty) and an empty one
            List<WorkerNode> nodes = List.of(new WorkerNode("x", "i-x", true, true), worker("a", 1000, 800),
                    worker("e", 0, 0));

            Decision decision = decide(metrics().idle().nodes(nodes), unneededForAnHour("e"), headroom(1900, 0,
                    "MIN_WORKERS", "1", "SCALE_DOWN_MAX_DISRUPTED_PERCENT", "50"));

            // THEN e is kept: without it only a's 900m would be free
            assertEquals(new Unremovable.KeepsHeadroom(900, 800 * MIB, 1900, 0), byNode(decision).get("e").unremovable());
            assertEquals("REQUESTS_UNKNOWN", byNode(decision).get("x").code());
        }
    }

    private static Map<String, WorkerVerdict> byNode(Decision decision) {
        return decision.scaleDown().workers().stream().collect(Collectors.toMap(WorkerVerdict::node, Function.identity()));
    }
}
