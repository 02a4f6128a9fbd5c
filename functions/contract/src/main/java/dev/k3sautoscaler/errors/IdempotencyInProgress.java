package dev.k3sautoscaler.errors;

/**
 * Another invocation with the same idempotency key is still running its side effect (a Step Functions
 * retry arrived while the first attempt is in flight). Retryable: once the first attempt completes,
 * the retry gets its stored result; if it crashed, its in-progress record expires and the retry runs.
 */
public final class IdempotencyInProgress extends StepError {
    private static final long serialVersionUID = 1L;

    public IdempotencyInProgress(String message) {
        super(message);
    }
}
