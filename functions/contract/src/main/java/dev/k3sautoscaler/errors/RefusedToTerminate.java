package dev.k3sautoscaler.errors;

/**
 * TerminateWorkers was asked to terminate an instance that is not one of this cluster's managed
 * workers (the master, an instance without the managed tag, another cluster's worker). Nothing is
 * terminated in that call. Not retryable: the request itself is wrong.
 */
public final class RefusedToTerminate extends StepError {
    private static final long serialVersionUID = 1L;

    public RefusedToTerminate(String message) {
        super(message);
    }
}
