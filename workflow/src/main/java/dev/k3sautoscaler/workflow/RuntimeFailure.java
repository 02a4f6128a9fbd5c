package dev.k3sautoscaler.workflow;

/**
 * {@code States.Runtime}: a path that matches nothing, an intrinsic given the wrong type, a
 * Choice with no match and no Default. Ends the execution; {@code States.ALL} does not catch it.
 */
final class RuntimeFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    RuntimeFailure(String message) {
        super(message);
    }
}
