package dev.k3sautoscaler.errors;

/**
 * DynamoDB refused the call for a reason a retry will not fix: the table does not exist, access is
 * denied, or the request is invalid. Not retryable; the message names the table and the cause.
 */
public final class StateStoreRejected extends StepError {
    private static final long serialVersionUID = 1L;

    public StateStoreRejected(String message, Throwable cause) {
        super(message, cause);
    }
}
