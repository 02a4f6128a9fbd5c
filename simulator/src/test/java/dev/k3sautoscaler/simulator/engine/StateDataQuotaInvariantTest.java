package dev.k3sautoscaler.simulator.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k3sautoscaler.runtime.StepJson;
import dev.k3sautoscaler.simulator.engine.Invariants.Violation;
import dev.k3sautoscaler.simulator.engine.Simulation.RunExecution;
import dev.k3sautoscaler.simulator.report.RunTimeline;
import dev.k3sautoscaler.workflow.Execution;
import dev.k3sautoscaler.workflow.LocalExecutor;
import dev.k3sautoscaler.workflow.StateMachine;
import dev.k3sautoscaler.workflow.VirtualClock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** NO_STATE_DATA_PAST_THE_QUOTA on a hand-made tick whose Decide answers more than Step Functions carries. */
class StateDataQuotaInvariantTest {
    private static final String DECIDE = """
            {"StartAt": "Decide", "States": {
              "Decide": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:decide",
                "ResultPath": "$.decision",
                "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.failure", "Next": "Caught"}], "End": true},
              "Caught": {"Type": "Pass", "End": true}}}""";

    private static RunExecution tick(int reasonBytes) {
        StateMachine machine = StateMachine.load("tick", DECIDE, Map.of());
        LocalExecutor executor = new LocalExecutor((resource, input, context) ->
                StepJson.MAPPER.createObjectNode().put("reason", "x".repeat(reasonBytes)), new VirtualClock(Simulation.START));
        return new RunExecution(RunTimeline.Machine.EXPRESS_TICK,
                executor.run(machine, "tick-20260105-000000", StepJson.MAPPER.createObjectNode()), Duration.ZERO, 2, false);
    }

    @Test
    void breaks_whenAnExecutionEndedPastTheQuota() {
        List<String> found = Invariants.stateDataWithinQuota(List.of(tick(Execution.MAX_PAYLOAD_BYTES)))
                .stream().map(Violation::toString).toList();

        assertEquals(1, found.size(), found.toString());
        assertTrue(found.getFirst().startsWith("NO_STATE_DATA_PAST_THE_QUOTA: tick-20260105-000000: "), found.getFirst());
        assertTrue(found.getFirst().contains("past the service limit of 262144 bytes"), found.getFirst());
    }

    @Test
    void holds_belowIt() {
        assertEquals(List.of(), Invariants.stateDataWithinQuota(List.of(tick(100_000))));
    }
}
