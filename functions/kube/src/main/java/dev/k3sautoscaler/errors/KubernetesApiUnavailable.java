package dev.k3sautoscaler.errors;

/**
 * The K3s API server did not answer usefully: 5xx, 429 outside an eviction, a timeout or a
 * refused connection (the master rebooting, an upgrade). Retryable: the ASL retries with backoff.
 */
public final class KubernetesApiUnavailable extends StepError {
    private static final long serialVersionUID = 1L;

    public KubernetesApiUnavailable(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public boolean retryable() {
        return true;
    }
}
