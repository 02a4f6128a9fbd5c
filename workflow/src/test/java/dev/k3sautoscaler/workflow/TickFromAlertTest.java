package dev.k3sautoscaler.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.k3sautoscaler.core.control.TickInput;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The tick started by the unschedulable-pods fast path: EventBridge Pipes hands Step Functions its
 * batch as a JSON array, even of one message, each message being {@link TickInput#ALERT}. The tick must
 * observe and decide as on the schedule, and read apart from a schedule tick in the console.
 */
class TickFromAlertTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNode ALERT_TICK = ScriptedScenario.read(ScriptedScenario.DIRECTORY.resolve("tick-fast-path-alert.json"));

    @Test
    void crossCheckScenario_startsTheTick_withWhatThePipeSends() {
        // The scenario CrossCheckIT also runs on the reference interpreter is the Pipe's batch of one.
        assertEquals(JSON.valueToTree(List.of(TickInput.ALERT)), ALERT_TICK.get("input"));
    }

    @Test
    void pipeBatchOfOne_reachesCollectMetrics_throughFromUnschedulablePodsAlert() {
        // GIVEN the batch the Pipe sends for one queued alert
        JsonNode batch = JSON.valueToTree(List.of(TickInput.ALERT));

        // WHEN the tick runs it
        ScriptedScenario.LocalRun run = ScriptedScenario.runLocally(ALERT_TICK, batch);

        // THEN it goes the schedule tick's way from CollectMetrics on, after one state that names the fast path
        Execution execution = run.execution();
        assertEquals(Execution.Status.SUCCEEDED, execution.status(), execution.error() + ": " + execution.cause());
        assertEquals(List.of("WhichInput?", "FromUnschedulablePodsAlert", "CollectMetrics"), execution.statePath().subList(0, 3));
        assertEquals("ActuationStarted", execution.statePath().getLast());
        assertEquals(JSON.valueToTree(TickInput.ALERT), execution.input().get(0));
    }

    @Test
    void pipeBatchOfSeveral_startsOneTick_readAsTheFirst() {
        JsonNode batch = JSON.valueToTree(List.of(TickInput.ALERT, TickInput.ALERT, TickInput.ALERT));

        ScriptedScenario.LocalRun run = ScriptedScenario.runLocally(ALERT_TICK, batch);

        // the same path as a batch of one: one observation, one decision, one StartActuation
        assertEquals(Execution.Status.SUCCEEDED, run.execution().status());
        assertEquals(ScriptedScenario.runLocally(ALERT_TICK).execution().statePath(), run.execution().statePath());
    }

    @Test
    void scheduleTick_goesStraightToCollectMetrics() {
        // What tells the two apart in the console: the schedule's tick has no FromUnschedulablePodsAlert.
        List<String> schedule = ScriptedScenario.runLocally(ALERT_TICK, JSON.valueToTree(TickInput.SCHEDULE)).execution().statePath();
        List<String> alert = ScriptedScenario.runLocally(ALERT_TICK).execution().statePath();

        assertEquals(List.of("WhichInput?", "CollectMetrics"), schedule.subList(0, 2));
        assertEquals(schedule.subList(1, schedule.size()), alert.subList(2, alert.size()));
    }

    @Test
    void arrayOfTheScheduleInput_isNotTheFastPath_andStartsNothing() {
        ScriptedScenario.LocalRun run = ScriptedScenario.runLocally(ALERT_TICK, JSON.valueToTree(List.of(TickInput.SCHEDULE)));

        assertEquals(Execution.Status.FAILED, run.execution().status());
        assertEquals("InvalidTickInput", run.execution().error());
        assertEquals(List.of("WhichInput?", "InvalidTickInput"), run.execution().statePath());
    }
}
