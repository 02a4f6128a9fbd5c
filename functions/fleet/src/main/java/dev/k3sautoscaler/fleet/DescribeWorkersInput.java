package dev.k3sautoscaler.fleet;

import dev.k3sautoscaler.runtime.InputCheck;
import dev.k3sautoscaler.runtime.Validatable;
import java.util.List;

/** @param execution the Step Functions execution name */
public record DescribeWorkersInput(String execution) implements Validatable {
    @Override
    public List<String> validationProblems() {
        return InputCheck.start().required("execution", execution).problems();
    }
}
