package dev.k3sautoscaler.contract;

import java.util.Locale;

/**
 * The Maven module (and so the Lambda jar) a function's handler is built in: one per outside system.
 * ALERTS holds the one function that is not a workflow step: the fast path's, which SNS invokes.
 */
public enum FunctionModule {
    DECIDE, METRICS, STATE, FLEET, KUBE, LIFECYCLE, ALERTS;

    /** The module's directory under functions/ and its artifact id: {@code fleet}. */
    public String artifact() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The package of its handlers: {@code dev.k3sautoscaler.fleet}. */
    public String javaPackage() {
        return "dev.k3sautoscaler." + artifact();
    }
}
