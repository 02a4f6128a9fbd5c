package dev.k3sautoscaler.workflow;

/**
 * A Task that ended with a named error, as Step Functions sees it: {@code error} is what
 * {@code ErrorEquals} matches (for a Lambda, the exception's fully qualified class name) and
 * {@code cause} the text an operator reads.
 */
public final class TaskFailure extends Exception {
    private static final long serialVersionUID = 1L;

    private final String error;
    private final String cause;

    public TaskFailure(String error, String cause) {
        super(error + ": " + cause);
        this.error = error;
        this.cause = cause;
    }

    public String error() {
        return error;
    }

    public String cause() {
        return cause;
    }
}
