package dev.k3sautoscaler.errors;

/**
 * The K3s API server did not answer usefully: 5xx, 429 outside an eviction, a timeout, a
 * refused connection (the master rebooting, an upgrade), or a 200 whose body is empty or unreadable. Retryable: the ASL retries with backoff.
 */
public final class KubernetesApiUnavailable extends StepError {
    private static final long serialVersionUID = 1L;

    public KubernetesApiUnavailable(String message, Throwable cause) {
        super(message, cause);
    }
}
