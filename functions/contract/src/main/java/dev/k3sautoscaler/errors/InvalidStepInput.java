package dev.k3sautoscaler.errors;

import java.util.List;

/** The step's input is missing fields or has wrong types. Not retryable: the same input fails the same way. */
public final class InvalidStepInput extends StepError {
    private static final long serialVersionUID = 1L;

    public InvalidStepInput(String step, List<String> problems) {
        super(step + " input is invalid: " + String.join("; ", problems));
    }

    public InvalidStepInput(String step, String problem, Throwable cause) {
        super(step + " input is invalid: " + problem, cause);
    }
}
