package dev.k3sautoscaler.errors;

/**
 * No worker could be launched: every offering (instance type × AZ × capacity type) was skipped as
 * recently unavailable or answered with a capacity error. Not retryable at the step level: the same
 * offerings fail the same way for minutes; the next tick tries again after the offerings expire.
 * The message lists each offering and its error code.
 */
public final class InsufficientCapacity extends StepError {
    private static final long serialVersionUID = 1L;

    public InsufficientCapacity(String message) {
        super(message);
    }
}
