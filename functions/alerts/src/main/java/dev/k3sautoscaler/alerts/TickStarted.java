package dev.k3sautoscaler.alerts;

/**
 * The function's result: the tick it started (or found started by an earlier delivery of the same
 * message), and how long that tick waits before it observes.
 */
public record TickStarted(String executionName, String executionArn, int waitSeconds, boolean alreadyStarted) {
}
