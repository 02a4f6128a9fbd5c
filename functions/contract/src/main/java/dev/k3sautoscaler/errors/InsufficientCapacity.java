package dev.k3sautoscaler.errors;

/**
 * No worker could be launched: every offering (instance type × AZ × capacity type) was skipped as
 * recently unavailable or answered with a capacity error. Not retryable: the same offerings fail the
 * same way for minutes; the next tick tries again after the failure backoff, skipping the offerings
 * until they expire. LaunchWorkers answers this as its outcome NONE (so the refused offerings are
 * recorded); the actuation then ends with this error's name, its cause the launch's words listing
 * each offering and its error code.
 */
public final class InsufficientCapacity extends StepError {
    private static final long serialVersionUID = 1L;

    public InsufficientCapacity(String message) {
        super(message);
    }
}
