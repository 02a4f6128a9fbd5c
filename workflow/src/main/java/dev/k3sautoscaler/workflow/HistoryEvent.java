package dev.k3sautoscaler.workflow;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/**
 * One event of an execution's history, shaped like Step Functions' GetExecutionHistory
 * ({@code TaskStateEntered}, {@code LambdaFunctionFailed}, {@code ExecutionSucceeded} …), so a
 * local history reads like the console's.
 *
 * <p>The states of a Map state's iterations are in the same history. As in Step Functions, an
 * event's {@code previousEventId} is the event before it in the same iteration (the first event of
 * an iteration points at its {@code MapIterationStarted}), so each iteration can be followed on its
 * own. {@code index} is the iteration's item index on {@code MapIteration*} events, {@code length}
 * the number of items on {@code MapStateStarted}; both are null on every other event, and a
 * {@code MapIteration*} event's {@code stateName} is the Map state's.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record HistoryEvent(long id, long previousEventId, Instant timestamp, String type, String stateName,
                           String resource, String input, String output, String error, String cause,
                           Integer index, Integer length) {

    /** An event that is not about a Map state's items. */
    public HistoryEvent(long id, long previousEventId, Instant timestamp, String type, String stateName,
                        String resource, String input, String output, String error, String cause) {
        this(id, previousEventId, timestamp, type, stateName, resource, input, output, error, cause, null, null);
    }
}
