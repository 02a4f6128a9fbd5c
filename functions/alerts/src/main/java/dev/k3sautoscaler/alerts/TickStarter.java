package dev.k3sautoscaler.alerts;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.k3sautoscaler.runtime.StepJson;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.ExecutionAlreadyExistsException;
import software.amazon.awssdk.services.sfn.model.StartExecutionResponse;

/** The one call to Step Functions: StartExecution of the tick state machine. */
final class TickStarter {
    private final SfnClient stepFunctions;
    private final String tickStateMachineArn;

    TickStarter(SfnClient stepFunctions, String tickStateMachineArn) {
        this.stepFunctions = stepFunctions;
        this.tickStateMachineArn = tickStateMachineArn;
    }

    /**
     * Starts the tick. A name already used means this message was delivered before and its tick
     * started (a Standard machine would say so; an Express one does not check names): done, not a failure.
     */
    TickStarted start(TickStart tick, int waitSeconds) {
        String input;
        try {
            input = StepJson.MAPPER.writeValueAsString(tick.input());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the tick input is a map of strings and a number", e);
        }
        try {
            StartExecutionResponse started = stepFunctions.startExecution(request -> request
                    .stateMachineArn(tickStateMachineArn).name(tick.executionName()).input(input));
            return new TickStarted(tick.executionName(), started.executionArn(), waitSeconds, false);
        } catch (ExecutionAlreadyExistsException e) {
            return new TickStarted(tick.executionName(), executionArn(tick.executionName()), waitSeconds, true);
        } catch (SdkException e) {
            throw new TickNotStarted(tick.executionName(), e);
        }
    }

    private String executionArn(String name) {
        return tickStateMachineArn.replace(":stateMachine:", ":execution:") + ":" + name;
    }
}
