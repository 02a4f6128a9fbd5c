package dev.k3sautoscaler.alerts;

/**
 * StartExecution did not start the tick (throttled, a 5xx, refused). SNS invoked the function
 * asynchronously: Lambda retries the delivery twice, then sends it to the dead-letter queue that
 * the FastPathDeadLetters alarm watches. Scaling meanwhile waits for the schedule, at most a minute.
 */
public final class TickNotStarted extends RuntimeException {
    private static final long serialVersionUID = 1L;

    TickNotStarted(String executionName, Throwable cause) {
        super("StartExecution of tick " + executionName + " failed: " + cause.getMessage(), cause);
    }
}
