package dev.k3sautoscaler.core.model;

import dev.k3sautoscaler.core.words.WordingTables;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.k3sautoscaler.core.model.DecisionReason.Need;
import dev.k3sautoscaler.core.words.Compared;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The golden wording of every decision reason and hold-back: the only test that pins how they read. */
class DecisionWordingTest {
    private static final Instant T = Instant.parse("2026-11-23T12:00:00Z");
    private static final Instant LATER = Instant.parse("2026-11-23T12:10:00Z");
    private static final long GIB = 1024L * 1024 * 1024;
    private static final long MIB = 1024L * 1024;
    private static final Need PODS = new Need.Pods(7, 3500, 2 * GIB);
    private static final Need CPU = new Need.Cpu(new Compared(70.3, 70), Duration.ofMinutes(3));
    private static final Need MEMORY = new Need.Memory(new Compared(75.4, 75), Duration.ofMinutes(2));

    static Stream<Arguments> reasons() {
        return Stream.of(
                row(new DecisionReason.MetricsUnavailable("Prometheus unreachable (connection refused)"),
                        "no action: metrics unavailable (Prometheus unreachable (connection refused)); never scaling on missing data"),
                row(new DecisionReason.Paused("INC-42"), "no action: autoscaling is paused (INC-42)"),
                row(new DecisionReason.Paused(null), "no action: autoscaling is paused"),
                row(new DecisionReason.BackingOff(1, LATER),
                        "no action: backing off after 1 failed actuation until 2026-11-23T12:10:00Z"),
                row(new DecisionReason.BelowMin(1, 1, 2, 1),
                        "scale-up +1: 1 worker Ready or joining, below MIN_WORKERS=2 (1 NotReady node not counted)"),
                row(new DecisionReason.BelowMin(2, 0, 2, 0), "scale-up +2: 0 workers Ready or joining, below MIN_WORKERS=2"),
                row(new DecisionReason.ScaleUp(3, PODS, 0, 4, null),
                        "scale-up +3: 7 unschedulable pods need 3.5 vCPU / 2.0 GiB; capacity in flight 0; 4 → 7 workers"),
                row(new DecisionReason.ScaleUp(1, new Need.Pods(1, 500, GIB / 4), 1, 4, null),
                        "scale-up +1: 1 unschedulable pod needs 0.5 vCPU / 0.3 GiB; capacity in flight 1; 4 → 5 workers"),
                row(new DecisionReason.ScaleUp(1, new Need.Pods(4, 0, 0), 0, 4, null),
                        "scale-up +1: 4 unschedulable pods (requests unknown); capacity in flight 0; 4 → 5 workers"),
                row(new DecisionReason.ScaleUp(5, CPU, 0, 4, new DecisionReason.Cap(8, "MAX_SCALE_UP_STEP", 5)),
                        "scale-up +5: CPU above 70% for 3 min (lowest 70.3%); capacity in flight 0; 4 → 9 workers"
                                + " (wanted +8, capped by MAX_SCALE_UP_STEP=5)"),
                row(new DecisionReason.ScaleUp(1, MEMORY, 0, 4, null),
                        "scale-up +1: memory above 75% for 2 min (lowest 75.4%); capacity in flight 0; 4 → 5 workers"),
                row(new DecisionReason.ScaleUp(1, new Need.Headroom(400, 832 * MIB, 1900, 1600 * MIB), 0, 3, null),
                        "scale-up +1: free room (launches included) is 0.4 vCPU / 0.8 GiB, below the headroom of"
                                + " 1.9 vCPU / 1.6 GiB; capacity in flight 0; 3 → 4 workers"),
                row(new DecisionReason.ScaleUp(1, new Need.Headroom(1200, 4800 * MIB, 1900, 0), 1, 4, null),
                        "scale-up +1: free CPU (launches included) is 1.2 vCPU, below the headroom of 1.9 vCPU;"
                                + " capacity in flight 1; 4 → 5 workers"),
                row(new DecisionReason.ScaleUp(1, new Need.Headroom(5400, 1200 * MIB, 0, 1600 * MIB), 0, 3, null),
                        "scale-up +1: free memory (launches included) is 1.2 GiB, below the headroom of 1.6 GiB;"
                                + " capacity in flight 0; 3 → 4 workers"),
                row(new DecisionReason.ScaleUp(1, new Need.Headroom(2300, 600 * MIB, 1900, 1600 * MIB), 0, 3, null),
                        "scale-up +1: free memory (launches included) is 0.6 GiB, below the headroom of 1.6 GiB;"
                                + " capacity in flight 0; 3 → 4 workers"),
                row(new DecisionReason.ScaleUp(2, new Need.PodsAndHeadroom(new Need.Pods(3, 1500, 768 * MIB),
                                new Need.Headroom(400, 832 * MIB, 1900, 1600 * MIB)), 0, 2, null),
                        "scale-up +2: 3 unschedulable pods need 1.5 vCPU / 0.8 GiB, and after them free room (launches"
                                + " included) is 0.4 vCPU / 0.8 GiB, below the headroom of 1.9 vCPU / 1.6 GiB; capacity"
                                + " in flight 0; 2 → 4 workers"),
                row(new DecisionReason.AtMaxWorkers(3, 3, new Need.Headroom(1900, 1600 * MIB, 3800, 0)),
                        "no action: at MAX_WORKERS=3 (3 workers); free CPU (launches included) is 1.9 vCPU, below the"
                                + " headroom of 3.8 vCPU"),
                row(new DecisionReason.AtMaxWorkers(10, 10, PODS),
                        "no action: at MAX_WORKERS=10 (10 workers); 7 unschedulable pods need 3.5 vCPU / 2.0 GiB"),
                row(new DecisionReason.UnneededWorkers(List.of("w-1"), 0, Duration.ofMinutes(10), 4),
                        "scale-down -1: 1 underutilized worker unneeded for 10 min (w-1); 4 → 3 workers"),
                row(new DecisionReason.UnneededWorkers(List.of("w-1", "w-2", "w-3"), 2, Duration.ofMinutes(10), 9),
                        "scale-down -3: 2 empty workers and 1 underutilized worker unneeded for 10 min (w-1, w-2, w-3);"
                                + " 9 → 6 workers"),
                row(new DecisionReason.UnneededWorkers(List.of("w-1", "w-2"), 2, Duration.ofMinutes(10), 5),
                        "scale-down -2: 2 empty workers unneeded for 10 min (w-1, w-2); 5 → 3 workers"),
                row(new DecisionReason.Steady(4, 50, 50.4, 0),
                        "no action: 4 workers, CPU 50%, memory 50%, no unschedulable pods"),
                row(new DecisionReason.Steady(1, 50, 50, 1),
                        "no action: 1 worker, CPU 50%, memory 50%, 1 unschedulable pod that no new worker would help now"),
                row(new DecisionReason.Cooldown(LATER), "no action: cooldown until 2026-11-23T12:10:00Z"),
                row(new DecisionReason.BaselineScaleUp(3, 20), "scale-up +1: pending pods detected (3)"),
                row(new DecisionReason.BaselineScaleUp(0, 85), "scale-up +1: high CPU load (85%)"),
                row(new DecisionReason.BaselineScaleDown(12), "scale-down -1: underutilized (CPU 12%)"),
                row(new DecisionReason.BaselineSteady(1, 50, 0), "no action: 1 node, CPU 50%, 0 pending"),
                row(new DecisionReason.ManualMetricsUnavailable("force-scale-up +1 requested by alice", "connection refused"),
                        "force-scale-up +1 requested by alice not done: metrics unavailable (connection refused),"
                                + " so the worker count is unknown"),
                row(new DecisionReason.ManualAtMaxWorkers("force-scale-up +1 requested by alice", 6, 6),
                        "force-scale-up +1 requested by alice not done: already at MAX_WORKERS=6 (6 workers)"),
                row(new DecisionReason.ManualAtMinWorkers("force-scale-down requested by bob", 2, 2),
                        "force-scale-down requested by bob not done: 2 ready workers, removing one would go below"
                                + " MIN_WORKERS=2"),
                row(new DecisionReason.ManualScaleUp(1, "force-scale-up +4 requested by alice", 5, 4, 6),
                        "scale-up +1: force-scale-up +4 requested by alice; 5 → 6 workers (asked +4, capped by MAX_WORKERS=6)"),
                row(new DecisionReason.ManualScaleUp(2, "force-scale-up +2 requested by alice", 3, 2, 6),
                        "scale-up +2: force-scale-up +2 requested by alice; 3 → 5 workers"),
                row(new DecisionReason.ManualScaleDown("force-scale-down requested by bob", 3),
                        "scale-down -1: force-scale-down requested by bob; 3 → 2 workers"),
                row(new DecisionReason.RebalanceEc2Unknown("i-1", "throttled"), "rebalance recommendation for i-1 not acted"
                        + " on: EC2 could not be read (throttled), so whether it is our worker is unknown"),
                row(new DecisionReason.RebalanceNotOurs("i-1"), "rebalance recommendation for i-1 not acted on: it is not a"
                        + " running managed worker of this cluster (tags k3s-autoscaler/cluster and k3s-autoscaler/managed;"
                        + " never the master)"),
                row(new DecisionReason.RebalanceMetricsUnavailable("i-1", "stale"),
                        "rebalance recommendation for i-1 not acted on: metrics unavailable (stale)"),
                row(new DecisionReason.RebalancePaused("i-1", "INC-7"),
                        "rebalance recommendation for i-1 not acted on: autoscaling is paused (INC-7)"),
                row(new DecisionReason.RebalanceBackingOff("i-1", LATER), "rebalance recommendation for i-1 not acted on:"
                        + " backing off after failed actuations until 2026-11-23T12:10:00Z"),
                row(new DecisionReason.RebalanceAtMaxWorkers("i-1", 6, 6), "rebalance recommendation for i-1 not acted on:"
                        + " no replacement at MAX_WORKERS=6 (6 workers); i-1 keeps running, and its Spot interruption"
                        + " drain removes it if one comes"),
                row(new DecisionReason.RebalanceCooldown("i-1", LATER), "rebalance recommendation for i-1 not acted on:"
                        + " the scale-up cooldown lasts until 2026-11-23T12:10:00Z; i-1 keeps running, and its Spot"
                        + " interruption drain removes it if one comes"),
                row(new DecisionReason.RebalanceDrain("i-1", 3), "scale-down -1: drain i-1 after an EC2 rebalance"
                        + " recommendation (REBALANCE_ACTION=drain); 3 → 2 workers"),
                row(new DecisionReason.RebalanceReplace("i-1", 3), "scale-up +1: replacement for i-1 after an EC2 rebalance"
                        + " recommendation; i-1 leaves by scale-down once the replacement is Ready; 3 → 4 workers for a while"));
    }

    static Stream<Arguments> holdBacks() {
        return Stream.of(
                row(new HoldBack.ScaleUpCooldown(CPU, T, LATER), "scale-up for CPU above 70% for 3 min (lowest 70.3%):"
                        + " cooldown after the scale-up at 2026-11-23T12:00:00Z until 2026-11-23T12:10:00Z"),
                row(new HoldBack.ScaleUpLaunching(MEMORY, 1), "scale-up for memory above 75% for 2 min (lowest 75.4%): 1 worker already launching"),
                row(new HoldBack.PodsMayFitLaunching(1, 2), "1 unschedulable pod may fit on the 2 workers already launching"),
                row(new HoldBack.PodsFitLaunching(1, 1), "1 unschedulable pod fits on the 1 worker already launching"),
                row(new HoldBack.PodsFitLaunching(5, 2), "5 unschedulable pods fit on the 2 workers already launching"),
                row(new HoldBack.PodsTooLarge(List.of("a/1", "a/2", "a/3", "a/4", "a/5", "a/6"), 1900, GIB),
                        "6 pods request more than one worker's allocatable (1.9 vCPU / 1.0 GiB), no scale-up helps:"
                                + " a/1, a/2, a/3, a/4, a/5"),
                row(new HoldBack.PodsTooLarge(List.of("a/1"), 1900, GIB),
                        "1 pod requests more than one worker's allocatable (1.9 vCPU / 1.0 GiB), no scale-up helps: a/1"),
                row(new HoldBack.ScalingUp(), "scale-down: scaling up"),
                row(new HoldBack.PodsUnschedulable(3), "scale-down: 3 pods wait for room"),
                row(new HoldBack.NoWorkerUnneeded(0, null),
                        "scale-down: every worker's requests are at or above CPU_DOWN or MEM_DOWN"),
                row(new HoldBack.NoWorkerUnneeded(2, LATER), "scale-down: no worker unneeded long enough yet (2 workers"
                        + " underutilized; the first may go at 2026-11-23T12:10:00Z)"),
                row(new HoldBack.ScaleDownDisabled(), "scale-down: disabled (SCALE_DOWN_ENABLED=false)"),
                row(new HoldBack.OutsideDisruptionWindow("Mon-Fri 19:00-07:00 Europe/Berlin", LATER),
                        "scale-down: outside SCALE_DOWN_WINDOWS (Mon-Fri 19:00-07:00 Europe/Berlin); the next window"
                                + " opens at 2026-11-23T12:10:00Z"),
                row(new HoldBack.DisruptionBudget(1, 1), "scale-down: 1 worker already being removed,"
                        + " SCALE_DOWN_MAX_DISRUPTED_PERCENT allows 1 at once"),
                row(new HoldBack.WouldOverload(new Compared(62.5, 60), new Compared(40, 65), 3),
                        "scale-down: 3 workers left would run CPU at 63% above 60% and memory at 40% below 65%"
                                + " (CPU_UP / MEM_UP less SCALE_DOWN_UTILIZATION_MARGIN)"),
                row(new HoldBack.AtMinWorkers(2, 2), "scale-down: 2 schedulable workers, MIN_WORKERS=2"),
                row(new HoldBack.WorkersLaunching(1), "scale-down: 1 worker still launching"),
                row(new HoldBack.AfterScaleUp(T, LATER), "scale-down: the scale-up at 2026-11-23T12:00:00Z postpones"
                        + " scale-down until 2026-11-23T12:10:00Z"),
                row(new HoldBack.ScaleDownCooldown(T, LATER), "scale-down: cooldown after the scale-down at"
                        + " 2026-11-23T12:00:00Z until 2026-11-23T12:10:00Z"),
                row(new HoldBack.RequestsWouldNotFit(6000, GIB, 1),
                        "scale-down: requests (6.0 vCPU / 1.0 GiB) would not fit on 1 worker"),
                row(new HoldBack.ScaleDownBackingOff(2, LATER),
                        "scale-down: backing off after 2 failed scale-downs until 2026-11-23T12:10:00Z"));
    }

    private static Arguments row(Object reason, String expected) {
        return Arguments.of(reason, expected);
    }

    static Stream<Arguments> unremovables() {
        return Stream.of(
                row(new Unremovable.NoInstanceId(), "no EC2 instance id in its providerID"),
                row(new Unremovable.NotReady(), "not Ready"),
                row(new Unremovable.Cordoned(), "cordoned (on its way out, or held by someone else)"),
                row(new Unremovable.RequestsUnknown(), "its pods' requests are unknown (no data from kube-state-metrics)"),
                row(new Unremovable.NotUnderutilized(62.5, 12, 50, 50),
                        "not underutilized: requests CPU 63% (CPU_DOWN 50%), memory 12% (MEM_DOWN 50%)"),
                row(new Unremovable.NoRoomElsewhere(900, 200, GIB, 2 * GIB),
                        "its pods' requests (0.9 vCPU / 1.0 GiB) would not fit in what the other workers have free"
                                + " (0.2 vCPU / 2.0 GiB)"),
                row(new Unremovable.PassedOver("no place for pod shop/cart-1", LATER),
                        "passed over until 2026-11-23T12:10:00Z: no place for pod shop/cart-1"),
                row(new Unremovable.NotUnneededLongEnough(T, LATER),
                        "unneeded since 2026-11-23T12:00:00Z, may go at 2026-11-23T12:10:00Z"),
                row(new Unremovable.HeldBack(new HoldBack.AtMinWorkers(2, 2)),
                        "scale-down: 2 schedulable workers, MIN_WORKERS=2"),
                row(new Unremovable.KeepsHeadroom(600, 700 * MIB, 1900, 0),
                        "keeps the headroom: without it free CPU would be 0.6 vCPU, below the headroom of 1.9 vCPU"),
                row(new Unremovable.KeepsHeadroom(0, 0, 1900, 1600 * MIB), "keeps the headroom: without it free room"
                        + " would be 0.0 vCPU / 0.0 GiB, below the headroom of 1.9 vCPU / 1.6 GiB"),
                row(new Unremovable.LimitReached("SCALE_DOWN_MAX_PARALLEL", 1),
                        "next in line: SCALE_DOWN_MAX_PARALLEL=1 reached this round"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("unremovables")
    void everyUnremovableReason_readsAsPinned(Unremovable reason, String expected) {
        assertEquals(expected, DecisionWording.unremovable(reason));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("reasons")
    void everyReason_readsAsPinned(DecisionReason reason, String expected) {
        assertEquals(expected, DecisionWording.reason(reason));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("holdBacks")
    void everyHoldBack_readsAsPinned(HoldBack holdBack, String expected) {
        assertEquals(expected, DecisionWording.holdBack(holdBack));
    }

    @Test
    void theTables_coverEveryCode() {
                        WordingTables.assertCoversEveryCode(reasons(), DecisionReason.class, DecisionReason::code, DecisionReason.Code.class);
        WordingTables.assertCoversEveryCode(holdBacks(), HoldBack.class, HoldBack::code, HoldBack.Code.class);
        WordingTables.assertCoversEveryCode(unremovables(), Unremovable.class, Unremovable::code, Unremovable.Code.class);
    }
}
