package dev.k3sautoscaler.errors;

/**
 * EC2 could not answer: throttling ({@code RequestLimitExceeded}), a 5xx, a timeout or a response
 * the SDK could not read, after the SDK's own quick retries. Retryable: a Launch retried in the
 * same execution reuses its ClientTokens, so it never launches twice.
 */
public final class Ec2Unavailable extends StepError {
    private static final long serialVersionUID = 1L;

    public Ec2Unavailable(String message, Throwable cause) {
        super(message, cause);
    }
}
