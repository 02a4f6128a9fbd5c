package dev.k3sautoscaler.workflow;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/**
 * One event of an execution's history, shaped like Step Functions' GetExecutionHistory
 * ({@code TaskStateEntered}, {@code LambdaFunctionFailed}, {@code ExecutionSucceeded} …), so a
 * local history reads like the console's.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record HistoryEvent(long id, long previousEventId, Instant timestamp, String type, String stateName,
                           String resource, String input, String output, String error, String cause) {
}
