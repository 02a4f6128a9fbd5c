package dev.k3sautoscaler.simulator.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.k3sautoscaler.contract.PolicyName;
import dev.k3sautoscaler.simulator.engine.Simulation.RunExecution;
import dev.k3sautoscaler.simulator.report.RunSummary;
import dev.k3sautoscaler.simulator.report.RunTimeline;
import dev.k3sautoscaler.simulator.report.RunTimeline.Direction;
import dev.k3sautoscaler.simulator.report.RunTimeline.Sample;
import dev.k3sautoscaler.simulator.scenario.Scenario;
import dev.k3sautoscaler.simulator.scenario.ScenarioLoader;
import dev.k3sautoscaler.workflow.Execution;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every bundled scenario through the real workflow and handlers on the virtual cloud, cut to the
 * part that matters so the suite stays quick, with the sanity checks its story implies.
 */
class BundledScenariosIT {

    static SimulationResult run(String name, Duration duration) {
        Scenario scenario = ScenarioLoader.resolve(name).withDuration(duration);
        try (Simulation simulation = new Simulation(scenario, PolicyName.DEFAULT)) {
            return simulation.run();
        }
    }

    private static Stream<RunExecution> actuations(SimulationResult result) {
        return result.executions().stream().filter(run -> run.machine() == RunTimeline.Machine.STANDARD_ACTUATION);
    }

    private static int maxWorkers(SimulationResult result) {
        return result.timeline().samples().stream().mapToInt(Sample::totalWorkers).max().orElseThrow();
    }

    /** What holds on every run: the world answered every query, and every invariant held. */
    static void assertSane(SimulationResult result) {
        assertEquals(List.of(), result.unrecognisedQueries(), "Prometheus queries the virtual cluster could not answer");
        assertEquals(List.of(), Invariants.check(result), "invariants broken");
        for (RunExecution run : result.executions()) {
            Execution execution = run.execution();
            assertFalse(execution.isDone() && "States.Runtime".equals(execution.error()),
                    execution.name() + " ended in a runtime error: " + execution.cause());
        }
    }

    @ParameterizedTest(name = "{0} for {1}")
    @CsvSource({"steady, 40m", "noisy-steady, 30m", "diurnal-day, 9h", "spot-storm, 1h", "capacity-shortage, 1h30m",
        "prometheus-outage, 1h45m", "rebalance, 30m"})
    void everyBundledScenario_runsOnTheRealWorkflow_withinItsBounds(String name, String duration) {
        // GIVEN / WHEN
        SimulationResult result = run(name, dev.k3sautoscaler.simulator.scenario.Durations.parse(duration));

        // THEN
        assertSane(result);
        assertEquals(result.scenario().duration().toMinutes() + 1, result.timeline().samples().size(), "a sample a minute");
    }

    @Test
    void flashSale_schedulesEveryPodWithinMinutes_andNeverExceedsMax() {
        // GIVEN / WHEN the whole scenario: the spike at 1 h, back down at 2 h
        SimulationResult result = run("flash-sale", Duration.ofHours(3));
        RunSummary summary = result.summary();

        // THEN
        assertSane(result);
        assertEquals(1, summary.spikes().size(), summary.spikes().toString());
        Duration resolved = summary.spikes().getFirst().resolvedAfter();
        assertNotNull(resolved, "the spike must be resolved before the end");
        assertTrue(resolved.compareTo(Duration.ofMinutes(15)) <= 0, "pods waited " + resolved);
        assertEquals(0, result.timeline().samples().getLast().unschedulablePods());
        assertTrue(summary.scaleUpEvents() >= 1 && summary.scaleDownEvents() >= 1, summary.toString());
        assertEquals(0, summary.flaps());
        assertTrue(actuations(result).allMatch(run -> run.execution().isDone()), "every actuation finished");
    }

    @Test
    void steady_removesTheSpareWorkerOnce_andAddsNone() {
        // GIVEN 10 pods on 3 workers where 2 suffice
        SimulationResult result = run("steady", Duration.ofMinutes(40));

        // WHEN / THEN
        assertSane(result);
        List<RunTimeline.ScaleEvent> events = result.timeline().scaleEvents();
        assertEquals(1, events.size(), events.toString());
        assertEquals(Direction.DOWN, events.getFirst().direction());
        assertEquals(2, result.timeline().samples().getLast().totalWorkers());
    }

    @Test
    void spotStorm_drainsEachInterruptedNode_withoutTheLock() {
        // GIVEN three Spot warnings at 40, 42 and 44 minutes
        SimulationResult result = run("spot-storm", Duration.ofHours(1));

        // WHEN / THEN each warning started a drain execution that ended, and the node was drained or its budget ran out
        assertSane(result);
        assertEquals(3, result.timeline().spotDrains().size());
        List<RunExecution> drains = actuations(result).filter(run -> run.execution().name().startsWith("spot-")).toList();
        assertEquals(3, drains.size());
        assertTrue(drains.stream().allMatch(run -> run.execution().status() == Execution.Status.SUCCEEDED),
                drains.stream().map(run -> run.execution().name() + " " + run.execution().status()).toList().toString());
        assertTrue(result.summary().spotDrainsWithinBudget() >= 1, result.summary().toString());
    }

    @Test
    void rebalance_sendsEachRecommendationToTheTick_andTheAnnouncedWarningsFollow() {
        // GIVEN four rebalance recommendations, two announcing the interruption warning 5 min and 1 min later
        Scenario scenario = ScenarioLoader.bundled("rebalance");
        SimulationResult result = run("rebalance", scenario.duration());

        // THEN each reached the tick with the rule's input, and the tick started rebalance-<instance>
        List<RunExecution> events = result.executions().stream()
                .filter(run -> run.execution().name().startsWith("event-rebalance-")).toList();
        assertEquals(scenario.rebalanceRecommendations().stream().map(Scenario.RebalanceRecommendation::at).toList(),
                events.stream().map(RunExecution::startedAt).toList());
        for (int i = 0; i < events.size(); i++) {
            JsonNode input = events.get(i).execution().input();
            String instanceId = input.path("instanceId").asText();
            assertEquals("rebalance", input.path("trigger").asText(), input.toString());
            assertTrue(instanceId.startsWith("i-"), input.toString());
            assertTrue(actuations(result).anyMatch(run -> run.execution().name().equals("rebalance-" + instanceId)),
                    "no actuation rebalance-" + instanceId);
            // AND an announced warning came for that instance at its time, unless the instance had stopped before
            Duration announced = scenario.rebalanceRecommendations().get(i).interruptAfter();
            if (announced != null) {
                Duration warningAt = events.get(i).startedAt().plus(announced);
                boolean running = result.clusterInstances().stream().anyMatch(instance -> instance.instanceId().equals(instanceId)
                        && (instance.goneAt() == null || instance.goneAt().compareTo(warningAt) >= 0));
                assertEquals(running ? List.of(warningAt) : List.of(), result.timeline().spotDrains().stream()
                        .filter(drain -> drain.instanceId().equals(instanceId)).map(RunTimeline.SpotDrain::warnedAt).toList(),
                        instanceId + (running ? " ran" : " had stopped") + " at " + warningAt);
            }
        }
        assertEquals(List.of(), result.unrecognisedQueries());
    }

    @Test
    void capacityShortage_fallsBackToAnotherZone_andStillSchedulesTheSurge() {
        // GIVEN on-demand t3.small unavailable in us-east-1a for an hour from 30 min
        SimulationResult result = run("capacity-shortage", Duration.ofMinutes(90));

        // WHEN / THEN the fleet met InsufficientInstanceCapacity and launched elsewhere
        assertSane(result);
        boolean sawShortage = actuations(result).anyMatch(run -> run.execution().history().stream()
                .anyMatch(event -> event.output() != null && event.output().contains("InsufficientInstanceCapacity")));
        assertTrue(sawShortage, "no launch met the capacity error");
        assertTrue(result.timeline().scaleEvents().stream().anyMatch(event -> event.direction() == Direction.UP));
        assertEquals(0, result.timeline().samples().getLast().unschedulablePods());
    }

    @Test
    void prometheusOutage_startsNoActuationWhileBlind() {
        // GIVEN Prometheus down from 40 to 60 minutes (the surge began at 35)
        SimulationResult result = run("prometheus-outage", Duration.ofMinutes(75));

        // WHEN / THEN no scale decision was taken on missing data
        assertSane(result);
        List<Duration> started = actuations(result).map(RunExecution::startedAt).toList();
        assertTrue(started.stream().noneMatch(at -> at.compareTo(Duration.ofMinutes(40)) >= 0
                && at.compareTo(Duration.ofMinutes(60)) < 0), started.toString());
    }

    @Test
    void aRunIsDeterministic_forItsSeed() {
        // GIVEN / WHEN the same scenario and seed twice
        SimulationResult first = run("flash-sale", Duration.ofMinutes(70));
        SimulationResult second = run("flash-sale", Duration.ofMinutes(70));

        // THEN the same cluster, minute by minute, and the same scale events
        assertEquals(first.timeline().samples(), second.timeline().samples());
        assertEquals(first.timeline().scaleEvents(), second.timeline().scaleEvents());
        assertEquals(first.executions().stream().map(run -> run.execution().name()).toList(),
                second.executions().stream().map(run -> run.execution().name()).toList());
    }
}
