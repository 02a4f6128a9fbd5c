package dev.k3sautoscaler.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.k3sautoscaler.core.control.TickInput;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The tick started by the unschedulable-pods fast path: the start-tick-on-alert function starts it
 * with {@link TickInput#alert(int)}. The tick must wait the input's seconds, then observe and decide
 * as on the schedule, and read apart from a schedule tick in the console.
 */
class TickFromAlertTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNode ALERT_TICK = ScriptedScenario.read(ScriptedScenario.DIRECTORY.resolve("tick-fast-path-alert.json"));

    @Test
    void crossCheckScenario_startsTheTick_withWhatTheFunctionSends() {
        // The scenario CrossCheckIT also runs on the reference interpreter is the function's input.
        assertEquals(JSON.valueToTree(TickInput.alert(0)), ALERT_TICK.get("input"));
    }

    @Test
    void alertInput_reachesCollectMetrics_throughItsWait() {
        // WHEN the tick runs the function's input, with a wait as PENDING_UP_SEC=30 gives
        ScriptedScenario.LocalRun run = ScriptedScenario.runLocally(ALERT_TICK, JSON.valueToTree(TickInput.alert(30)));

        // THEN it goes the schedule tick's way from CollectMetrics on, after one state that names the fast path
        Execution execution = run.execution();
        assertEquals(Execution.Status.SUCCEEDED, execution.status(), execution.error() + ": " + execution.cause());
        assertEquals(List.of("WhichInput?", "FromUnschedulablePodsAlert", "CollectMetrics"), execution.statePath().subList(0, 3));
        assertEquals("ActuationStarted", execution.statePath().getLast());
        // and CollectMetrics ran the input's 30 seconds after the start
        java.time.Instant observed = execution.history().stream().filter(event -> "CollectMetrics".equals(event.stateName()))
                .findFirst().orElseThrow().timestamp();
        assertEquals(java.time.Duration.ofSeconds(30), java.time.Duration.between(execution.startTime(), observed));
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
    void alertInputWithoutAValidWait_orAnArray_startsNothing() {
        ObjectNode tooLong = JSON.valueToTree(TickInput.alert(0));
        tooLong.put(TickInput.WAIT_SECONDS, TickInput.MAX_WAIT_SECONDS + 1);
        ObjectNode textual = JSON.valueToTree(TickInput.alert(0));
        textual.put(TickInput.WAIT_SECONDS, "30");
        ObjectNode missing = JSON.valueToTree(TickInput.alert(0));
        missing.remove(TickInput.WAIT_SECONDS);
        // The retired Pipe's form: a batch array.
        JsonNode batch = JSON.valueToTree(List.of(TickInput.alert(0)));

        for (JsonNode input : List.of(tooLong, textual, missing, batch, JSON.valueToTree(List.of(TickInput.SCHEDULE)))) {
            ScriptedScenario.LocalRun run = ScriptedScenario.runLocally(ALERT_TICK, input);
            assertEquals(Execution.Status.FAILED, run.execution().status(), input.toString());
            assertEquals("InvalidTickInput", run.execution().error());
            assertEquals(List.of("WhichInput?", "InvalidTickInput"), run.execution().statePath());
        }
    }
}
