package dev.k3sautoscaler.errors;

/** The step's IAM role may not make this EC2 call ({@code UnauthorizedOperation}). Not retryable: fix the role. */
public final class Ec2AccessDenied extends StepError {
    private static final long serialVersionUID = 1L;

    public Ec2AccessDenied(String message, Throwable cause) {
        super(message, cause);
    }
}
