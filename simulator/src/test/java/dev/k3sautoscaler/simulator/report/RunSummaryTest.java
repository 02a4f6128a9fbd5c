package dev.k3sautoscaler.simulator.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k3sautoscaler.simulator.report.RunSummary.Prices;
import dev.k3sautoscaler.simulator.report.RunSummary.Latency;
import dev.k3sautoscaler.simulator.report.RunSummary.Spike;
import dev.k3sautoscaler.simulator.report.RunTimeline.Direction;
import dev.k3sautoscaler.simulator.report.RunTimeline.Execution;
import dev.k3sautoscaler.simulator.report.RunTimeline.Launch;
import dev.k3sautoscaler.simulator.report.RunTimeline.Machine;
import dev.k3sautoscaler.simulator.report.RunTimeline.Sample;
import dev.k3sautoscaler.simulator.report.RunTimeline.ScaleEvent;
import dev.k3sautoscaler.simulator.report.RunTimeline.SpotDrain;
import dev.k3sautoscaler.simulator.report.RunTimeline.Wait;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RunSummaryTest {
    private static final Prices T3_SMALL = new Prices(0.0208, 0.0068);
    private static final Duration BUDGET = Duration.ofSeconds(90);

    /** One sample per minute; {@code unschedulable[i]} pods at minute i, {@code workers[i]} on-demand workers. */
    private static List<Sample> samples(int[] workers, int[] unschedulable) {
        List<Sample> samples = new ArrayList<>();
        for (int i = 0; i < workers.length; i++) {
            samples.add(new Sample(Duration.ofMinutes(i), workers[i], workers[i], 0, unschedulable[i], 0, 0));
        }
        return samples;
    }

    private static RunTimeline timeline(List<Sample> samples, List<ScaleEvent> events, List<SpotDrain> drains, List<Execution> executions) {
        return new RunTimeline(Duration.ofMinutes(samples.size()), Duration.ofMinutes(1), samples, events, drains, executions,
                ReportFixtures.waitsOf(samples), List.of(), List.of());
    }

    private static Duration seconds(long seconds) {
        return Duration.ofSeconds(seconds);
    }

    private static Wait bound(long since, long end, String instanceId) {
        return new Wait(seconds(since), seconds(since + 15), seconds(end), instanceId, true);
    }

    @Test
    void spikes_runFromTheFirstFailedTryToTheLastPodBound_toTheSecond() {
        // GIVEN pods wait 100-190 s and 130-250 s (one spike, peak 2), one from 400 s to the run's end,
        // one larger than any worker, and one deleted while waiting
        List<Wait> waits = List.of(bound(100, 190, "i-a"), bound(130, 250, "i-a"),
                new Wait(seconds(400), seconds(415), null, null, true),
                new Wait(seconds(10), seconds(25), null, null, false),
                new Wait(seconds(300), seconds(315), seconds(330), null, true));
        RunTimeline timeline = new RunTimeline(Duration.ofMinutes(10), Duration.ofMinutes(1), samples(new int[10], new int[10]),
                List.of(), List.of(), List.of(), waits, List.of(), List.of());

        // WHEN
        RunSummary summary = RunSummary.of(timeline, T3_SMALL, 0, 0, BUDGET);

        // THEN three spikes; the oversized pod is reported apart but its wait is counted
        assertEquals(List.of(seconds(100), seconds(300), seconds(400)), summary.spikes().stream().map(Spike::start).toList());
        assertEquals(seconds(150), summary.spikes().getFirst().resolvedAfter());
        assertEquals(2, summary.spikes().getFirst().peakPods());
        assertEquals(3.5, summary.spikes().getFirst().podMinutes(), 1e-9);
        assertEquals(seconds(120), summary.spikes().getFirst().longestPodWait());
        assertEquals(seconds(200), summary.spikes().getLast().longestPodWait());
        assertEquals(null, summary.spikes().getLast().resolvedAfter());
        assertEquals(1, summary.podsLargerThanAWorker());
        // 90 + 120 + 200 (open until 600) + 590 (oversized) + 30 seconds
        assertEquals((90 + 120 + 200 + 590 + 30) / 60.0, summary.unschedulablePodMinutes(), 1e-9);
    }

    @Test
    void latency_followsTheLastPodsWorkerBackToTheTick_andAddsUpToTheWait() {
        // GIVEN a spike from 50 s; its last pod arrived at 60 s, seen at 75 s; the 90 s tick started the actuation
        // at 91 s, RunInstances at 92 s, the Node registered at 162 s, Ready at 192 s; the pod bound at 193 s
        List<Wait> waits = List.of(new Wait(seconds(60), seconds(75), seconds(193), "i-new", true),
                new Wait(seconds(50), seconds(65), seconds(120), "i-old", true));
        List<Launch> launches = List.of(new Launch("i-new", RunTimeline.Trigger.SCHEDULE, seconds(90), seconds(91), seconds(92),
                seconds(162), seconds(192)));
        RunTimeline timeline = new RunTimeline(Duration.ofMinutes(5), Duration.ofMinutes(1), samples(new int[5], new int[5]),
                List.of(), List.of(), List.of(), waits, launches, List.of());

        // WHEN
        RunSummary summary = RunSummary.of(timeline, T3_SMALL, 0, 0, BUDGET);

        // THEN the parts add up to the 143 s the spike took; each pod saw RunInstances 32 s and 42 s after it failed
        assertEquals(new Latency(RunTimeline.Trigger.SCHEDULE, seconds(10), seconds(15), seconds(15), seconds(1), seconds(1),
                seconds(70), seconds(30), seconds(1)), summary.spikes().getFirst().latency());
        assertEquals(seconds(143), summary.spikes().getFirst().resolvedAfter());
        assertEquals(seconds(32), summary.medianDetection());
    }

    @Test
    void latency_ofAPodBoundToAWorkerAlreadyThere_isDetectAndBindOnly() {
        // GIVEN the last pod bound to a worker launched before the spike (room freed by a pod that ended)
        List<Wait> waits = List.of(new Wait(seconds(600), seconds(615), seconds(640), "i-old", true));
        List<Launch> launches = List.of(new Launch("i-old", RunTimeline.Trigger.SCHEDULE, seconds(10), seconds(11), seconds(12),
                seconds(80), seconds(110)));
        RunTimeline timeline = new RunTimeline(Duration.ofMinutes(15), Duration.ofMinutes(1), samples(new int[15], new int[15]),
                List.of(), List.of(), List.of(), waits, launches, List.of());

        // WHEN
        RunSummary summary = RunSummary.of(timeline, T3_SMALL, 0, 0, BUDGET);

        // THEN nothing was launched for it, and the median detection has no launch to report
        Latency latency = summary.spikes().getFirst().latency();
        assertEquals(new Latency(null, Duration.ZERO, seconds(15), Duration.ZERO, Duration.ZERO, Duration.ZERO, Duration.ZERO,
                Duration.ZERO, seconds(25)), latency);
        assertEquals(null, summary.medianDetection());
    }

    @Test
    void cost_countsBilledInstancesAtTheirPrices_andComparesWithTheOracle() {
        // GIVEN 60 minutes of 3 on-demand and 2 Spot workers (one Spot still booting: billed, not ready)
        List<Sample> samples = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            samples.add(new Sample(Duration.ofMinutes(i), 4, 3, 2, 0, 0, 0));
        }

        // WHEN the oracle needed 4 node-hours at $0.0208
        RunSummary summary = RunSummary.of(timeline(samples, List.of(), List.of(), List.of()), T3_SMALL, 4, 4 * 0.0208, BUDGET);

        // THEN 5 node-hours: 3 × $0.0208 + 2 × $0.0068 = $0.076; ratio 0.076 / 0.0832
        assertEquals(5.0, summary.nodeHours(), 1e-9);
        assertEquals(0.0760, summary.costUsd(), 1e-9);
        assertEquals(0.0760 / 0.0832, summary.costRatio(), 1e-9);
    }

    @Test
    void aRebalanceRetirementThenTheNextReplacement_isNoFlap_butThePolicysOwnDownThenUpIs() {
        // GIVEN a rebalance retirement at 10m and the next recommendation's replacement at 15m; the policy's own
        // scale-down at 30m and scale-up at 35m
        List<ScaleEvent> events = List.of(
                new ScaleEvent(Duration.ofMinutes(10), Direction.DOWN, 1, "retired", "rebalance-i-0aaa"),
                new ScaleEvent(Duration.ofMinutes(15), Direction.UP, 1, "replacement", "rebalance-i-0bbb"),
                new ScaleEvent(Duration.ofMinutes(30), Direction.DOWN, 1, "idle", "scale-down-20260105-0030"),
                new ScaleEvent(Duration.ofMinutes(35), Direction.UP, 1, "pods wait", "scale-up-20260105-0035"));

        // THEN only the policy's pair is a flap; a Spot drain followed by the policy's launch is none either
        assertEquals(1, RunSummary.flaps(events));
        assertEquals(0, RunSummary.flaps(List.of(
                new ScaleEvent(Duration.ofMinutes(10), Direction.DOWN, 1, "interrupted", "spot-interruption-i-0ccc"),
                new ScaleEvent(Duration.ofMinutes(12), Direction.UP, 1, "pods wait", "scale-up-20260105-0012"))));
    }

    @Test
    void flap_isAScaleDownFollowedByAScaleUpWithinTenMinutes() {
        // GIVEN down at 10m then up at 20m (exactly 10 min: a flap), down at 30m then up at 41m (not)
        List<ScaleEvent> events = List.of(
                new ScaleEvent(Duration.ofMinutes(10), Direction.DOWN, 1, "idle"),
                new ScaleEvent(Duration.ofMinutes(20), Direction.UP, 2, "pods wait"),
                new ScaleEvent(Duration.ofMinutes(30), Direction.DOWN, 1, "idle"),
                new ScaleEvent(Duration.ofMinutes(41), Direction.UP, 1, "pods wait"));

        // WHEN
        RunSummary summary = RunSummary.of(timeline(samples(new int[60], new int[60]), events, List.of(), List.of()),
                T3_SMALL, 0, 0, BUDGET);

        // THEN
        assertEquals(1, summary.flaps());
        assertEquals(2, summary.scaleUpEvents());
        assertEquals(3, summary.nodesAdded());
        assertEquals(2, summary.scaleDownEvents());
        assertEquals(2, summary.nodesRemoved());
        assertTrue(Double.isNaN(summary.costRatio()));
    }

    @Test
    void spotDrains_countThoseInsideTheBudget_andUnfinishedOnesAsMissed() {
        // GIVEN drains of 60 s, 90 s (on the budget), 95 s, and one that never finished
        List<SpotDrain> drains = List.of(
                new SpotDrain(Duration.ofMinutes(1), "i-1", Duration.ofSeconds(60)),
                new SpotDrain(Duration.ofMinutes(2), "i-2", Duration.ofSeconds(90)),
                new SpotDrain(Duration.ofMinutes(3), "i-3", Duration.ofSeconds(95)),
                new SpotDrain(Duration.ofMinutes(4), "i-4", null));

        // WHEN
        RunSummary summary = RunSummary.of(timeline(samples(new int[10], new int[10]), List.of(), drains, List.of()),
                T3_SMALL, 0, 0, BUDGET);

        // THEN
        assertEquals(2, summary.spotDrainsWithinBudget());
        assertEquals(4, summary.spotDrains());
    }

    @Test
    void controlPlane_oneExpressTickAMinute_projectsToAboutElevenCentsAMonth() {
        // GIVEN one hour of ticks: Express, 1.15 s (billed 1.2 s), 4 transitions, 2 Lambda calls each
        List<Execution> ticks = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            ticks.add(new Execution(Machine.EXPRESS_TICK, Duration.ofMinutes(i), Duration.ofMillis(1150), 4, 2));
        }

        // WHEN
        ControlPlanePricing.Monthly month = ControlPlanePricing.project(ticks, Duration.ofHours(1));

        // THEN 43,800 ticks: requests $0.0438 + 1.2 s × 64 MB × $0.00001667 = $0.0548; Lambda 87,600 × $0.20/M = $0.0175
        assertEquals(43_800 * (1.0 / 1_000_000 + 1.2 * 0.0625 * 0.00001667), month.expressUsd(), 1e-9);
        assertEquals(0.0, month.standardUsd());
        assertEquals(87_600 * 0.20 / 1_000_000, month.lambdaRequestsUsd(), 1e-9);
        assertEquals(0.116, month.totalUsd(), 0.001);
    }

    @Test
    void controlPlane_standardPerTick_wouldCostAboutSixFiftySevenAMonth() {
        // GIVEN the design two machines avoid: a Standard execution of 6 transitions every minute
        List<Execution> ticks = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            ticks.add(new Execution(Machine.STANDARD_ACTUATION, Duration.ofMinutes(i), Duration.ofSeconds(2), 6, 0));
        }

        // WHEN / THEN 43,800 × 6 × $0.025/1000
        assertEquals(6.57, ControlPlanePricing.project(ticks, Duration.ofHours(1)).standardUsd(), 1e-9);
    }

    @Test
    void expressDuration_isBilledInHundredMillisecondSteps_atLeastOne() {
        List<Execution> one = List.of(new Execution(Machine.EXPRESS_TICK, Duration.ZERO, Duration.ofMillis(30), 2, 0));
        double monthFactor = 730;
        assertEquals(monthFactor * (1.0 / 1_000_000 + 0.1 * 0.0625 * 0.00001667),
                ControlPlanePricing.project(one, Duration.ofHours(1)).expressUsd(), 1e-12);
    }

    @Test
    void table_listsEveryFigure() {
        // GIVEN
        RunTimeline run = timeline(samples(new int[] {2, 2, 3}, new int[] {0, 4, 0}),
                List.of(new ScaleEvent(Duration.ofMinutes(1), Direction.UP, 1, "4 pods wait")),
                List.of(),
                List.of(new Execution(Machine.EXPRESS_TICK, Duration.ZERO, Duration.ofMillis(900), 3, 2),
                        new Execution(Machine.STANDARD_ACTUATION, Duration.ofMinutes(1), Duration.ofMinutes(2), 12, 6)));
        RunSummary summary = RunSummary.of(run, T3_SMALL, 0.1, 0.1 * 0.0208, BUDGET);

        // WHEN
        String table = SummaryTable.render("tiny (3m, seed 1), policy default", summary);

        // THEN
        assertTrue(table.startsWith("tiny (3m, seed 1), policy default\n"), table);
        assertTrue(table.contains("at 1m") && table.contains("1m, peak 4"), table);
        assertTrue(table.contains("Unschedulable pod-minutes") && table.contains(" 4\n"), table);
        assertTrue(table.contains("up 1 (+1 nodes), down 0 (-0 nodes)"), table);
        assertTrue(table.contains("1 express ticks, 1 standard actuations, 15 state transitions"), table);
        assertTrue(table.contains("no interruptions"), table);
        assertTrue(table.contains("Cost / oracle"), table);
        assertTrue(table.contains("Worker node-hours (cost)               0.12  ($0.0024)"), table);
    }
    @Test
    void headroom_isTheLargerShareOfOneWorker_heldAllRun_atTheLaunchPrice_andShownOnlyWhenOn() {
        // GIVEN a 3-hour run, one worker 1900m / 1600 MiB: a headroom of 950m / 2400 MiB is 1.5 workers (memory)
        RunTimeline run = timeline(samples(new int[180], new int[180]), List.of(), List.of(), List.of());
        RunSummary.HeadroomSpend headroom = RunSummary.HeadroomSpend.of(950, 2400L << 20, 1900, 1600L << 20,
                run.duration(), 0.0208);

        // WHEN
        RunSummary on = RunSummary.of(run, T3_SMALL, 0, 0, BUDGET, headroom);
        RunSummary off = RunSummary.of(run, T3_SMALL, 0, 0, BUDGET, RunSummary.HeadroomSpend.of(0, 0, 1900,
                1600L << 20, run.duration(), 0.0208));

        // THEN 1.5 × 3 h = 4.5 node-hours, $0.0936; off: no figure, no row
        assertEquals(new RunSummary.HeadroomSpend(1.5, 4.5, 4.5 * 0.0208), on.headroom());
        assertTrue(SummaryTable.render("t", on).contains("Headroom kept free, at most (cost)     1.50 workers × 3.00 h ="
                + " 4.50 node-hours  ($0.0936)"), SummaryTable.render("t", on));
        assertNull(off.headroom());
        assertFalse(SummaryTable.render("t", off).contains("Headroom"), SummaryTable.render("t", off));
    }
}
