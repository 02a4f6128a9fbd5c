package dev.k3sautoscaler.errors;

/**
 * The same idempotency key arrived with a different validation payload: the caller's key leaves out
 * something that changes the side effect. Not retryable; the stored result is not returned for a
 * request it does not answer.
 */
public final class IdempotencyPayloadMismatch extends StepError {
    private static final long serialVersionUID = 1L;

    public IdempotencyPayloadMismatch(String message) {
        super(message);
    }
}
