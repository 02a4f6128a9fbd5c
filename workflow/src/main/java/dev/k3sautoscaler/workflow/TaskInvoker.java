package dev.k3sautoscaler.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * Runs a Task state's resource. For a Lambda ARN this is the real handler in-process; for
 * {@code arn:aws:states:::states:startExecution} the simulator starts another execution.
 * A {@link TaskFailure} is a named error; any other exception is treated as a Lambda's unhandled
 * error, named by its fully qualified class name, as the Lambda Java runtime reports it.
 *
 * <p>A task completes at the instant it starts unless {@link #start} answers {@link Started.Later}:
 * then the execution waits, like in a Wait state, and the deferred work runs when the clock reaches
 * its instant (a Lambda that hangs, a side effect that lands late).
 */
@FunctionalInterface
public interface TaskInvoker {
    JsonNode invoke(String resource, JsonNode input, TaskContext context) throws TaskFailure;

    /** Starts the task; by default it completes now with {@link #invoke}'s answer. */
    default Started start(String resource, JsonNode input, TaskContext context) throws TaskFailure {
        return new Started.Now(invoke(resource, input, context));
    }

    /** What a task knows about where it runs. */
    record TaskContext(String executionName, String stateName, int attempt, java.time.Instant now) {
    }

    /** Work that completes a deferred task, run at its instant: a result, a {@link TaskFailure}, or an unhandled error. */
    @FunctionalInterface
    interface DeferredWork {
        JsonNode complete() throws TaskFailure;
    }

    /** How a started task goes on: done now, or at an instant of the clock. */
    sealed interface Started {
        /** Completed at once with this result. */
        record Now(JsonNode result) implements Started {
        }

        /** Completes at {@code at}: the execution waits until then, and {@code work}'s outcome is the task's. */
        record Later(Instant at, DeferredWork work) implements Started {
            public Later {
                java.util.Objects.requireNonNull(at, "at");
                java.util.Objects.requireNonNull(work, "work");
            }
        }
    }
}
