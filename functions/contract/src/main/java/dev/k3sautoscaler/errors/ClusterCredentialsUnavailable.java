package dev.k3sautoscaler.errors;

/**
 * The ServiceAccount token (or CA) could not be read from SSM: parameter missing (the master
 * writes it at boot), access denied, throttled or SSM unreachable. Retryable: a blip passes within
 * the ASL's retries; a missing parameter fails the same way each time and ends in Catch with this name.
 */
public final class ClusterCredentialsUnavailable extends StepError {
    private static final long serialVersionUID = 1L;

    public ClusterCredentialsUnavailable(String message, Throwable cause) {
        super(message, cause);
    }
}
