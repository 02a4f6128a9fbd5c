package dev.k3sautoscaler.workflow;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A failure of the definition's data flow, not of a task: a path that matches nothing, an intrinsic
 * given the wrong type, a Choice with no match and no Default ({@code States.Runtime}), or a
 * ResultPath with no object to write into ({@code States.ReferencePathConflict}). Ends the
 * execution; {@code States.ALL} does not catch it.
 */
final class RuntimeFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String error;

    RuntimeFailure(String message) {
        this("States.Runtime", message);
    }

    private RuntimeFailure(String error, String message) {
        super(message);
        this.error = error;
    }

    /**
     * A ResultPath step whose parent is no object (an array, a string, a number, null or a boolean):
     * Step Functions neither makes up an object in its place nor lets a Catch take it.
     */
    static RuntimeFailure referencePathConflict(String step, JsonNode input) {
        return new RuntimeFailure("States.ReferencePathConflict",
                "Unable to apply step \"" + step + "\" to input " + Paths.abbreviate(input));
    }

    /**
     * A state's output past Step Functions' payload quota ({@link Execution#MAX_PAYLOAD_BYTES}): a terminal
     * error that {@code States.ALL} does not catch, so the execution ends where it is.
     */
    static RuntimeFailure dataLimitExceeded(String step, long bytes) {
        return new RuntimeFailure("States.DataLimitExceeded", "The state '" + step + "' produced an output of " + bytes
                + " bytes, past the service limit of " + Execution.MAX_PAYLOAD_BYTES + " bytes.");
    }

    /** The execution's error name. */
    String error() {
        return error;
    }
}
