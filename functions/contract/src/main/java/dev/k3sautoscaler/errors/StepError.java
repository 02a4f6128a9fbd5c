package dev.k3sautoscaler.errors;

/**
 * Base of every named error a step can end with. The Lambda Java runtime reports the exception's
 * fully qualified class name as the error type, so ASL Retry/Catch match on
 * {@code dev.k3sautoscaler.errors.<Name>}; all step errors live in this one package so those
 * names stay short and predictable.
 */
public abstract class StepError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    protected StepError(String message) {
        super(message);
    }

    protected StepError(String message, Throwable cause) {
        super(message, cause);
    }

    /** True when the same call may succeed later (throttling, 5xx, timeouts): the ASL retries these. */
    public final boolean retryable() {
        return type().retryable();
    }

    public final StepErrorType type() {
        return StepErrorType.of(getClass());
    }

    /** The name ASL matches on. */
    public String errorName() {
        return getClass().getName();
    }
}
