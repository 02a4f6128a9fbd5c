package dev.k3sautoscaler.simulator.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k3sautoscaler.contract.PolicyName;
import dev.k3sautoscaler.simulator.fixtures.TestScenarios;
import dev.k3sautoscaler.simulator.report.RunSummary;
import dev.k3sautoscaler.simulator.report.RunTimeline;
import dev.k3sautoscaler.simulator.scenario.Scenario;
import dev.k3sautoscaler.simulator.scenario.ScenarioLoader;
import dev.k3sautoscaler.workflow.Execution;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The alert path next to the schedule: faster, and still one actuation per spike however the two interleave. */
class FastPathIT {
    /** Two workers of 1900m full at 4 pods of 900m; at 10 min 6 more arrive at once: 3 workers wanted. */
    private static final String STEP_SPIKE = """
              - name: web
                namespace: app
                replicas: [{at: 0s, count: 4}, {at: 10m, count: 10}]
                requests: {cpuMillis: 900, memoryMiB: 256}
            """;

    /**
     * One worker of headroom (1900m): two workers full at 4 pods of 900m, a third kept free. At 10m05s
     * two more pods take that room; every pod is scheduled at once, so no pod is ever unschedulable.
     */
    private static final String HEADROOM_TAKEN = """
              - name: web
                namespace: app
                replicas: [{at: 0s, count: 4}, {at: 10m5s, count: 6}]
                requests: {cpuMillis: 900, memoryMiB: 256}
            """;

    /** 20 minutes on two workers of 1900m / 1600 MiB, boot 60 s and join 20 s exactly, with {@code policy}. */
    private static Scenario scenario(String name, long seed, String policy, String workload) {
        return ScenarioLoader.parse("""
                name: %s
                duration: 20m
                seed: %d
                cluster: {workers: 2}
                workerType: {name: t3.small, cpuMillis: 1900, memoryMiB: 1600, hourlyPriceUsd: 0.0208, spotHourlyPriceUsd: 0.0068}
                boot: {mean: 60s, spread: 0s}
                join: {mean: 20s, spread: 0s}
                terminationGrace: 30s
                policy: %s
                workload:
                """.formatted(name, seed, policy) + workload, name + ".yaml");
    }

    private static SimulationResult run(long seed, boolean fastPath) {
        Scenario scenario = TestScenarios.of("workers: 2", STEP_SPIKE).withSeed(seed).withDuration(Duration.ofMinutes(20));
        try (Simulation simulation = new Simulation(scenario, PolicyName.DEFAULT).alertPath(fastPath)) {
            return simulation.run();
        }
    }

    private static long scaleUps(SimulationResult result) {
        return result.timeline().scaleEvents().stream().filter(event -> event.direction() == RunTimeline.Direction.UP).count();
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6})
    void oneSpike_startsOneScaleUp_whateverThePhaseOfScrapeEvaluationAndSchedule(long seed) {
        // GIVEN / WHEN the same spike with the fast path on, at six phases of scrape and rule evaluation against the tick
        SimulationResult result = run(seed, true);

        // THEN one scale-up of the 3 workers, started by whichever tick saw it first, and every invariant held
        BundledScenariosIT.assertSane(result);
        assertEquals(1, scaleUps(result), result.timeline().scaleEvents().toString());
        assertEquals(3, result.timeline().scaleEvents().getFirst().count());
        assertEquals(1, result.summary().spikes().size());
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3})
    void fastPath_reactsWithinSeconds_whereTheScheduleWaitsForTheNextMinute(long seed) {
        // GIVEN / WHEN
        RunSummary alone = run(seed, false).summary();
        RunSummary withAlert = run(seed, true).summary();

        // THEN the spike starts at the top of a minute, the schedule's worst case; the alert path launches within 45 s
        Duration scheduleReaction = alone.medianDetection();
        Duration alertReaction = withAlert.medianDetection();
        assertTrue(alertReaction.compareTo(Duration.ofSeconds(45)) <= 0, "fast path reacted after " + alertReaction);
        assertTrue(alertReaction.compareTo(scheduleReaction) < 0, alertReaction + " vs the schedule's " + scheduleReaction);
        assertEquals(RunTimeline.Trigger.ALERT, withAlert.spikes().getFirst().latency().trigger());
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3})
    void headroomTakenBetweenTwoTicks_isRestoredWithinSeconds_notAtTheNextMinute(long seed) {
        // GIVEN a worker of headroom that pods take at 10m05s without any of them waiting
        Scenario scenario = scenario("headroom-taken", seed, "{HEADROOM_CPU_MILLIS: \"1900\"}", HEADROOM_TAKEN);

        // WHEN the run has the fast path (the default)
        SimulationResult result;
        try (Simulation simulation = new Simulation(scenario, PolicyName.DEFAULT)) {
            result = simulation.run();
        }

        // THEN the headroom alert's tick launches the replacement within 40 s; the schedule alone waits until 11m00s
        BundledScenariosIT.assertSane(result);
        assertTrue(result.summary().spikes().isEmpty(), "no pod waited: " + result.summary().spikes());
        RunTimeline.ScaleEvent restore = result.timeline().scaleEvents().stream()
                .filter(event -> event.direction() == RunTimeline.Direction.UP && event.at().compareTo(Duration.parse("PT10M5S")) > 0)
                .findFirst().orElseThrow(() -> new AssertionError("no scale-up after the pods: " + result.timeline().scaleEvents()));
        assertEquals(1, restore.count(), restore.toString());
        assertTrue(restore.at().compareTo(Duration.parse("PT10M45S")) <= 0, "the room was restored at " + restore.at()
                + " by " + restore.execution());
        assertTrue(restore.execution().startsWith("scale-up-"), restore.toString());
    }

    @Test
    void withAPendingWindow_theAlertsTickWaitsItOut_thenCountsThePods() {
        // GIVEN PENDING_UP_SEC=30: the alert fires at the first evaluation that sees a pod, 30 s too early to count it
        Scenario scenario = scenario("pending-window", 3, "{PENDING_UP_SEC: \"30\"}", STEP_SPIKE);

        // WHEN the spike runs with the fast path (the default)
        SimulationResult result;
        try (Simulation simulation = new Simulation(scenario, PolicyName.DEFAULT)) {
            result = simulation.run();
        }

        // THEN the function started the tick with the wait; the tick waited 30 s in FromUnschedulablePodsAlert, then
        // observed the pods as waiting long enough and started the scale-up itself
        BundledScenariosIT.assertSane(result);
        Simulation.RunExecution first = result.executions().stream()
                .filter(run -> run.execution().name().startsWith(Simulation.ALERT_TICK_PREFIX)).findFirst().orElseThrow();
        Execution tick = first.execution();
        assertTrue(tick.name().matches("alert-\\d{8}-\\d{6}-[0-9a-f]{8}"), tick.name());
        assertEquals(30, tick.input().path("waitSeconds").asInt(), tick.input().toString());
        assertEquals(java.util.List.of("WhichInput?", "FromUnschedulablePodsAlert", "CollectMetrics"), tick.statePath().subList(0, 3));
        java.time.Instant observed = tick.history().stream().filter(event -> "CollectMetrics".equals(event.stateName()))
                .findFirst().orElseThrow().timestamp();
        assertEquals(Duration.ofSeconds(30), Duration.between(tick.startTime(), observed));
        assertTrue(first.startedActuation(), "the alert's tick decided the scale-up: " + tick.statePath());
        assertEquals(1, scaleUps(result), result.timeline().scaleEvents().toString());
    }
}
