package dev.k3sautoscaler.state;

import dev.k3sautoscaler.runtime.InputCheck;
import dev.k3sautoscaler.runtime.Validatable;
import java.util.List;

/** The input of a step that needs nothing but the execution's name (LoadState, AcquireLock). */
public record ExecutionInput(String execution) implements Validatable {
    @Override
    public List<String> validationProblems() {
        return InputCheck.start().required("execution", execution).problems();
    }
}
