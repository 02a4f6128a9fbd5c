package dev.k3sautoscaler.lifecycle;

import dev.k3sautoscaler.runtime.InputCheck;
import dev.k3sautoscaler.runtime.Validatable;
import java.util.List;

/**
 * @param execution  the Step Functions execution name
 * @param instanceId the instance the EC2 event names ({@code detail.instance-id}); any string: one EC2 does
 *                   not know is an answer (UNKNOWN_INSTANCE), not an error
 */
public record IdentifyEventInstanceInput(String execution, String instanceId) implements Validatable {

    @Override
    public List<String> validationProblems() {
        return InputCheck.start().required("execution", execution).required("instanceId", instanceId).problems();
    }
}
