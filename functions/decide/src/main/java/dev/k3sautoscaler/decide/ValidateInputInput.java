package dev.k3sautoscaler.decide;

import com.fasterxml.jackson.databind.JsonNode;
import dev.k3sautoscaler.runtime.InputCheck;
import dev.k3sautoscaler.runtime.Validatable;
import java.util.List;

/** @param input the execution input, any JSON (a non-object is reported as a problem) */
public record ValidateInputInput(String execution, JsonNode input) implements Validatable {
    @Override
    public List<String> validationProblems() {
        return InputCheck.start().required("execution", execution).problems();
    }
}
