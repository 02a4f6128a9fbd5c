package dev.k3sautoscaler.testkit.stepfunctions;

import com.fasterxml.jackson.databind.JsonNode;
import dev.k3sautoscaler.runtime.StepJson;
import dev.k3sautoscaler.workflow.InvalidName;
import dev.k3sautoscaler.workflow.TaskFailure;
import java.time.Clock;

/**
 * The {@code states:startExecution} integration as Step Functions answers it, for the local
 * executor: a name StartExecution refuses fails with InvalidName, a name already used on the state
 * machine with ExecutionAlreadyExists (what makes a tick's start idempotent), else the execution
 * starts and the answer carries its ARN and start date. How it runs (at once, or after the calling
 * task returns) is the caller's.
 */
public record FakeStartExecution(String stateMachineArn, Clock clock, Executions executions) {
    public static final String ALREADY_EXISTS = "StepFunctions.ExecutionAlreadyExistsException";
    /** What the optimized integration reports for StartExecution's InvalidName. */
    public static final String INVALID_NAME = "StepFunctions.InvalidNameException";

    /** The executions of one state machine, by name. */
    public interface Executions {
        boolean exists(String name);

        void start(String name, JsonNode input);
    }

    /** @param request the Task's resolved Parameters: {@code Name}, {@code Input} */
    public JsonNode start(JsonNode request) throws TaskFailure {
        String name = request.path("Name").asText();
        try {
            InvalidName.check(name);
        } catch (InvalidName e) {
            throw new TaskFailure(INVALID_NAME, e.getMessage());
        }
        String executionArn = stateMachineArn.replace(":stateMachine:", ":execution:") + ":" + name;
        if (executions.exists(name)) {
            throw new TaskFailure(ALREADY_EXISTS, "Execution Already Exists: '" + executionArn + "'");
        }
        executions.start(name, request.path("Input"));
        return StepJson.MAPPER.createObjectNode().put("ExecutionArn", executionArn).put("StartDate", clock.instant().toString());
    }
}
