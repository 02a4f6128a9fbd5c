package dev.k3sautoscaler.errors;

/**
 * The API server refused our ServiceAccount token (401) or its RBAC rules (403). Not retryable:
 * the same token and rules fail the same way until an operator fixes them.
 */
public final class KubernetesAccessDenied extends StepError {
    private static final long serialVersionUID = 1L;

    public KubernetesAccessDenied(String message, Throwable cause) {
        super(message, cause);
    }
}
