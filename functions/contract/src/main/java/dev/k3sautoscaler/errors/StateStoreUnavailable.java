package dev.k3sautoscaler.errors;

/**
 * DynamoDB could not serve the call now: throttling, provisioned throughput exceeded, a 5xx, a
 * transaction conflict, a timeout or a connection failure (after the SDK's own retries). Retryable:
 * every state call is conditional, so repeating it cannot apply anything twice.
 */
public final class StateStoreUnavailable extends StepError {
    private static final long serialVersionUID = 1L;

    public StateStoreUnavailable(String message, Throwable cause) {
        super(message, cause);
    }
}
