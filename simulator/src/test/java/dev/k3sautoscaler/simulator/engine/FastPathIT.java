package dev.k3sautoscaler.simulator.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k3sautoscaler.contract.PolicyName;
import dev.k3sautoscaler.simulator.fixtures.TestScenarios;
import dev.k3sautoscaler.simulator.report.RunSummary;
import dev.k3sautoscaler.simulator.report.RunTimeline;
import dev.k3sautoscaler.simulator.scenario.Scenario;
import java.time.Duration;
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
}
