package dev.k3sautoscaler.errors;

/**
 * EC2 rejected the request as invalid (a missing launch template, a bad subnet, an
 * {@code IdempotentParameterMismatch}). Not retryable: the same request fails the same way; the
 * message carries EC2's error code.
 */
public final class Ec2RequestRejected extends StepError {
    private static final long serialVersionUID = 1L;

    public Ec2RequestRejected(String message, Throwable cause) {
        super(message, cause);
    }
}
