package dev.k3sautoscaler.workflow;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Runs a Task state's resource. For a Lambda ARN this is the real handler in-process; for
 * {@code arn:aws:states:::states:startExecution} the simulator starts another execution.
 * A {@link TaskFailure} is a named error; any other exception is treated as a Lambda's unhandled
 * error, named by its fully qualified class name, as the Lambda Java runtime reports it.
 */
@FunctionalInterface
public interface TaskInvoker {
    JsonNode invoke(String resource, JsonNode input, TaskContext context) throws TaskFailure;

    /** What a task knows about where it runs. */
    record TaskContext(String executionName, String stateName, int attempt, java.time.Instant now) {
    }
}
