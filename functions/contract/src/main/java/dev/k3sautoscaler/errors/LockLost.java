package dev.k3sautoscaler.errors;

/**
 * The lease passed in is no longer the current one: it was released, or it expired and another
 * execution acquired the lock (a higher fencing token). Nothing was written. Not retryable: the
 * execution must stop actuating; the next tick re-decides with fresh state.
 */
public final class LockLost extends StepError {
    private static final long serialVersionUID = 1L;

    public LockLost(String message) {
        super(message);
    }
}
