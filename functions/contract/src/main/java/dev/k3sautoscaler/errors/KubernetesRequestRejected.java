package dev.k3sautoscaler.errors;

/** The API server rejected a request as invalid (4xx other than 401/403/404/429). Not retryable: a bug or a cluster policy. */
public final class KubernetesRequestRejected extends StepError {
    private static final long serialVersionUID = 1L;

    public KubernetesRequestRejected(String message, Throwable cause) {
        super(message, cause);
    }
}
